import { create } from 'zustand'
import type { RequestOf, WorkspaceView } from '../../shared/ipc'
import { readableError, settle } from '../lib/result'
import { useAuditStore } from './audit'
import { useNavigation } from './navigation'

export type NewWorkspace = RequestOf<'workspace:create'>

/** Where the last failure happened, so it shows next to what failed. */
export type WorkspaceFailure =
  | { readonly where: 'open'; readonly message: string }
  | {
      readonly where: 'recent'
      readonly path: string
      readonly message: string
    }
  | { readonly where: 'create'; readonly message: string }

interface WorkspaceState {
  readonly view: WorkspaceView | null
  readonly recent: readonly string[]
  readonly busy: boolean
  readonly failure: WorkspaceFailure | null
  /** Picks up a workspace main already has open, and the recent files. */
  load(): Promise<void>
  /**
   * Opens `path`, or asks the user to pick a file when there is none. A
   * failure shows by the recent file it came from, or by Open.
   */
  open(path?: string, from?: 'open' | 'recent'): Promise<void>
  create(form: NewWorkspace): Promise<boolean>
  /** Shows a workspace opened by main: file association, second launch. */
  adopt(view: WorkspaceView): void
}

/** The open workspace and the recent files. */
export const useWorkspaceStore = create<WorkspaceState>()((set, get) => ({
  view: null,
  recent: [],
  busy: false,
  failure: null,
  async load() {
    const [current, recent] = await Promise.all([
      settle(window.api.workspace.current()),
      settle(window.api.workspace.recent()),
    ])
    if (recent.ok) set({ recent: recent.value })
    if (current.ok && current.value) get().adopt(current.value)
  },
  async open(path, from = path ? 'recent' : 'open') {
    set({ busy: true, failure: null })
    const result = await settle(window.api.workspace.open({ path }))
    set({ busy: false })
    if (!result.ok) {
      const message = readableError(result.error)
      set({
        failure:
          path && from === 'recent'
            ? { where: 'recent', path, message }
            : { where: 'open', message },
      })
    } else if (result.value) get().adopt(result.value)
  },
  async create(form) {
    set({ busy: true, failure: null })
    const result = await settle(window.api.workspace.create(form))
    set({ busy: false })
    if (!result.ok) {
      set({
        failure: { where: 'create', message: readableError(result.error) },
      })
      return false
    }
    if (result.value) get().adopt(result.value)
    return result.value !== null
  },
  adopt(view) {
    set({ view, failure: null })
    void refreshRecent(set)
    useNavigation.getState().go('audit')
    void useAuditStore.getState().load()
  },
}))

async function refreshRecent(
  set: (state: Partial<WorkspaceState>) => void,
): Promise<void> {
  const recent = await settle(window.api.workspace.recent())
  if (recent.ok) set({ recent: recent.value })
}
