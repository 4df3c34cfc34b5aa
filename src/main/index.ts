import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Notification,
  shell as desktop,
} from 'electron'
import { join } from 'node:path'
import { INVOKE_CHANNELS, type EventChannel } from '../shared/channels'
import type { Finding } from '../shared/finding'
import type { Events, RunView } from '../shared/ipc'
import { messageOf } from '../core/errors'
import { createLogger, type Logger } from '../core/log'
import type { TrayNotifier } from '../core/monitor/alerts/tray'
import { keychainVault } from '../core/vault/vault'
import { createAppServices, type AppServices } from './app-services'
import { workspaceArgument } from './arguments'
import type { Dialogs } from './handlers'
import { rollingFileWriter } from './log-file'
import { setupMenu } from './menu'
import { electronPrinter } from './pdf'
import { setupSecurity } from './security'
import { createTray } from './tray'
import { regressionNotice } from './tray-icon'
import { createMainWindow, isAppUrl, showWindow } from './window'

// The shell: a flat list of setup steps around the Electron-free services.
const shell: {
  log?: Logger
  services?: AppServices
  window?: BrowserWindow
  tray?: ReturnType<typeof createTray>
  quitting: boolean
  pendingFile?: string
} = { quitting: false }

if (app.requestSingleInstanceLock()) {
  setupUserData()
  setupOpenFile()
  setupSecurity(isAppUrl)
  app.whenReady().then(start, (error) => fatal(error))
} else {
  // Another instance owns the window; it receives our argv and opens it.
  app.quit()
}

async function start() {
  setupLogging()
  setupServices()
  setupIpc()
  setupWindow()
  setupMenuBar()
  setupTray()
  setupLifecycle()
  const file =
    shell.pendingFile ?? workspaceArgument(process.argv.slice(1), process.cwd())
  if (file) await openWorkspace(file)
}

/** Tests and portable installs point the app at their own folder. */
function setupUserData() {
  const dir = process.env['LAUNCH_READY_USER_DATA']
  if (dir) app.setPath('userData', dir)
}

function setupLogging() {
  const file = join(app.getPath('userData'), 'logs', 'main.log')
  shell.log = createLogger({
    level: app.isPackaged ? 'info' : 'debug',
    json: process.env['LAUNCH_READY_LOG_JSON'] === '1',
    write: rollingFileWriter(file),
  })
  shell.log.info('starting', { version: app.getVersion() })
}

function setupServices() {
  shell.services = createAppServices({
    userData: app.getPath('userData'),
    // A separate keychain service keeps test runs off the user's entries.
    vault: keychainVault(process.env['LAUNCH_READY_KEYCHAIN_SERVICE']),
    dialogs: electronDialogs,
    printer: electronPrinter,
    tray: desktopNotifier,
    onMonitorEvent: showMonitors,
    log: shell.log!,
    emit,
    isTrustedSender: isAppUrl,
    onAudit: showAudit,
    nativeBinding: process.env['LAUNCH_READY_SQLITE_BINDING'],
  })
}

function setupIpc() {
  const router = shell.services!.router
  for (const channel of INVOKE_CHANNELS) {
    ipcMain.handle(channel, (event, payload) =>
      router.dispatch(channel, payload, event.senderFrame?.url),
    )
  }
}

function setupWindow() {
  shell.window = createMainWindow(() => shell.quitting)
}

function setupMenuBar() {
  setupMenu({
    openWorkspace: async () => {
      const file = await electronDialogs.pickWorkspace()
      if (file) await openWorkspace(file)
    },
    runAudit: () => emit('audit:requested', {}),
  })
}

function setupTray() {
  shell.tray = createTray({
    open: () => showWindow(shell.window),
    runAudit: () => {
      showWindow(shell.window)
      emit('audit:requested', {})
    },
    quit: () => app.quit(),
  })
  shell.tray.show(shell.services!.session.lastRun()?.findings)
}

function setupLifecycle() {
  app.on('second-instance', (_event, argv, cwd) => {
    showWindow(shell.window)
    const file = workspaceArgument(argv, cwd)
    if (file) void openWorkspace(file)
  })
  app.on('activate', () => showWindow(shell.window))
  // Quitting waits once for the monitors' checks in flight and the
  // history to close, then quits for real.
  app.on('before-quit', (event) => {
    const services = shell.services
    if (!services) return
    event.preventDefault()
    shell.quitting = true
    shell.services = undefined
    void services.close().finally(() => app.quit())
  })
}

/** macOS hands files over with `open-file`, possibly before ready. */
function setupOpenFile() {
  app.on('open-file', (event, file) => {
    event.preventDefault()
    if (shell.services) void openWorkspace(file)
    else shell.pendingFile = file
  })
}

async function openWorkspace(file: string) {
  try {
    const view = await shell.services!.session.open(file)
    emit('workspace:opened', view)
    shell.tray?.show(shell.services!.session.lastRun()?.findings)
  } catch (error) {
    shell.log?.warn('could not open workspace', {
      file,
      error: messageOf(error),
    })
    dialog.showErrorBox('Could not open the workspace', messageOf(error))
  }
}

function emit<E extends EventChannel>(channel: E, payload: Events[E]) {
  const contents = shell.window?.webContents
  if (contents && !contents.isDestroyed()) contents.send(channel, payload)
}

/** The tray follows the monitors too: a page down turns it red. */
function showMonitors() {
  const session = shell.services?.session
  if (!session?.current()) return
  const monitors = session.monitoringDashboard().monitors
  shell.tray?.show(session.lastRun()?.findings, {
    down: monitors.filter((m) => m.state === 'down').map((m) => m.target),
    offline: monitors.some((m) => m.state === 'offline'),
  })
}

function showAudit(run: RunView, regressions: readonly Finding[]) {
  shell.tray?.show(run.findings)
  if (regressions.length > 0 && Notification.isSupported()) {
    const notice = regressionNotice(regressions)
    const notification = new Notification(notice)
    notification.on('click', () => showWindow(shell.window))
    notification.show()
  }
}

/** Monitor alerts as desktop notifications; a click opens the monitor. */
const desktopNotifier: TrayNotifier = {
  notify({ title, body, monitor, urgent }) {
    if (!Notification.isSupported()) return
    const notification = new Notification({
      title,
      body,
      urgency: urgent ? 'critical' : 'normal',
    })
    notification.on('click', () => {
      showWindow(shell.window)
      emit('monitor:open', { monitor })
    })
    notification.show()
  },
}

const electronDialogs: Dialogs = {
  async pickWorkspace() {
    const result = await dialog.showOpenDialog(shell.window!, {
      title: 'Open a workspace',
      properties: ['openFile'],
      filters: [
        { name: 'Launch Ready workspace', extensions: ['yaml', 'yml', 'json'] },
      ],
    })
    return result.canceled ? undefined : result.filePaths[0]
  },
  openInBrowser: (url) => desktop.openExternal(url),
  async pickExportPath(suggestedName) {
    const extension = suggestedName.split('.').at(-1) ?? 'md'
    const result = await dialog.showSaveDialog(shell.window!, {
      title: 'Save the handover document',
      defaultPath: suggestedName,
      filters: [{ name: extension.toUpperCase(), extensions: [extension] }],
    })
    return result.canceled ? undefined : result.filePath
  },
  async pickNewWorkspacePath(suggestedName) {
    const result = await dialog.showSaveDialog(shell.window!, {
      title: 'Save the new workspace',
      defaultPath: suggestedName,
      filters: [{ name: 'Launch Ready workspace', extensions: ['yaml'] }],
    })
    return result.canceled ? undefined : result.filePath
  },
}

function fatal(error: unknown) {
  dialog.showErrorBox('Launch Ready could not start', messageOf(error))
  app.exit(1)
}
