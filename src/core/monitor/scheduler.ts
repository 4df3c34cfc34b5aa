import { messageOf } from '../errors'
import { silentLogger, type Logger } from '../log'
import type { Clock, TimerHandle } from './clock'

/** Something the scheduler runs every `intervalMs`. */
export interface ScheduledJob {
  readonly id: string
  readonly intervalMs: number
  /** One run; `signal` aborts when the scheduler stops. */
  run(signal: AbortSignal): Promise<void>
}

export interface SchedulerOptions {
  readonly clock: Clock
  /** A source of numbers in [0, 1); tests pass a seeded one. */
  readonly random?: () => number
  /** The most a run moves from its slot, either way (capped at 10 %). */
  readonly jitterMs?: number
  /**
   * First runs are spread over this long (or the interval, if shorter);
   * by default a second per job, up to a minute.
   */
  readonly startSpreadMs?: number
  /**
   * Wall time running this far ahead of monotonic time, or a timer this
   * late, means the machine slept (or its clock was set forward).
   */
  readonly sleepGapMs?: number
  /** After a sleep, each overdue job runs once within this window. */
  readonly catchUpSpreadMs?: number
  /** The longest the scheduler goes without reading the clocks. */
  readonly heartbeatMs?: number
  readonly log?: Logger
  /** Called as each run starts, with how late it is against its slot. */
  readonly onRun?: (id: string, latenessMs: number) => void
}

interface JobState {
  readonly job: ScheduledJob
  /** Monotonic time of the next run. */
  due: number
  /** Wall time the last run started. */
  lastStart?: number
  running?: Promise<void>
}

/**
 * Runs jobs on their intervals from one timer: jittered so monitors do
 * not fire together, never two runs of one job at once, one catch-up run
 * per overdue job after a sleep (spread, never a burst), and a stop that
 * aborts and waits for the runs in flight.
 *
 * Slots follow monotonic time, so the wall clock jumping back changes
 * nothing. A wall clock set forward cannot be told from a sleep; either
 * way the overdue jobs run once, which is harmless.
 */
export class Scheduler {
  readonly #clock: Clock
  readonly #random: () => number
  readonly #options: Required<
    Pick<
      SchedulerOptions,
      | 'jitterMs'
      | 'startSpreadMs'
      | 'sleepGapMs'
      | 'catchUpSpreadMs'
      | 'heartbeatMs'
    >
  >
  readonly #log: Logger
  readonly #onRun?: (id: string, latenessMs: number) => void
  readonly #jobs = new Map<string, JobState>()
  readonly #abort = new AbortController()
  #timer?: TimerHandle
  /** Monotonic time the armed timer should fire at. */
  #plannedAt?: number
  #last?: { readonly wall: number; readonly mono: number }
  #started = false
  #stopped = false

  constructor(options: SchedulerOptions) {
    this.#clock = options.clock
    this.#random = options.random ?? Math.random
    this.#log = options.log ?? silentLogger
    this.#onRun = options.onRun
    this.#options = {
      jitterMs: options.jitterMs ?? 5000,
      startSpreadMs: options.startSpreadMs ?? 0,
      sleepGapMs: options.sleepGapMs ?? 30_000,
      catchUpSpreadMs: options.catchUpSpreadMs ?? 30_000,
      heartbeatMs: options.heartbeatMs ?? 10_000,
    }
  }

  /** Jobs the scheduler knows, by id. */
  get jobIds(): readonly string[] {
    return [...this.#jobs.keys()]
  }

  /** Adds a job; its first run comes within the start spread. */
  add(job: ScheduledJob): void {
    if (this.#jobs.has(job.id)) throw new Error(`Job ${job.id} exists.`)
    if (!(job.intervalMs > 0)) throw new Error(`Bad interval for ${job.id}.`)
    const spread = Math.min(
      job.intervalMs,
      this.#options.startSpreadMs || 60_000,
    )
    this.#jobs.set(job.id, {
      job,
      due: this.#clock.monotonic() + this.#random() * spread,
    })
    if (this.#started) this.#rearm()
  }

  /** Forgets a job; a run in flight finishes (stop() still waits for it). */
  remove(id: string): void {
    this.#jobs.delete(id)
  }

  /** Brings a job's next run forward to `delayMs` from now (a re-check). */
  runSoon(id: string, delayMs: number): void {
    const state = this.#jobs.get(id)
    if (!state || this.#stopped) return
    state.due = Math.min(state.due, this.#clock.monotonic() + delayMs)
    if (this.#started) this.#rearm()
  }

  start(): void {
    if (this.#started || this.#stopped) return
    this.#started = true
    if (this.#options.startSpreadMs === 0) {
      const spread = Math.min(60_000, 1000 * this.#jobs.size)
      const mono = this.#clock.monotonic()
      for (const state of this.#jobs.values()) {
        state.due =
          mono + this.#random() * Math.min(spread, state.job.intervalMs)
      }
    }
    this.#tick()
  }

  /** Stops: no new runs, in-flight runs aborted and awaited. */
  async stop(): Promise<void> {
    this.#stopped = true
    if (this.#timer !== undefined) this.#clock.clearTimer(this.#timer)
    this.#timer = undefined
    this.#abort.abort(new Error('the monitor was stopped'))
    const running = [...this.#jobs.values()].map((s) => s.running)
    await Promise.allSettled(running)
  }

  #tick(): void {
    this.#timer = undefined
    if (this.#stopped) return
    const mono = this.#clock.monotonic()
    const wall = this.#clock.now()
    if (this.#last) {
      const ahead = wall - this.#last.wall - (mono - this.#last.mono)
      const late = mono - (this.#plannedAt ?? mono)
      if (ahead > this.#options.sleepGapMs || late > this.#options.sleepGapMs) {
        this.#log.info('The clock jumped; catching up once', {
          wallAheadMs: Math.round(ahead),
          timerLateMs: Math.round(late),
        })
        this.#catchUp(mono, wall)
      }
    }
    this.#last = { wall, mono }
    for (const state of this.#jobs.values()) {
      if (state.due <= mono) this.#start(state, mono, wall)
    }
    this.#arm(mono)
  }

  /**
   * After a sleep: each job whose interval has passed in wall time runs
   * once, the most overdue first, spread across the catch-up window;
   * the rest move to where their wall-clock slot now falls.
   */
  #catchUp(mono: number, wall: number): void {
    const overdue: { state: JobState; by: number }[] = []
    for (const state of this.#jobs.values()) {
      const { intervalMs } = state.job
      const remaining =
        state.lastStart === undefined
          ? state.due - mono
          : Math.min(intervalMs, state.lastStart + intervalMs - wall)
      if (remaining <= 0 || state.due <= mono) {
        overdue.push({ state, by: -Math.min(remaining, state.due - mono) })
      } else {
        state.due = mono + remaining
      }
    }
    overdue.sort((a, b) => b.by - a.by)
    const spread = this.#options.catchUpSpreadMs
    overdue.forEach(({ state }, i) => {
      state.due = mono + ((i + this.#random()) / overdue.length) * spread
    })
  }

  #start(state: JobState, mono: number, wall: number): void {
    const { job } = state
    const lateness = mono - state.due
    state.due = this.#nextSlot(state.due, job.intervalMs, mono)
    if (state.running) {
      this.#log.debug('Skipped a run: the last one is still going', {
        job: job.id,
      })
      return
    }
    state.lastStart = wall
    this.#onRun?.(job.id, lateness)
    const run = Promise.resolve()
      .then(() => job.run(this.#abort.signal))
      .catch((error: unknown) => {
        if (!this.#stopped)
          this.#log.warn('A monitor run failed', {
            job: job.id,
            error: messageOf(error),
          })
      })
      .finally(() => {
        if (state.running === run) state.running = undefined
      })
    state.running = run
  }

  /** The slot after `due`, jittered; never in the past (no bursts). */
  #nextSlot(due: number, interval: number, mono: number): number {
    const most = Math.min(this.#options.jitterMs, interval * 0.1)
    const jitter = (this.#random() * 2 - 1) * most
    const next = due + interval + jitter
    return next > mono ? next : mono + interval + jitter
  }

  #arm(mono: number): void {
    let next = mono + this.#options.heartbeatMs
    for (const state of this.#jobs.values()) next = Math.min(next, state.due)
    const wait = Math.max(0, next - mono)
    this.#plannedAt = mono + wait
    this.#timer = this.#clock.setTimer(() => this.#tick(), wait)
  }

  #rearm(): void {
    if (this.#stopped) return
    if (this.#timer !== undefined) this.#clock.clearTimer(this.#timer)
    this.#arm(this.#clock.monotonic())
  }
}
