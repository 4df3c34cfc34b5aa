/** A keyboard shortcut of the window, with the primary modifier. */
export interface Shortcut {
  /** The key as KeyboardEvent.key reports it, lower case. */
  readonly key: string
  /** For aria-keyshortcuts and labels: "Control+O" or "Meta+O". */
  readonly label: string
}

const mac = /Mac/.test(globalThis.navigator?.platform ?? '')
const modifier = mac ? 'Meta' : 'Control'

export const SHORTCUTS = {
  openWorkspace: { key: 'o', label: `${modifier}+O` },
  runAudit: { key: 'r', label: `${modifier}+R` },
} as const satisfies Record<string, Shortcut>

/** Whether `event` is `shortcut`: the primary modifier and its key only. */
export function matches(event: KeyboardEvent, shortcut: Shortcut): boolean {
  const primary = mac ? event.metaKey : event.ctrlKey
  const other = mac ? event.ctrlKey : event.metaKey
  return (
    primary &&
    !other &&
    !event.altKey &&
    !event.shiftKey &&
    event.key.toLowerCase() === shortcut.key
  )
}
