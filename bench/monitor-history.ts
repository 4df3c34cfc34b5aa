import Database from 'better-sqlite3'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { MonitorSample } from '../src/core/store/monitor-history'
import { Store } from '../src/core/store/store'
import { median } from './table'

/**
 * Section h, parts 2 and 3: a store holding a year of 1-minute samples
 * for 20 monitors, written through MonitorHistory.recordSamples (the
 * rollups kept as samples arrive, as the app does), then the dashboard's
 * queries from the rollups next to the same answers computed by plain
 * SQL over the raw samples.
 */

export const HISTORY_MONITORS = 20
const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
/** Samples per recordSamples call: six hours of all monitors. */
const BATCH_MINUTES = 360
/** Timed runs per query; the median is reported, after one warm-up. */
const QUERY_RUNS = 7
const BASELINE_RUNS = 3
const WORKSPACE_ID = '/home/sam/sites/bench-shop.launchready.yaml'
/** The end of the year of history, on a day boundary. */
const NOW = Date.UTC(2026, 0, 1)

/** The ranges the dashboard is asked for. */
export const RANGES = [
  { name: '24 h', ms: DAY },
  { name: '30 d', ms: 30 * DAY },
  { name: '365 d', ms: 365 * DAY },
] as const

export interface RangeTimes {
  readonly name: string
  /** Median ms from the rollups (the store's own queries). */
  readonly rollupMs: number
  /** Median ms from raw samples (plain SQL). */
  readonly rawMs: number
}

export interface HistoryBench {
  readonly samples: number
  readonly insertSeconds: number
  readonly dbBytes: number
  readonly ranges: readonly RangeTimes[]
}

/** Samples the year of history for `days` days (365 unless testing). */
export async function measureHistory(days = 365): Promise<HistoryBench> {
  const dir = await mkdtemp(join(tmpdir(), 'lr-bench-history-'))
  const file = join(dir, 'history.sqlite3')
  try {
    const store = new Store(file)
    const started = performance.now()
    const samples = fillYear(store, days)
    const insertSeconds = (performance.now() - started) / 1000
    store.close() // checkpoints the WAL into the file
    const dbBytes = await sizeOf(file)
    const ranges = timeQueries(file)
    return { samples, insertSeconds, dbBytes, ranges }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** The id of monitor `i`, as monitorsFor() names uptime monitors. */
function monitorId(i: number): string {
  return `uptime https://shop-${i}.bench-shop.test/`
}

/**
 * Writes `days` of one sample a minute for every monitor, oldest first,
 * in batches. Response times are a seeded spread around 120 ms with a
 * slow tail; about one sample in 2,000 is a failure.
 */
function fillYear(store: Store, days: number): number {
  const random = seeded(7)
  const from = NOW - days * DAY
  let count = 0
  for (let t = from; t < NOW; t += BATCH_MINUTES * MINUTE) {
    const batch: MonitorSample[] = []
    const end = Math.min(NOW, t + BATCH_MINUTES * MINUTE)
    for (let at = t; at < end; at += MINUTE) {
      for (let m = 0; m < HISTORY_MONITORS; m++) {
        batch.push(sampleAt(monitorId(m), at + m * 1000, random))
      }
    }
    store.monitor.recordSamples(WORKSPACE_ID, batch)
    count += batch.length
  }
  return count
}

function sampleAt(
  monitor: string,
  at: number,
  random: () => number,
): MonitorSample {
  if (random() < 0.0005) {
    return { monitor, at, ok: false, error: 'The connection was refused.' }
  }
  const tail = random() < 0.02 ? 5 : 1
  const durationMs = Math.round((60 + 120 * random() ** 2 * tail) * 10) / 10
  return { monitor, at, ok: true, status: 200, durationMs }
}

/** A seeded generator, so every run writes the same history. */
function seeded(seed: number): () => number {
  let s = seed
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31
    return s / 2 ** 31
  }
}

async function sizeOf(file: string): Promise<number> {
  let bytes = 0
  for (const suffix of ['', '-wal', '-shm']) {
    bytes += await stat(file + suffix).then(
      (s) => s.size,
      () => 0,
    )
  }
  return bytes
}

// ---- the queries ---------------------------------------------------------

/**
 * One dashboard range for one monitor: uptime, p50 and p95 over the
 * range, and the response-time trend (minutes for a day, hours for a
 * month, days for a year).
 */
function fromRollups(store: Store, monitor: string, rangeMs: number): unknown {
  const h = store.monitor
  return {
    uptime: h.uptime(WORKSPACE_ID, monitor, rangeMs, NOW),
    ...h.percentiles(WORKSPACE_ID, monitor, rangeMs, NOW),
    trend: h.trend(WORKSPACE_ID, monitor, rangeMs, NOW).points.length,
  }
}

/**
 * The same answers by plain SQL over the raw samples: the baseline the
 * rollups must beat. Its trend carries count, uptime and the mean per
 * bucket, not p50/p95, so it does less work than the rollups do.
 */
function rawQueries(db: Database.Database) {
  const where = 'WHERE workspace = ? AND monitor = ? AND at >= ? AND at < ?'
  const totals = db.prepare<
    unknown[],
    { n: number; ok: number | null; timed: number }
  >(
    `SELECT count(*) AS n, sum(ok) AS ok, count(duration_ms) AS timed
     FROM monitor_samples ${where}`,
  )
  const nth = db.prepare<unknown[], { ms: number }>(
    `SELECT duration_ms AS ms FROM monitor_samples ${where}
     AND duration_ms IS NOT NULL ORDER BY duration_ms LIMIT 1 OFFSET ?`,
  )
  const trend = db.prepare<unknown[], { start: number }>(
    `SELECT (at / ?) * ? AS start, count(*) AS n, sum(ok) AS ok,
       avg(duration_ms) AS mean_ms
     FROM monitor_samples ${where} GROUP BY 1 ORDER BY 1`,
  )
  return (monitor: string, rangeMs: number): unknown => {
    const args = [WORKSPACE_ID, monitor, NOW - rangeMs, NOW]
    const size = rangeMs <= DAY ? MINUTE : rangeMs <= 30 * DAY ? HOUR : DAY
    const t = totals.get(...args)!
    const rank = (q: number) => Math.max(0, Math.ceil(q * t.timed) - 1)
    return {
      uptime: t.n > 0 ? (t.ok ?? 0) / t.n : undefined,
      p50: nth.get(...args, rank(0.5))?.ms,
      p95: nth.get(...args, rank(0.95))?.ms,
      trend: trend.all(size, size, ...args).length,
    }
  }
}

function timeQueries(file: string): RangeTimes[] {
  const store = new Store(file)
  const db = new Database(file, { readonly: true })
  try {
    const raw = rawQueries(db)
    const monitor = monitorId(0)
    return RANGES.map(({ name, ms }) => ({
      name,
      rollupMs: timeMedian(() => fromRollups(store, monitor, ms), QUERY_RUNS),
      rawMs: timeMedian(() => raw(monitor, ms), BASELINE_RUNS),
    }))
  } finally {
    db.close()
    store.close()
  }
}

/** The median of `runs` timed calls, after one untimed warm-up. */
function timeMedian(run: () => unknown, runs: number): number {
  run()
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const started = performance.now()
    run()
    times.push(performance.now() - started)
  }
  return median(times)
}
