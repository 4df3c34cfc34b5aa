/**
 * The monitor's sense of time, injected so tests can drive it: wall time
 * for what users read and the store keeps, monotonic time for intervals.
 * The two drift apart when a laptop sleeps (monotonic time stands still
 * on Linux and macOS) or when the wall clock is set.
 */
export interface Clock {
  /** Wall-clock time in Unix milliseconds; may jump either way. */
  now(): number
  /** Milliseconds that never go back; may stand still during sleep. */
  monotonic(): number
  setTimer(run: () => void, ms: number): TimerHandle
  clearTimer(handle: TimerHandle): void
}

/** Whatever the clock's setTimer returned; only clearTimer reads it. */
export type TimerHandle = { readonly __timer: unique symbol } | object

/** The process's own clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimer: (run, ms) => setTimeout(run, ms),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
}

/**
 * Waits `ms` on `clock`; rejects with the signal's reason when it is
 * aborted first, clearing the timer either way.
 */
export function delay(
  clock: Clock,
  ms: number,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const onAbort = () => {
      clock.clearTimer(timer)
      reject(signal!.reason)
    }
    const timer = clock.setTimer(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
