import { spawn } from 'node:child_process'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  histogramPercentile,
  MONITOR_HISTOGRAM_MS,
} from '../../../src/core/store/monitor-history'
import { Store } from '../../../src/core/store/store'

const WS = '/work/acme.launchready.yaml'
const T0 = Date.UTC(2026, 0, 1)
const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

let file: string
let store: Store
beforeEach(async () => {
  file = join(await mkdtemp(join(tmpdir(), 'lr-monitor-')), 'history.sqlite3')
  store = new Store(file)
})
afterEach(() => store.close())

describe('monitor history', () => {
  it('keeps minute, hour and day rollups as samples arrive', () => {
    for (let i = 0; i < 120; i++) {
      store.monitor.recordSample(WS, {
        monitor: 'uptime',
        at: T0 + i * 30_000,
        ok: i % 10 !== 0,
        status: 200,
        durationMs: i % 10 === 0 ? 900 : 40,
      })
    }
    const minutes = store.monitor.series(WS, 'uptime', 'minute', T0, T0 + DAY)
    expect(minutes).toHaveLength(60)
    expect(minutes[0]).toMatchObject({ start: T0, count: 2, okCount: 1 })
    const [hour] = store.monitor.series(WS, 'uptime', 'hour', T0, T0 + DAY)
    expect(hour).toMatchObject({ count: 120, okCount: 108, maxMs: 900 })
    expect(hour!.p50).toBeGreaterThan(30)
    expect(hour!.p50).toBeLessThanOrEqual(50)
    expect(hour!.p95).toBeGreaterThan(750)
    expect(hour!.p95).toBeLessThanOrEqual(1000)
    const [day] = store.monitor.series(WS, 'uptime', 'day', T0, T0 + DAY)
    expect(day!.count).toBe(120)
    expect(store.monitor.uptime(WS, 'uptime', DAY, T0 + HOUR)).toBeCloseTo(0.9)
    expect(store.monitor.uptime(WS, 'uptime', 7 * DAY, T0 + HOUR)).toBeCloseTo(
      0.9,
    )
    expect(store.monitor.uptime(WS, 'other', DAY, T0 + HOUR)).toBeUndefined()
  })

  it('stores a batch of samples with the same rollups as one by one', () => {
    const samples = Array.from({ length: 50 }, (_, i) => ({
      monitor: 'batch',
      at: T0 + i * 10_000,
      ok: i % 5 !== 0,
      durationMs: 10 + i,
    }))
    store.monitor.recordSamples(WS, samples)
    for (const sample of samples)
      store.monitor.recordSample(WS, { ...sample, monitor: 'single' })
    const series = (m: string) =>
      store.monitor.series(WS, m, 'minute', T0, T0 + DAY)
    expect(series('batch')).toEqual(series('single'))
    expect(store.monitor.sampleCount(WS, 'batch')).toBe(50)
  })

  it('counts a failure without a response time in uptime, not in latency', () => {
    store.monitor.recordSample(WS, {
      monitor: 'm',
      at: T0,
      ok: false,
      error: 'connection refused',
    })
    const [point] = store.monitor.series(WS, 'm', 'minute', T0, T0 + MINUTE)
    expect(point).toMatchObject({ count: 1, okCount: 0 })
    expect(point!.p50).toBeUndefined()
    expect(store.monitor.samples(WS, 'm', T0, T0 + 1)).toEqual([
      { monitor: 'm', at: T0, ok: false, error: 'connection refused' },
    ])
  })

  it.each([
    [[], 0.5, undefined],
    [[0, 10], 0.5, 7.5],
    [[10, 0, 0], 1, 5],
  ])('reads percentile %#: %j at %d', (counts, fraction, expected) => {
    const full = MONITOR_HISTOGRAM_MS.map((_, i) => counts[i] ?? 0)
    expect(histogramPercentile(full, fraction)).toBe(expected)
  })

  it('lists incidents with their durations, open ones up to now', () => {
    store.monitor.openIncident(WS, 'a', T0, 'HTTP 502')
    store.monitor.closeIncidents(WS, 'a', T0 + 5 * MINUTE)
    store.monitor.openIncident(WS, 'b', T0 + HOUR, 'timed out')
    const list = store.monitor.incidents(WS, T0 - DAY, T0 + 2 * HOUR)
    expect(list).toEqual([
      expect.objectContaining({ monitor: 'b', durationMs: HOUR }),
      expect.objectContaining({
        monitor: 'a',
        endedAt: T0 + 5 * MINUTE,
        durationMs: 5 * MINUTE,
      }),
    ])
  })

  it('reports drift only when a record changes after first sight', () => {
    const see = (value: string, at: number) =>
      store.monitor.observeRecord(WS, 'records', 'TXT _dmarc', value, at)
    expect(see('p=reject', T0)).toBeUndefined()
    expect(see('p=reject', T0 + DAY)).toBeUndefined()
    expect(see('p=none', T0 + 2 * DAY)).toMatchObject({
      before: 'p=reject',
      after: 'p=none',
    })
    expect(store.monitor.driftEvents(WS, T0)).toHaveLength(1)
  })

  it('keeps deploy markers and prunes by retention', () => {
    store.monitor.markDeploy(WS, T0, 'v1')
    store.monitor.recordSample(WS, { monitor: 'm', at: T0, ok: true })
    const later = T0 + 40 * DAY
    store.monitor.markDeploy(WS, later, 'v2')
    const removed = store.monitor.prune(
      { samplesDays: 30, minuteDays: 30, hourDays: 365, dayDays: 365 },
      later,
    )
    expect(removed).toBe(2) // the sample and its minute rollup
    expect(store.monitor.sampleCount(WS, 'm')).toBe(0)
    expect(store.monitor.deployMarkers(WS, 0).map((d) => d.note)).toEqual([
      'v1',
      'v2',
    ])
    expect(store.monitor.series(WS, 'm', 'hour', 0, later)).toHaveLength(1)
  })

  it('loses no committed sample when the writer is killed mid-sample', async () => {
    store.close()
    // node with tsx's loader in one process, so SIGKILL hits the writer.
    const writer = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/support/sample-writer.ts', file],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let errors = ''
    writer.stderr.setEncoding('utf8').on('data', (t: string) => (errors += t))
    // Each sample is one fsync'd commit; a loaded disk makes them slow,
    // so a hundred is enough to be killed in the middle of the next.
    let committed = -1
    let buffered = ''
    await new Promise<void>((resolve, reject) => {
      writer.on('error', reject)
      writer.once('exit', (code) =>
        reject(
          new Error(`The writer exited (${code}) at ${committed}: ${errors}`),
        ),
      )
      writer.stdout.setEncoding('utf8').on('data', (text: string) => {
        buffered += text
        const lines = buffered.split('\n')
        buffered = lines.pop()!
        const last = /^saved (\d+)$/.exec(lines.at(-1) ?? '')
        if (last) committed = Number(last[1])
        if (committed >= 100) {
          writer.kill('SIGKILL')
          resolve()
        }
      })
    })
    await new Promise((resolve) => writer.once('exit', resolve))
    store = new Store(file)
    expect(store.integrityCheck()).toBe('ok')
    const total = [0, 1, 2]
      .map((m) => store.monitor.sampleCount(WS, `uptime:${m}`))
      .reduce((a, b) => a + b)
    expect(total).toBeGreaterThanOrEqual(committed + 1)
    // Every stored sample is in its rollups: none half-written.
    const days = [0, 1, 2].flatMap((m) =>
      store.monitor.series(WS, `uptime:${m}`, 'day', 0, T0 + 30 * DAY),
    )
    expect(days.reduce((n, d) => n + d.count, 0)).toBe(total)
  })
})

describe('monitor dashboard queries', () => {
  it('sums up uptime for 24 h, 7 d and 30 d and picks the trend bucket', () => {
    const now = T0 + 20 * DAY
    // One sample an hour for 20 days; day 15 was all down.
    for (let h = 0; h < 20 * 24; h++) {
      const down = h >= 15 * 24 && h < 16 * 24
      store.monitor.recordSample(WS, {
        monitor: 'm',
        at: T0 + h * HOUR,
        ok: !down,
        ...(down ? { error: 'refused' } : { durationMs: 100 }),
      })
    }
    const summary = store.monitor.summary(WS, 'm', now)
    expect(summary.uptime.day).toBe(1)
    expect(summary.uptime.week).toBeCloseTo(6 / 7, 2)
    expect(summary.uptime.month).toBeCloseTo(19 / 20, 2)
    expect(summary.p50).toBeGreaterThan(75)
    expect(summary.p50).toBeLessThanOrEqual(100)
    expect(store.monitor.trend(WS, 'm', DAY, now).size).toBe('minute')
    expect(store.monitor.trend(WS, 'm', 30 * DAY, now)).toMatchObject({
      size: 'hour',
    })
    const year = store.monitor.trend(WS, 'm', 365 * DAY, now)
    expect(year.size).toBe('day')
    expect(year.points).toHaveLength(20)
    expect(year.points[15]).toMatchObject({ count: 24, okCount: 0 })
  })

  it('never reports a negative incident when the clock was set back', () => {
    store.monitor.openIncident(WS, 'm', T0, 'HTTP 500')
    store.monitor.closeIncidents(WS, 'm', T0 - HOUR)
    const [incident] = store.monitor.incidents(WS, 0, T0)
    expect(incident!.durationMs).toBe(0)
  })
})
