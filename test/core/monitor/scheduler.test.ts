import { afterEach, describe, expect, it } from 'vitest'
import {
  Scheduler,
  type ScheduledJob,
} from '../../../src/core/monitor/scheduler'
import { FakeClock, settle } from '../../support/fake-clock'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** A seeded generator, so jitter is the same on every run. */
function seeded(seed = 1): () => number {
  let s = seed
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31
    return s / 2 ** 31
  }
}

let clock: FakeClock
let scheduler: Scheduler | undefined
afterEach(async () => {
  await scheduler?.stop()
  scheduler = undefined
})

/** A job that records the monotonic time of each run. */
function recorder(id: string, intervalMs: number) {
  const runs: number[] = []
  const job: ScheduledJob = {
    id,
    intervalMs,
    run: async () => void runs.push(clock.monotonic()),
  }
  return { job, runs }
}

function start(jobs: ScheduledJob[], options = {}) {
  clock = new FakeClock()
  scheduler = new Scheduler({ clock, random: seeded(), ...options })
  for (const job of jobs) scheduler.add(job)
  scheduler.start()
  return scheduler
}

describe('Scheduler', () => {
  it('runs each monitor on its interval, jittered within bounds', async () => {
    const a = recorder('a', MINUTE)
    const b = recorder('b', 5 * MINUTE)
    const daily = recorder('tls', DAY)
    start([a.job, b.job, daily.job], { jitterMs: 3000 })
    await clock.advance(60 * MINUTE)
    expect(a.runs.length).toBeGreaterThanOrEqual(59)
    expect(a.runs.length).toBeLessThanOrEqual(61)
    expect(b.runs.length).toBeGreaterThanOrEqual(11)
    expect(b.runs.length).toBeLessThanOrEqual(13)
    expect(daily.runs).toHaveLength(1) // soon after start, then tomorrow
    const gaps = a.runs.slice(1).map((t, i) => t - a.runs[i]!)
    for (const gap of gaps) {
      expect(gap).toBeGreaterThanOrEqual(MINUTE - 6000)
      expect(gap).toBeLessThanOrEqual(MINUTE + 6000)
    }
    expect(new Set(gaps).size).toBeGreaterThan(1) // jittered, not lockstep
  })

  it('spreads first runs so monitors do not fire together', async () => {
    const jobs = Array.from({ length: 20 }, (_, i) => recorder(`m${i}`, MINUTE))
    start(jobs.map((j) => j.job))
    await clock.advance(MINUTE)
    const firsts = jobs.map((j) => j.runs[0]!)
    expect(new Set(firsts).size).toBe(20)
    expect(Math.max(...firsts) - Math.min(...firsts)).toBeGreaterThan(10_000)
  })

  it('never runs a monitor twice at once', async () => {
    let active = 0
    let most = 0
    const finish: (() => void)[] = []
    const slow: ScheduledJob = {
      id: 'slow',
      intervalMs: MINUTE,
      run: async () => {
        active++
        most = Math.max(most, active)
        await new Promise<void>((resolve) => finish.push(resolve))
        active--
      },
    }
    start([slow])
    await clock.advance(5 * MINUTE)
    expect(most).toBe(1)
    expect(finish).toHaveLength(1)
    finish[0]!()
    await clock.advance(2 * MINUTE)
    expect(finish.length).toBeGreaterThanOrEqual(2)
    expect(most).toBe(1)
    finish.forEach((f) => f())
  })

  it('after a sleep, runs each overdue monitor once, spread, not in a burst', async () => {
    const jobs = Array.from({ length: 10 }, (_, i) => recorder(`m${i}`, MINUTE))
    const daily = recorder('tls', DAY)
    const fresh = recorder('dns', DAY)
    start([...jobs.map((j) => j.job), daily.job, fresh.job], {
      catchUpSpreadMs: 30_000,
    })
    await clock.advance(2 * MINUTE)
    const before = jobs.map((j) => j.runs.length)
    clock.sleep(3 * HOUR)
    const wokeAt = clock.monotonic()
    await clock.advance(20_000) // the heartbeat notices the gap
    await clock.advance(40_000)
    const caught = jobs.map((j, i) => j.runs.slice(before[i]))
    for (const runs of caught) {
      expect(runs.length).toBeGreaterThanOrEqual(1)
      expect(runs.length).toBeLessThanOrEqual(2)
      expect(runs[0]! - wokeAt).toBeLessThanOrEqual(50_000)
    }
    const firstAfter = caught.map((r) => r[0]!)
    expect(new Set(firstAfter).size).toBe(10)
    // Three hours of missed minutes are not replayed.
    expect(jobs.reduce((n, j) => n + j.runs.length, 0)).toBeLessThan(60)
    // A daily check that ran before the sleep is not due yet.
    expect(daily.runs).toHaveLength(1)
    expect(fresh.runs).toHaveLength(1)
  })

  it('runs a daily check the sleep made overdue, once', async () => {
    const daily = recorder('tls', DAY)
    start([daily.job])
    await clock.advance(2 * MINUTE)
    expect(daily.runs).toHaveLength(1)
    clock.sleep(30 * HOUR)
    await clock.advance(MINUTE)
    expect(daily.runs).toHaveLength(2)
    await clock.advance(HOUR)
    expect(daily.runs).toHaveLength(2)
  })

  it('catches up once when the process was frozen past its timers', async () => {
    const jobs = Array.from({ length: 5 }, (_, i) => recorder(`m${i}`, MINUTE))
    start(jobs.map((j) => j.job))
    await clock.advance(2 * MINUTE)
    const before = jobs.map((j) => j.runs.length)
    clock.freeze(2 * HOUR)
    const frozeUntil = clock.monotonic()
    await clock.advance(40_000)
    const after = jobs.map((j, i) => j.runs.slice(before[i]))
    for (const runs of after) {
      expect(runs).toHaveLength(1)
      expect(runs[0]).toBeGreaterThan(frozeUntil)
    }
  })

  it('keeps its rhythm when the wall clock is set back', async () => {
    const a = recorder('a', MINUTE)
    start([a.job])
    await clock.advance(5 * MINUTE)
    const before = a.runs.length
    clock.setWall(-2 * HOUR)
    await clock.advance(5 * MINUTE)
    expect(a.runs.length - before).toBeGreaterThanOrEqual(4)
    expect(a.runs.length - before).toBeLessThanOrEqual(6)
  })

  it('runs each monitor once when the wall clock is set forward', async () => {
    const a = recorder('a', MINUTE)
    const b = recorder('b', MINUTE)
    start([a.job, b.job])
    await clock.advance(3 * MINUTE)
    const before = a.runs.length + b.runs.length
    clock.setWall(5 * HOUR)
    await clock.advance(MINUTE)
    const added = a.runs.length + b.runs.length - before
    expect(added).toBeGreaterThanOrEqual(2)
    expect(added).toBeLessThanOrEqual(4)
  })

  it('reports how late each run started against its slot', async () => {
    const late: { id: string; ms: number }[] = []
    const a = recorder('a', MINUTE)
    start([a.job], {
      jitterMs: 0,
      onRun: (id: string, ms: number) => late.push({ id, ms }),
    })
    await clock.advance(3 * MINUTE)
    expect(late.length).toBe(a.runs.length)
    expect(late.every((l) => l.id === 'a' && l.ms === 0)).toBe(true)
    const onTime = late.length
    // Held up below the sleep threshold: runs start late, no catch-up.
    for (let i = 0; i < 3; i++) {
      clock.freeze(25_000)
      await clock.advance(0)
    }
    const held = late.slice(onTime).map((l) => l.ms)
    expect(held.some((ms) => ms > 0)).toBe(true)
    expect(held.every((ms) => ms >= 0 && ms <= 25_000)).toBe(true)
  })

  it('brings a re-check forward on request', async () => {
    const a = recorder('a', 5 * MINUTE)
    const s = start([a.job])
    await clock.advance(MINUTE)
    expect(a.runs).toHaveLength(1)
    s.runSoon('a', 10_000)
    await clock.advance(10_000)
    expect(a.runs).toHaveLength(2)
  })

  it('stops cleanly: aborts and awaits the run in flight', async () => {
    let aborted = false
    let finished = false
    const job: ScheduledJob = {
      id: 'hang',
      intervalMs: MINUTE,
      run: (signal) =>
        new Promise<void>((resolve) => {
          signal.addEventListener('abort', () => {
            aborted = true
            setImmediate(() => {
              finished = true
              resolve()
            })
          })
        }),
    }
    const s = start([job])
    await clock.advance(MINUTE)
    await s.stop()
    scheduler = undefined
    expect(aborted).toBe(true)
    expect(finished).toBe(true)
    expect(clock.pending).toBe(0)
    await clock.advance(10 * MINUTE)
    await settle()
  })
})
