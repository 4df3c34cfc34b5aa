import type { Clock, TimerHandle } from '../../src/core/monitor/clock'

interface Timer {
  readonly id: number
  readonly at: number
  readonly run: () => void
}

/** Lets pending promise callbacks and I/O callbacks run. */
export async function settle(rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i++)
    await new Promise<void>((resolve) => setImmediate(resolve))
}

/**
 * A clock tests drive by hand: timers fire only as time is advanced, in
 * order, with promises settled between them. `sleep` moves the wall
 * clock alone, the way a laptop's monotonic clock stands still while it
 * sleeps; `setWall` sets the wall clock either way.
 */
export class FakeClock implements Clock {
  #wall: number
  #mono = 0
  #next = 1
  #timers: Timer[] = []

  constructor(wall = Date.UTC(2026, 0, 1)) {
    this.#wall = wall
  }

  now = (): number => this.#wall
  monotonic = (): number => this.#mono

  setTimer = (run: () => void, ms: number): TimerHandle => {
    const timer = { id: this.#next++, at: this.#mono + Math.max(0, ms), run }
    this.#timers.push(timer)
    return { id: timer.id }
  }

  clearTimer = (handle: TimerHandle): void => {
    const id = (handle as { id: number }).id
    this.#timers = this.#timers.filter((t) => t.id !== id)
  }

  /** Timers waiting to fire. */
  get pending(): number {
    return this.#timers.length
  }

  /** Moves both clocks forward by `ms`, firing timers due on the way. */
  async advance(ms: number): Promise<void> {
    const end = this.#mono + ms
    await settle()
    for (;;) {
      const due = this.#timers
        .filter((t) => t.at <= end)
        .sort((a, b) => a.at - b.at || a.id - b.id)[0]
      if (!due) break
      this.#timers = this.#timers.filter((t) => t !== due)
      // A timer overdue after freeze() fires now; time never goes back.
      const at = Math.max(due.at, this.#mono)
      this.#wall += at - this.#mono
      this.#mono = at
      due.run()
      await settle()
    }
    this.#wall += end - this.#mono
    this.#mono = end
    await settle()
  }

  /** The machine sleeps for `ms`: wall time passes, monotonic does not. */
  sleep(ms: number): void {
    this.#wall += ms
  }

  /** Moves monotonic time without firing anything, as if the process froze. */
  freeze(ms: number): void {
    this.#mono += ms
    this.#wall += ms
  }

  /** Sets the wall clock forward (positive) or back (negative). */
  setWall(deltaMs: number): void {
    this.#wall += deltaMs
  }
}
