import { writeFile } from 'node:fs/promises'
import { basename } from 'node:path'
import type { Session } from '../core/session/session'
import type { Handlers } from './router'

/** The OS file dialogs, which only Electron can show. */
export interface Dialogs {
  /** A workspace file the user picked, or undefined if they cancelled. */
  pickWorkspace(): Promise<string | undefined>
  /** Where to save a new workspace, or undefined if they cancelled. */
  pickNewWorkspacePath(suggestedName: string): Promise<string | undefined>
  /** Where to save an exported document, or undefined if they cancelled. */
  pickExportPath(suggestedName: string): Promise<string | undefined>
  /** Opens an address in the user's browser, outside the app. */
  openInBrowser(url: string): Promise<void>
}

/** Turns the handover document's HTML into a PDF: Chromium's printing. */
export interface Printer {
  toPdf(html: string): Promise<Uint8Array>
}

/** Binds every channel of the contract to the session. */
export function createHandlers(
  session: Session,
  dialogs: Dialogs,
  printer: Printer,
): Handlers {
  return {
    'workspace:open': async ({ path }) => {
      const file = path ?? (await dialogs.pickWorkspace())
      return file ? session.open(file) : null
    },
    'workspace:create': async ({ path, ...form }) => {
      const suggested = `${form.domain.replace(/[^a-z0-9.-]/gi, '') || 'site'}.launchready.yaml`
      const file = path ?? (await dialogs.pickNewWorkspacePath(suggested))
      return file ? session.create(file, form) : null
    },
    'workspace:current': () => session.current(),
    'workspace:recent': () => session.recent(),
    'audit:run': ({ only }) => session.runAudit(only),
    'audit:cancel': () => session.cancelAudit(),
    'audit:last': () => session.lastRun(),
    'audit:history': ({ check, target }) => session.history(check, target),
    'secret:list': () => session.secrets(),
    'secret:set': ({ name, value }) => session.setSecret(name, value),
    'secret:delete': ({ name }) => session.deleteSecret(name),
    'handover:checklist': () => session.handoverChecklist(),
    'handover:record': ({ item }) => session.recordChecklistItem(item),
    'handover:export': async ({ format }) => {
      const name = baseName(session.current()?.file ?? 'workspace')
      const path = await dialogs.pickExportPath(`${name}-handover.${format}`)
      if (!path) return null
      const text = await session.handoverDocument(
        format === 'pdf' ? 'html' : format,
      )
      await writeFile(path, format === 'pdf' ? await printer.toPdf(text) : text)
      return path
    },
    'link:open': ({ url }) => dialogs.openInBrowser(url),
    'monitor:dashboard': () => session.monitoringDashboard(),
    'monitor:start': () => session.startMonitoring(),
    'monitor:stop': async () => {
      await session.stopMonitoring()
      return session.monitoringDashboard()
    },
    'monitor:test': ({ channel }) => session.sendTestAlert(channel),
    'baseline:accept': ({ fingerprint, reason }) =>
      session.acceptSecretFinding(fingerprint, reason),
  }
}

/** "shop" for /work/shop.launchready.yaml. */
function baseName(file: string): string {
  return basename(file).replace(/(\.launchready)?\.(ya?ml|json)$/i, '')
}
