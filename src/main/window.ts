import { BrowserWindow } from 'electron'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

/** Where the renderer comes from: the dev server, or the built files. */
export function rendererUrl(): string {
  return (
    process.env['ELECTRON_RENDERER_URL'] ??
    pathToFileURL(join(__dirname, '../renderer/index.html')).href
  )
}

/** True for our own page (any route of it), never anything else. */
export function isAppUrl(url: string | undefined): boolean {
  if (!url) return false
  const app = new URL(rendererUrl())
  const candidate = URL.canParse(url) ? new URL(url) : undefined
  if (!candidate) return false
  return app.protocol === 'file:'
    ? candidate.protocol === 'file:' && candidate.pathname === app.pathname
    : candidate.origin === app.origin
}

/**
 * The main window: context isolation, the sandbox and no Node in the
 * page; the preload gives it the domain API and nothing else. Closing it
 * hides it, so the tray and scheduled checks carry on.
 */
export function createMainWindow(shouldQuit: () => boolean): BrowserWindow {
  const window = new BrowserWindow({
    width: 1200,
    height: 820,
    minWidth: 880,
    minHeight: 560,
    show: false,
    title: 'Launch Ready',
    backgroundColor: '#f6f7f9',
    webPreferences: {
      preload: join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  })
  window.once('ready-to-show', () => window.show())
  window.on('close', (event) => {
    if (shouldQuit()) return
    event.preventDefault()
    window.hide()
  })
  void window.loadURL(rendererUrl())
  return window
}

/** Brings the window to the front, restoring it if needed. */
export function showWindow(window: BrowserWindow | undefined): void {
  if (!window) return
  if (window.isMinimized()) window.restore()
  window.show()
  window.focus()
}
