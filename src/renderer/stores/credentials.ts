import { create } from 'zustand'
import type { SecretView } from '../../shared/ipc'
import { readableError, settle } from '../lib/result'

interface CredentialsState {
  readonly secrets: readonly SecretView[] | null
  readonly listError: string | null
  readonly saveError: string | null
  /** A confirmation after a save or delete, naming the credential. */
  readonly notice: string | null
  /** The name waiting for the user to confirm its deletion. */
  readonly confirming: string | null
  readonly deleteError: string | null
  /** The name the form is filled with after "Replace" or "Add value". */
  readonly selected: { readonly name: string; readonly token: number }
  load(): Promise<void>
  /** Sends the value to the keychain; it is kept nowhere in the window. */
  save(name: string, value: string): Promise<boolean>
  /** Fills the form with `name`, ready for a new value. */
  edit(name: string): void
  askDelete(name: string): void
  cancelDelete(): void
  confirmDelete(): Promise<void>
}

/** Credential names, whether stored and used; never their values. */
export const useCredentialsStore = create<CredentialsState>()((set, get) => ({
  secrets: null,
  listError: null,
  saveError: null,
  notice: null,
  confirming: null,
  deleteError: null,
  selected: { name: '', token: 0 },
  async load() {
    const result = await settle(window.api.secret.list())
    set(
      result.ok
        ? { secrets: result.value, listError: null }
        : { listError: readableError(result.error) },
    )
  },
  async save(name, value) {
    set({ saveError: null, notice: null })
    const result = await settle(window.api.secret.set({ name, value }))
    if (!result.ok) {
      set({ saveError: readableError(result.error) })
      return false
    }
    set({ notice: `Saved “${name}” in the keychain.` })
    await get().load()
    return true
  },
  edit: (name) =>
    set((s) => ({
      selected: { name, token: s.selected.token + 1 },
      notice: null,
      saveError: null,
    })),
  askDelete: (name) =>
    set({ confirming: name, deleteError: null, notice: null }),
  cancelDelete: () => set({ confirming: null, deleteError: null }),
  async confirmDelete() {
    const name = get().confirming
    if (!name) return
    const result = await settle(window.api.secret.delete({ name }))
    if (!result.ok) {
      set({ deleteError: readableError(result.error) })
      return
    }
    set({ confirming: null, notice: deletedNotice(name, result.value) })
    await get().load()
  },
}))

function deletedNotice(name: string, deleted: boolean): string {
  return deleted
    ? `Deleted “${name}” from the keychain.`
    : `“${name}” was not in the keychain, so there was nothing to delete.`
}
