import { create } from 'zustand'
import type { HandoverItem } from '../../shared/handover'
import type { ChecklistItem } from '../../shared/workspace'
import { readableError, settle } from '../lib/result'

export type ExportFormat = 'md' | 'html' | 'pdf'

interface HandoverState {
  readonly items: readonly HandoverItem[] | null
  readonly loadError: string | null
  /** The item whose form is open. */
  readonly editing: string | null
  readonly saveError: string | null
  readonly exporting: ExportFormat | null
  /** "Saved … to PATH", or why the export failed. */
  readonly exported: { readonly ok: boolean; readonly message: string } | null
  load(): Promise<void>
  edit(id: string | null): void
  /** Writes the item to the workspace file; false when it was refused. */
  record(item: ChecklistItem): Promise<boolean>
  export(format: ExportFormat): Promise<void>
}

const FORMAT_NAME: Record<ExportFormat, string> = {
  md: 'Markdown',
  html: 'HTML',
  pdf: 'PDF',
}

/** The handover checklist of the open workspace, and its export. */
export const useHandoverStore = create<HandoverState>()((set, get) => ({
  items: null,
  loadError: null,
  editing: null,
  saveError: null,
  exporting: null,
  exported: null,
  async load() {
    const result = await settle(window.api.handover.checklist())
    set(
      result.ok
        ? { items: result.value, loadError: null }
        : { loadError: readableError(result.error) },
    )
  },
  edit: (editing) => set({ editing, saveError: null }),
  async record(item) {
    set({ saveError: null })
    const result = await settle(window.api.handover.record({ item }))
    if (!result.ok) {
      set({ saveError: readableError(result.error) })
      return false
    }
    set({ items: result.value, editing: null })
    return true
  },
  async export(format) {
    if (get().exporting) return
    set({ exporting: format, exported: null })
    const result = await settle(window.api.handover.export({ format }))
    set({
      exporting: null,
      exported: !result.ok
        ? { ok: false, message: readableError(result.error) }
        : result.value
          ? {
              ok: true,
              message: `Saved the handover document (${FORMAT_NAME[format]}) to ${result.value}.`,
            }
          : null,
    })
  },
}))
