import { create } from 'zustand'
import type { MonitoringView } from '../../shared/monitoring'
import { readableError, settle } from '../lib/result'

interface MonitoringState {
  readonly view: MonitoringView | null
  readonly error: string | null
  readonly busy: boolean
  /** The last test alert's outcome per channel, in words. */
  readonly tests: Readonly<Record<string, { ok: boolean; text: string }>>
  load(): Promise<void>
  /** Starts or stops the monitors in this app. */
  toggle(): Promise<void>
  test(channel: string): Promise<void>
}

/** The monitoring dashboard: read from the store, refreshed on events. */
export const useMonitoringStore = create<MonitoringState>()((set, get) => ({
  view: null,
  error: null,
  busy: false,
  tests: {},
  async load() {
    const result = await settle(window.api.monitor.dashboard())
    set(
      result.ok
        ? { view: result.value, error: null }
        : { error: readableError(result.error) },
    )
  },
  async toggle() {
    if (get().busy) return
    set({ busy: true, error: null })
    const running = get().view?.running ?? false
    const result = await settle(
      running ? window.api.monitor.stop() : window.api.monitor.start(),
    )
    set(
      result.ok
        ? { view: result.value, busy: false }
        : { error: readableError(result.error), busy: false },
    )
  },
  async test(channel) {
    set((s) => ({
      tests: { ...s.tests, [channel]: { ok: true, text: 'Sending…' } },
    }))
    const result = await settle(window.api.monitor.test({ channel }))
    const outcome = !result.ok
      ? { ok: false, text: readableError(result.error) }
      : result.value.ok
        ? { ok: true, text: 'Delivered.' }
        : { ok: false, text: `Not delivered: ${result.value.error}` }
    set((s) => ({ tests: { ...s.tests, [channel]: outcome } }))
    await get().load()
  },
}))
