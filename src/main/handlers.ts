import type { Session } from '../core/session/session'
import type { Handlers } from './router'

/** The OS file dialogs, which only Electron can show. */
export interface Dialogs {
  /** A workspace file the user picked, or undefined if they cancelled. */
  pickWorkspace(): Promise<string | undefined>
  /** Where to save a new workspace, or undefined if they cancelled. */
  pickNewWorkspacePath(suggestedName: string): Promise<string | undefined>
}

/** Binds every channel of the contract to the session. */
export function createHandlers(session: Session, dialogs: Dialogs): Handlers {
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
    'baseline:accept': ({ fingerprint, reason }) =>
      session.acceptSecretFinding(fingerprint, reason),
  }
}
