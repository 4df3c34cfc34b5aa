import type {
  Browser,
  BrowserContextOptions,
  Page,
  Route,
} from '@playwright/test'
import { randomBytes } from 'node:crypto'
import { appendFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { EventChannel, Events } from '../../src/shared/ipc'
import { createLogger, type Logger } from '../../src/core/log'
import { keychainVault, type Vault } from '../../src/core/vault/vault'
import { createAppServices } from '../../src/main/app-services'
import type { Dialogs, Printer } from '../../src/main/handlers'
import type { LaunchedApp, LaunchOptions } from '../support/launched-app'
import { INIT_SCRIPT } from '../support/paths'

export interface BridgeOptions extends LaunchOptions {
  readonly browser: Browser
  readonly contextOptions: BrowserContextOptions
  /** The static server's origin, e.g. http://127.0.0.1:41234. */
  readonly origin: string
  readonly logFile: string
  /** Told about every request the page tried outside the app. */
  readonly onRefused: (url: string) => void
}

/** The listener registry the init script keeps in the page. */
interface PageEvents {
  __launchReadyEvents?: { emit(channel: string, payload: unknown): void }
}

/**
 * The built renderer in Chromium with the real main-process services
 * behind it: the page's `window.api` calls a binding that dispatches
 * through the same router the app's IPC uses, and events from main are
 * delivered into the page. Only Electron itself is missing.
 */
export async function launchBridge(
  options: BridgeOptions,
): Promise<LaunchedApp> {
  const log = fileLogger(options.logFile)
  const vault = keychainVault(
    `launch-ready-e2e-${randomBytes(4).toString('hex')}`,
  )
  const context = await options.browser.newContext(options.contextOptions)
  await context.route('**/*', (route) => serveOrRefuse(route, options, log))
  const page = await context.newPage()
  options.watch(page)
  const services = createAppServices({
    userData: options.userData,
    vault,
    dialogs: testDialogs(options, log),
    printer: chromiumPrinter(options.browser),
    log,
    emit: (channel, payload) => deliver(page, channel, payload, log),
    isTrustedSender: (url) => url?.startsWith(`${options.origin}/`) ?? false,
  })
  await page.exposeBinding(
    '__launchReadyInvoke',
    ({ frame }, channel: unknown, request: unknown) =>
      services.router.dispatch(String(channel), request, frame.url()),
  )
  await page.exposeBinding('__launchReadyPathOf', (_source, name: unknown) =>
    join(dirname(options.workspaceFile), basename(String(name))),
  )
  await page.addInitScript({ path: INIT_SCRIPT })
  await page.goto(`${options.origin}/`)
  return {
    mode: 'chromium bridge',
    page,
    newWorkspaceDir: options.newWorkspaceDir,
    mainLog: () => readFile(options.logFile, 'utf8').catch(() => ''),
    async close() {
      await services.close()
      await context.close()
      await clearVault(vault)
    },
  }
}

/**
 * Every request the page makes is fetched from the static server by
 * Playwright, in Node, and handed to the page; anything else is refused
 * and fails the test. Chromium itself then opens no socket at all: even
 * for 127.0.0.1 its resolver first probes whether IPv6 is reachable by
 * connecting a UDP socket to 2001:4860:4860::8888, which a loopback-only
 * check rightly flags.
 */
async function serveOrRefuse(
  route: Route,
  options: BridgeOptions,
  log: Logger,
): Promise<void> {
  const url = route.request().url()
  if (url === options.origin || url.startsWith(`${options.origin}/`)) {
    await route.fulfill({ response: await route.fetch() })
    return
  }
  log.error('refused a request outside the app', { url: url.slice(0, 200) })
  options.onRefused(url)
  await route.abort('blockedbyclient')
}

/** The OS dialogs, answered the way a user would for the specs. */
function testDialogs(options: LaunchOptions, log: Logger): Dialogs {
  return {
    // No browser to hand the address to: the log shows what was asked.
    openInBrowser: async (url) => log.info('opened in the browser', { url }),
    pickWorkspace: async () => options.workspaceFile,
    pickNewWorkspacePath: async (suggested) =>
      join(options.newWorkspaceDir, suggested),
    pickExportPath: async (suggested) =>
      join(options.newWorkspaceDir, suggested),
  }
}

/**
 * Electron prints the handover document with Chromium's print-to-PDF;
 * here the same engine does it through Playwright, in a page of its own
 * with scripts off.
 */
function chromiumPrinter(browser: Browser): Printer {
  return {
    async toPdf(html) {
      const context = await browser.newContext({ javaScriptEnabled: false })
      try {
        const page = await context.newPage()
        await page.setContent(html)
        return await page.pdf({ format: 'A4', printBackground: true })
      } finally {
        await context.close()
      }
    },
  }
}

/** Sends an event from main into the page, as webContents.send would. */
function deliver<E extends EventChannel>(
  page: Page,
  channel: E,
  payload: Events[E],
  log: Logger,
): void {
  page
    .evaluate(emitInPage, [channel, payload as unknown] as const)
    .catch((error: unknown) =>
      // A page that is navigating or closing misses the event, as a
      // window would; say so in the log rather than fail the audit.
      log.warn('could not deliver event', { channel, error: String(error) }),
    )
}

/** Runs in the page: hands an event to the init script's listeners. */
function emitInPage([channel, payload]: readonly [string, unknown]): void {
  ;(globalThis as PageEvents).__launchReadyEvents?.emit(channel, payload)
}

function fileLogger(file: string): Logger {
  return createLogger({
    level: 'debug',
    write: (line) => appendFileSync(file, `${line}\n`),
  })
}

async function clearVault(vault: Vault): Promise<void> {
  for (const name of await vault.list()) await vault.delete(name)
}
