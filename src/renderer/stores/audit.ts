import { create } from 'zustand'
import type { Finding } from '../../shared/finding'
import type { HistoryView, ProgressEvent, RunView } from '../../shared/ipc'
import { findingKey } from '../lib/risk'
import { readableError, settle } from '../lib/result'
import type { FindingRef } from './navigation'

/** How far the running audit is, and what it is doing now. */
export interface Progress {
  readonly done: number
  readonly total: number
  /**
   * Checks started and not yet finished, oldest first, with what a long
   * one last said it was doing.
   */
  readonly inFlight: readonly (FindingRef & { readonly note?: string })[]
  readonly cancelling: boolean
  /** The checks of a partial run (a test send); null for a full audit. */
  readonly scope: readonly string[] | null
}

/** The past verdicts of the check shown in the finding detail. */
export interface History {
  readonly key: string
  readonly entries: readonly HistoryView[] | null
  readonly error: string | null
}

interface AuditState {
  /** The last finished (or stopped) audit. */
  readonly run: RunView | null
  /** Findings of the audit running now, as they arrive. */
  readonly live: readonly Finding[]
  readonly progress: Progress | null
  readonly error: string | null
  readonly history: History | null
  load(): Promise<void>
  /** Runs the full audit, or only the named checks. */
  start(only?: readonly string[]): Promise<void>
  cancel(): Promise<void>
  receive(event: ProgressEvent): void
  loadHistory(ref: FindingRef): Promise<void>
}

const IDLE = { progress: null, live: [] as readonly Finding[] }

/** The audit: last results, the run in progress, a check's history. */
export const useAuditStore = create<AuditState>()((set, get) => ({
  run: null,
  ...IDLE,
  error: null,
  history: null,
  async load() {
    const result = await settle(window.api.audit.last())
    if (get().progress) return
    set(
      result.ok
        ? { run: result.value, error: null }
        : { error: readableError(result.error) },
    )
  },
  async start(only) {
    if (get().progress) return
    set({ progress: starting(only), live: [], error: null })
    const result = await settle(
      window.api.audit.run(only ? { only: [...only] } : {}),
    )
    set(
      result.ok
        ? { run: result.value, ...IDLE }
        : { error: readableError(result.error), ...IDLE },
    )
  },
  async cancel() {
    const progress = get().progress
    if (!progress) return
    set({ progress: { ...progress, cancelling: true } })
    const result = await settle(window.api.audit.cancel())
    if (!result.ok) set({ error: readableError(result.error) })
  },
  receive(event) {
    const progress = get().progress
    if (!progress) return
    set(advance(progress, get().live, event))
  },
  async loadHistory(ref) {
    const key = findingKey(ref)
    set({ history: { key, entries: null, error: null } })
    const result = await settle(window.api.audit.history(ref))
    if (get().history?.key !== key) return
    set({
      history: result.ok
        ? { key, entries: result.value, error: null }
        : { key, entries: null, error: readableError(result.error) },
    })
  },
}))

function starting(only?: readonly string[]): Progress {
  return {
    done: 0,
    total: 0,
    inFlight: [],
    cancelling: false,
    scope: only ?? null,
  }
}

/** The state after one progress event. */
function advance(
  progress: Progress,
  live: readonly Finding[],
  event: ProgressEvent,
): Pick<AuditState, 'progress' | 'live'> {
  switch (event.type) {
    case 'started':
      return { progress: { ...progress, total: event.total }, live }
    case 'check-started':
      return {
        progress: { ...progress, inFlight: [...progress.inFlight, event] },
        live,
      }
    case 'check-progress':
      return {
        progress: {
          ...progress,
          inFlight: progress.inFlight.map((r) =>
            findingKey(r) === findingKey(event)
              ? { check: r.check, target: r.target, note: event.note }
              : r,
          ),
        },
        live,
      }
    case 'check-finished':
      return {
        progress: {
          ...progress,
          done: event.done,
          total: event.total,
          inFlight: progress.inFlight.filter(
            (r) => findingKey(r) !== findingKey(event),
          ),
        },
        live: [...live, ...event.findings],
      }
  }
}
