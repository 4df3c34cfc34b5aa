import { join } from 'node:path'
import type { Finding } from '../shared/finding'
import type { EventChannel, Events, RunView } from '../shared/ipc'
import type { Logger } from '../core/log'
import { RecentFiles } from '../core/session/recent'
import { Session } from '../core/session/session'
import { Store } from '../core/store/store'
import type { TrayNotifier } from '../core/monitor/alerts/tray'
import type { Vault } from '../core/vault/vault'
import { createHandlers, type Dialogs, type Printer } from './handlers'
import { createRouter } from './router'

export interface AppServicesOptions {
  /** The app's user-data folder: history database, recent files. */
  readonly userData: string
  readonly vault: Vault
  readonly dialogs: Dialogs
  readonly printer: Printer
  readonly log: Logger
  /** Sends an event to the window. */
  readonly emit: <E extends EventChannel>(
    channel: E,
    payload: Events[E],
  ) => void
  readonly isTrustedSender: (url: string | undefined) => boolean
  /** A finished audit and what regressed, for the tray and notifications. */
  readonly onAudit?: (run: RunView, regressions: readonly Finding[]) => void
  /** Desktop notifications for the tray alert channel; the shell's. */
  readonly tray?: TrayNotifier
  /** A monitor changed state, after the window has been told. */
  readonly onMonitorEvent?: () => void
  /** better-sqlite3 built for this runtime, when not the default one. */
  readonly nativeBinding?: string
}

/**
 * Everything behind the window, wired together without Electron: the
 * app's shell and the e2e bridge both build exactly this.
 */
export function createAppServices(options: AppServicesOptions) {
  const store = new Store(join(options.userData, 'history.sqlite3'), {
    nativeBinding: options.nativeBinding,
  })
  const session = new Session({
    store,
    vault: options.vault,
    recent: new RecentFiles(join(options.userData, 'recent-workspaces.json')),
    log: options.log,
    onProgress: (event) => options.emit('audit:progress', event),
    onAudit: options.onAudit,
    tray: options.tray,
    onMonitorEvent: (event) => {
      options.emit('monitor:changed', { monitor: event.monitor })
      options.onMonitorEvent?.()
    },
  })
  const handlers = createHandlers(session, options.dialogs, options.printer)
  const router = createRouter(handlers, {
    isTrustedSender: options.isTrustedSender,
    log: options.log,
  })
  return {
    session,
    router,
    /** Stops the audit and the monitors, then closes the history. */
    async close() {
      session.cancelAudit()
      await session.stopMonitoring()
      store.close()
    },
  }
}

export type AppServices = ReturnType<typeof createAppServices>
