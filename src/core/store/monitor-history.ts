import type Database from 'better-sqlite3'
import type { MonitorSummary } from '../../shared/monitoring'

/**
 * Monitoring history in the store's database (migration 3): samples and
 * their rollups, monitor states, incidents, record baselines and drift,
 * deploy markers. Times are Unix milliseconds throughout.
 */

export type { MonitorSummary }

/** Upper bounds (ms) of the response-time histogram every rollup keeps. */
export const MONITOR_HISTOGRAM_MS: readonly number[] = [
  5,
  10,
  20,
  30,
  50,
  75,
  100,
  150,
  200,
  300,
  400,
  500,
  750,
  1000,
  1500,
  2000,
  3000,
  5000,
  10_000,
  30_000,
  Infinity,
]

export type RollupSize = 'minute' | 'hour' | 'day'

const SIZE_MS: Readonly<Record<RollupSize, number>> = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
}

/** One probe of one monitor. */
export interface MonitorSample {
  readonly monitor: string
  readonly at: number
  readonly ok: boolean
  /** The HTTP status, when there was a response. */
  readonly status?: number
  /** How long the probe took, when it got an answer. */
  readonly durationMs?: number
  readonly error?: string
}

/** One rollup bucket, as the dashboard draws it. */
export interface RollupPoint {
  readonly start: number
  readonly count: number
  readonly okCount: number
  readonly p50?: number
  readonly p95?: number
  readonly maxMs?: number
}

export interface Incident {
  readonly id: number
  readonly monitor: string
  readonly startedAt: number
  /** Absent while it is still open. */
  readonly endedAt?: number
  /** How long it lasted, up to `now` for an open one. */
  readonly durationMs: number
  readonly cause: string
}

export interface DriftEvent {
  readonly id: number
  readonly monitor: string
  readonly at: number
  readonly record: string
  readonly before: string
  readonly after: string
}

export interface DeployMarker {
  readonly id: number
  readonly at: number
  readonly note: string
}

/** A monitor's last known state, so a restart carries on from it. */
export interface StoredMonitorState {
  readonly state: string
  readonly since: number
  /** JSON the state machine keeps (what failed, since when). */
  readonly detail: string
}

/** How long each kind of history is kept, in days. */
export interface Retention {
  readonly samplesDays: number
  readonly minuteDays: number
  readonly hourDays: number
  readonly dayDays: number
}

interface RollupRow {
  count: number
  ok_count: number
  timed_count: number
  sum_ms: number
  max_ms: number | null
  histogram: string
}

/** The bucket of MONITOR_HISTOGRAM_MS a duration falls in. */
export function histogramBucket(ms: number): number {
  return MONITOR_HISTOGRAM_MS.findIndex((bound) => ms <= bound)
}

/**
 * The duration below which `fraction` of the counted samples fall,
 * interpolated inside its bucket; undefined for an empty histogram.
 */
export function histogramPercentile(
  counts: readonly number[],
  fraction: number,
): number | undefined {
  const total = counts.reduce((a, b) => a + b, 0)
  if (total === 0) return undefined
  const rank = fraction * total
  let seen = 0
  for (let i = 0; i < counts.length; i++) {
    const here = counts[i] ?? 0
    if (here > 0 && seen + here >= rank) {
      const low = i === 0 ? 0 : MONITOR_HISTOGRAM_MS[i - 1]!
      const high = MONITOR_HISTOGRAM_MS[i]!
      if (!Number.isFinite(high)) return low
      return low + ((high - low) * (rank - seen)) / here
    }
    seen += here
  }
  return MONITOR_HISTOGRAM_MS.at(-2)
}

/** Adds one histogram to another, in place. */
function addCounts(into: number[], more: readonly number[]): void {
  for (let i = 0; i < more.length; i++) into[i] = (into[i] ?? 0) + more[i]!
}

const ROLLUP_SIZES: readonly RollupSize[] = ['minute', 'hour', 'day']

/** What some samples add to one rollup bucket. */
interface RollupDelta {
  count: number
  okCount: number
  timedCount: number
  sumMs: number
  maxMs: number | null
  readonly histogram: number[]
}

interface BucketDelta {
  readonly monitor: string
  readonly size: RollupSize
  readonly start: number
  readonly delta: RollupDelta
}

function emptyDelta(): RollupDelta {
  return {
    count: 0,
    okCount: 0,
    timedCount: 0,
    sumMs: 0,
    maxMs: null,
    histogram: MONITOR_HISTOGRAM_MS.map(() => 0),
  }
}

/** Adds one sample to a delta; returns the delta. */
function mergeDelta(delta: RollupDelta, s: MonitorSample): RollupDelta {
  delta.count += 1
  if (s.ok) delta.okCount += 1
  if (s.durationMs !== undefined) {
    delta.timedCount += 1
    delta.sumMs += s.durationMs
    delta.maxMs = Math.max(delta.maxMs ?? 0, s.durationMs)
    delta.histogram[histogramBucket(s.durationMs)]! += 1
  }
  return delta
}

/**
 * The monitoring half of the store. Every sample is written with its
 * three rollups in one transaction, so a crash leaves either the sample
 * and its rollups or neither.
 */
export class MonitorHistory {
  readonly #db: Database.Database
  readonly #insertSample: Database.Statement
  readonly #getRollup: Database.Statement<unknown[], RollupRow>
  readonly #putRollup: Database.Statement
  readonly #record: (workspace: string, sample: MonitorSample) => void
  readonly #recordMany: (
    workspace: string,
    samples: readonly MonitorSample[],
  ) => void

  constructor(db: Database.Database) {
    this.#db = db
    this.#insertSample = db.prepare(
      `INSERT INTO monitor_samples (workspace, monitor, at, ok, status, duration_ms, error)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    this.#getRollup = db.prepare(
      `SELECT count, ok_count, timed_count, sum_ms, max_ms, histogram FROM monitor_rollups
       WHERE workspace = ? AND monitor = ? AND size = ? AND start = ?`,
    )
    this.#putRollup = db.prepare(
      `INSERT OR REPLACE INTO monitor_rollups
         (workspace, monitor, size, start, count, ok_count, timed_count, sum_ms, max_ms, histogram)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    // A batch adds up its rollups in memory first: one read and one
    // write per bucket instead of three of each per sample.
    this.#recordMany = db.transaction(
      (workspace: string, samples: readonly MonitorSample[]) => {
        const buckets = new Map<string, BucketDelta>()
        for (const sample of samples) {
          this.#insert(workspace, sample)
          for (const size of ROLLUP_SIZES) {
            const start = startOf(sample.at, size)
            const key = `${sample.monitor}\n${size}\n${start}`
            const bucket = buckets.get(key)
            if (bucket) mergeDelta(bucket.delta, sample)
            else
              buckets.set(key, {
                monitor: sample.monitor,
                size,
                start,
                delta: mergeDelta(emptyDelta(), sample),
              })
          }
        }
        for (const b of buckets.values())
          this.#rollUp(workspace, b.monitor, b.size, b.start, b.delta)
      },
    )
    this.#record = db.transaction((workspace: string, s: MonitorSample) => {
      this.#insert(workspace, s)
      const delta = mergeDelta(emptyDelta(), s)
      for (const size of ROLLUP_SIZES) {
        this.#rollUp(workspace, s.monitor, size, startOf(s.at, size), delta)
      }
    })
  }

  #insert(workspace: string, s: MonitorSample): void {
    this.#insertSample.run(
      workspace,
      s.monitor,
      s.at,
      s.ok ? 1 : 0,
      s.status ?? null,
      s.durationMs ?? null,
      s.error ?? null,
    )
  }

  /** Stores one sample and updates its minute, hour and day rollups. */
  recordSample(workspace: string, sample: MonitorSample): void {
    this.#record(workspace, sample)
  }

  /**
   * Stores many samples in one transaction (an import, a benchmark's
   * year of history): one commit instead of one per sample.
   */
  recordSamples(workspace: string, samples: readonly MonitorSample[]): void {
    this.#recordMany(workspace, samples)
  }

  /** Adds what some samples add up to into one rollup row. */
  #rollUp(
    workspace: string,
    monitor: string,
    size: RollupSize,
    start: number,
    add: RollupDelta,
  ): void {
    const row = this.#getRollup.get(workspace, monitor, size, start)
    const histogram = row
      ? (JSON.parse(row.histogram) as number[])
      : MONITOR_HISTOGRAM_MS.map(() => 0)
    addCounts(histogram, add.histogram)
    const maxMs =
      row?.max_ms == null
        ? add.maxMs
        : add.maxMs == null
          ? row.max_ms
          : Math.max(row.max_ms, add.maxMs)
    this.#putRollup.run(
      workspace,
      monitor,
      size,
      start,
      (row?.count ?? 0) + add.count,
      (row?.ok_count ?? 0) + add.okCount,
      (row?.timed_count ?? 0) + add.timedCount,
      (row?.sum_ms ?? 0) + add.sumMs,
      maxMs,
      JSON.stringify(histogram),
    )
  }

  /** The raw samples of a monitor in [from, to), oldest first. */
  samples(
    workspace: string,
    monitor: string,
    from: number,
    to: number,
  ): readonly MonitorSample[] {
    return this.#db
      .prepare<
        [string, string, number, number],
        {
          at: number
          ok: number
          status: number | null
          duration_ms: number | null
          error: string | null
        }
      >(
        `SELECT at, ok, status, duration_ms, error FROM monitor_samples
         WHERE workspace = ? AND monitor = ? AND at >= ? AND at < ? ORDER BY at, id`,
      )
      .all(workspace, monitor, from, to)
      .map((r) => ({
        monitor,
        at: r.at,
        ok: r.ok === 1,
        ...(r.status !== null ? { status: r.status } : {}),
        ...(r.duration_ms !== null ? { durationMs: r.duration_ms } : {}),
        ...(r.error !== null ? { error: r.error } : {}),
      }))
  }

  /** How many samples a monitor has in all. */
  sampleCount(workspace: string, monitor: string): number {
    const row = this.#db
      .prepare<[string, string], { n: number }>(
        'SELECT count(*) AS n FROM monitor_samples WHERE workspace = ? AND monitor = ?',
      )
      .get(workspace, monitor)
    return row?.n ?? 0
  }

  /**
   * The rollup series of a monitor over [from, to), one point per bucket
   * of `size` that has samples, with p50 and p95 from its histogram.
   */
  series(
    workspace: string,
    monitor: string,
    size: RollupSize,
    from: number,
    to: number,
  ): readonly RollupPoint[] {
    return this.#rollups(workspace, monitor, size, from, to).map((r) => {
      const counts = JSON.parse(r.histogram) as number[]
      return {
        start: r.start,
        count: r.count,
        okCount: r.ok_count,
        p50: histogramPercentile(counts, 0.5),
        p95: histogramPercentile(counts, 0.95),
        ...(r.max_ms !== null ? { maxMs: r.max_ms } : {}),
      }
    })
  }

  /**
   * Uptime over the `windowMs` before `now`, as a fraction (undefined
   * with no samples): from minute rollups for a day or less, hour
   * rollups beyond. Buckets count whole, so the edges are approximate
   * to one bucket.
   */
  uptime(
    workspace: string,
    monitor: string,
    windowMs: number,
    now: number,
  ): number | undefined {
    const size: RollupSize = windowMs <= SIZE_MS.day ? 'minute' : 'hour'
    const row = this.#db
      .prepare<
        [string, string, RollupSize, number, number],
        { n: number | null; ok: number | null }
      >(
        `SELECT sum(count) AS n, sum(ok_count) AS ok FROM monitor_rollups
         WHERE workspace = ? AND monitor = ? AND size = ? AND start >= ? AND start < ?`,
      )
      .get(workspace, monitor, size, startOf(now - windowMs, size), now)
    if (!row?.n) return undefined
    return (row.ok ?? 0) / row.n
  }

  /** Uptime for 24 h, 7 d and 30 d, and the day's p50/p95. */
  summary(workspace: string, monitor: string, now: number): MonitorSummary {
    const day = SIZE_MS.day
    const { p50, p95 } = this.percentiles(workspace, monitor, day, now)
    return {
      uptime: {
        day: this.uptime(workspace, monitor, day, now),
        week: this.uptime(workspace, monitor, 7 * day, now),
        month: this.uptime(workspace, monitor, 30 * day, now),
      },
      p50,
      p95,
    }
  }

  /**
   * The response-time trend over the `rangeMs` before `now`, from the
   * coarsest rollup that still draws a useful line: minutes for up to a
   * day, hours for up to 30 days, days beyond.
   */
  trend(
    workspace: string,
    monitor: string,
    rangeMs: number,
    now: number,
  ): { readonly size: RollupSize; readonly points: readonly RollupPoint[] } {
    const size: RollupSize =
      rangeMs <= SIZE_MS.day
        ? 'minute'
        : rangeMs <= 30 * SIZE_MS.day
          ? 'hour'
          : 'day'
    const from = startOf(now - rangeMs, size)
    return { size, points: this.series(workspace, monitor, size, from, now) }
  }

  /** p50 and p95 over a whole window, merged from its rollups. */
  percentiles(
    workspace: string,
    monitor: string,
    windowMs: number,
    now: number,
  ): { readonly p50?: number; readonly p95?: number } {
    const size: RollupSize = windowMs <= SIZE_MS.day ? 'minute' : 'hour'
    const merged = MONITOR_HISTOGRAM_MS.map(() => 0)
    const rows = this.#rollups(
      workspace,
      monitor,
      size,
      startOf(now - windowMs, size),
      now,
    )
    for (const r of rows) addCounts(merged, JSON.parse(r.histogram))
    return {
      p50: histogramPercentile(merged, 0.5),
      p95: histogramPercentile(merged, 0.95),
    }
  }

  #rollups(
    workspace: string,
    monitor: string,
    size: RollupSize,
    from: number,
    to: number,
  ) {
    return this.#db
      .prepare<
        [string, string, RollupSize, number, number],
        RollupRow & { start: number }
      >(
        `SELECT start, count, ok_count, timed_count, sum_ms, max_ms, histogram FROM monitor_rollups
         WHERE workspace = ? AND monitor = ? AND size = ? AND start >= ? AND start < ?
         ORDER BY start`,
      )
      .all(workspace, monitor, size, from, to)
  }

  /** The last state saved for a monitor. */
  state(workspace: string, monitor: string): StoredMonitorState | undefined {
    return this.#db
      .prepare<[string, string], StoredMonitorState>(
        'SELECT state, since, detail FROM monitor_states WHERE workspace = ? AND monitor = ?',
      )
      .get(workspace, monitor)
  }

  saveState(
    workspace: string,
    monitor: string,
    state: StoredMonitorState,
  ): void {
    this.#db
      .prepare(
        'INSERT OR REPLACE INTO monitor_states (workspace, monitor, state, since, detail) VALUES (?, ?, ?, ?, ?)',
      )
      .run(workspace, monitor, state.state, state.since, state.detail)
  }

  /** Opens an incident; returns its id. */
  openIncident(
    workspace: string,
    monitor: string,
    startedAt: number,
    cause: string,
  ): number {
    const { lastInsertRowid } = this.#db
      .prepare(
        'INSERT INTO monitor_incidents (workspace, monitor, started_at, cause) VALUES (?, ?, ?, ?)',
      )
      .run(workspace, monitor, startedAt, cause)
    return Number(lastInsertRowid)
  }

  /** Closes a monitor's open incidents at `endedAt`. */
  closeIncidents(workspace: string, monitor: string, endedAt: number): void {
    this.#db
      .prepare(
        'UPDATE monitor_incidents SET ended_at = ? WHERE workspace = ? AND monitor = ? AND ended_at IS NULL',
      )
      .run(endedAt, workspace, monitor)
  }

  /** Incidents that overlap [from, now], newest first, with durations. */
  incidents(workspace: string, from: number, now: number): readonly Incident[] {
    return this.#db
      .prepare<
        [string, number],
        {
          id: number
          monitor: string
          started_at: number
          ended_at: number | null
          cause: string
        }
      >(
        `SELECT id, monitor, started_at, ended_at, cause FROM monitor_incidents
         WHERE workspace = ? AND (ended_at IS NULL OR ended_at >= ?)
         ORDER BY started_at DESC, id DESC`,
      )
      .all(workspace, from)
      .map((r) => ({
        id: r.id,
        monitor: r.monitor,
        startedAt: r.started_at,
        ...(r.ended_at !== null ? { endedAt: r.ended_at } : {}),
        // Never negative, even if the wall clock was set back meanwhile.
        durationMs: Math.max(0, (r.ended_at ?? now) - r.started_at),
        cause: r.cause,
      }))
  }

  /**
   * Compares a record's value with the last one seen and remembers it;
   * returns the drift event when it changed (never on first sight).
   */
  observeRecord(
    workspace: string,
    monitor: string,
    record: string,
    value: string,
    at: number,
  ): DriftEvent | undefined {
    return this.#db.transaction(() => {
      const before = this.#db
        .prepare<[string, string, string], { value: string }>(
          'SELECT value FROM monitor_records WHERE workspace = ? AND monitor = ? AND record = ?',
        )
        .get(workspace, monitor, record)
      this.#db
        .prepare(
          'INSERT OR REPLACE INTO monitor_records (workspace, monitor, record, value, seen_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(workspace, monitor, record, value, at)
      if (!before || before.value === value) return undefined
      const { lastInsertRowid } = this.#db
        .prepare(
          'INSERT INTO drift_events (workspace, monitor, at, record, before, after) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(workspace, monitor, at, record, before.value, value)
      return {
        id: Number(lastInsertRowid),
        monitor,
        at,
        record,
        before: before.value,
        after: value,
      }
    })()
  }

  /** Drift events since `from`, newest first. */
  driftEvents(workspace: string, from: number): readonly DriftEvent[] {
    return this.#db
      .prepare<[string, number], DriftEvent>(
        `SELECT id, monitor, at, record, before, after FROM drift_events
         WHERE workspace = ? AND at >= ? ORDER BY at DESC, id DESC`,
      )
      .all(workspace, from)
  }

  /** Records a deploy; returns its id. */
  markDeploy(workspace: string, at: number, note: string): number {
    const { lastInsertRowid } = this.#db
      .prepare(
        'INSERT INTO deploy_markers (workspace, at, note) VALUES (?, ?, ?)',
      )
      .run(workspace, at, note)
    return Number(lastInsertRowid)
  }

  /** Deploy markers since `from`, oldest first, for a chart's x-axis. */
  deployMarkers(workspace: string, from: number): readonly DeployMarker[] {
    return this.#db
      .prepare<[string, number], DeployMarker>(
        'SELECT id, at, note FROM deploy_markers WHERE workspace = ? AND at >= ? ORDER BY at, id',
      )
      .all(workspace, from)
  }

  /**
   * Deletes history older than the retention allows; returns the rows
   * removed. Closed incidents, drift and deploys follow the day rollups.
   */
  prune(retention: Retention, now: number): number {
    const before = (days: number) => now - days * SIZE_MS.day
    const run = (sql: string, ...args: unknown[]) =>
      this.#db.prepare(sql).run(...args).changes
    return this.#db.transaction(() => {
      const dayCut = before(retention.dayDays)
      return (
        run(
          'DELETE FROM monitor_samples WHERE at < ?',
          before(retention.samplesDays),
        ) +
        run(
          "DELETE FROM monitor_rollups WHERE size = 'minute' AND start < ?",
          before(retention.minuteDays),
        ) +
        run(
          "DELETE FROM monitor_rollups WHERE size = 'hour' AND start < ?",
          before(retention.hourDays),
        ) +
        run(
          "DELETE FROM monitor_rollups WHERE size = 'day' AND start < ?",
          dayCut,
        ) +
        run(
          'DELETE FROM monitor_incidents WHERE ended_at IS NOT NULL AND ended_at < ?',
          dayCut,
        ) +
        run('DELETE FROM drift_events WHERE at < ?', dayCut) +
        run('DELETE FROM deploy_markers WHERE at < ?', dayCut)
      )
    })()
  }
}

function startOf(at: number, size: RollupSize): number {
  return Math.floor(at / SIZE_MS[size]) * SIZE_MS[size]
}
