import {
  HISTORY_MONITORS,
  measureHistory,
  type HistoryBench,
} from './monitor-history'
import {
  loadSeconds,
  measureMonitorLoad,
  MONITORS,
  type MonitorLoad,
} from './monitor-load'
import { formatTable } from './table'

/**
 * Section h of `npm run bench`: the monitors' cost while they run, and
 * how fast a year of history answers the dashboard, from rollups and,
 * as the baseline, from raw samples (issue 7). BENCH_MONITOR_SECONDS
 * shortens the 5-minute run and BENCH_MONITOR_DAYS the year, for a
 * quick local check; the goals are for the full lengths.
 */

const CPU_GOAL_PERCENT = 10
const LATENESS_GOAL_MS = 1000
const QUERY_GOAL_MS = 20

/** Runs both measurements; `failed` when a goal was missed. */
export async function benchMonitor(): Promise<{
  readonly text: string
  readonly failed: boolean
}> {
  const load = await measureMonitorLoad(loadSeconds())
  const history = await measureHistory(historyDays())
  const loadText = describeLoad(load)
  const historyText = describeHistory(history)
  const failed = loadText.failed || historyText.failed
  return {
    text: [
      'Monitoring (issue 7): the running monitors and a year of history',
      loadText.text,
      historyText.text,
      ...(failed
        ? ['  FAIL: a goal above was missed, so the bench exits 1.']
        : []),
    ].join('\n'),
    failed,
  }
}

function historyDays(): number {
  const value = Number(process.env.BENCH_MONITOR_DAYS ?? 365)
  if (!(value >= 1 && value <= 365))
    throw new Error('BENCH_MONITOR_DAYS must be 1 to 365.')
  return value
}

const verdict = (pass: boolean) => (pass ? 'PASS' : 'FAIL')

function describeLoad(l: MonitorLoad): { text: string; failed: boolean } {
  const cpuPass = l.cpuPercent < CPU_GOAL_PERCENT
  const latePass = l.latenessP99Ms < LATENESS_GOAL_MS
  const table = formatTable(
    [
      [
        'CPU, one core',
        `${l.cpuPercent.toFixed(1)} %`,
        `goal < ${CPU_GOAL_PERCENT} %  ${verdict(cpuPass)}`,
      ],
      ['RSS, peak (sampled each second)', formatMb(l.rssPeakBytes), ''],
      [
        'Lateness against the slot, p99',
        formatMsShort(l.latenessP99Ms),
        `goal < ${LATENESS_GOAL_MS} ms  ${verdict(latePass)}`,
      ],
      [
        'Lateness, p50 / max',
        `${formatMsShort(l.latenessP50Ms)} / ${formatMsShort(l.latenessMaxMs)}`,
        '',
      ],
      [
        'Runs started / samples stored / failed',
        `${l.runs} / ${l.samples} / ${l.failed}`,
        '',
      ],
    ],
    '    ',
  )
  return {
    text: [
      `  1. ${MONITORS} uptime monitors every 60 s for ${l.seconds.toFixed(0)} s ` +
        'against 4 loopback HTTP servers',
      '     (in another process): the real service, scheduler, probes, ' +
        'store and clock',
      table,
      ...(l.seconds < 299
        ? ['    Shortened by BENCH_MONITOR_SECONDS; the goals are for 300 s.']
        : []),
    ].join('\n'),
    failed: !cpuPass || !latePass,
  }
}

function describeHistory(h: HistoryBench): { text: string; failed: boolean } {
  const failed = h.ranges.some((r) => r.rollupMs >= QUERY_GOAL_MS)
  const rows = h.ranges.map((r) => [
    r.name,
    formatMsShort(r.rollupMs),
    formatMsShort(r.rawMs),
    `${(r.rawMs / r.rollupMs).toFixed(1)}×`,
    `goal < ${QUERY_GOAL_MS} ms  ${verdict(r.rollupMs < QUERY_GOAL_MS)}`,
  ])
  const days = Math.round(h.samples / HISTORY_MONITORS / 1440)
  return {
    text: [
      `  2. A store with ${days} days of 1-minute samples for ` +
        `${HISTORY_MONITORS} monitors (${h.samples.toLocaleString('en')} rows),`,
      '     written through recordSamples, six hours of all monitors a ' +
        'call, the',
      '     rollups kept as samples arrive',
      formatTable(
        [
          [
            'Insert throughput',
            `${Math.round(h.samples / h.insertSeconds).toLocaleString('en')} ` +
              `samples/s (${h.insertSeconds.toFixed(0)} s in all)`,
          ],
          [
            'Database size',
            `${formatMb(h.dbBytes)}, ` +
              `${Math.round(h.dbBytes / h.samples)} bytes per sample ` +
              '(samples, index and rollups)',
          ],
        ],
        '    ',
      ),
      "  3. One monitor's dashboard per range (uptime, p50/p95, trend), " +
        'median of',
      '     several runs after a warm-up; the baseline is plain SQL over ' +
        'raw samples',
      formatTable(
        [['', 'rollups', 'raw samples', 'raw / rollups', ''], ...rows],
        '    ',
      ),
      ...(days < 365
        ? ['    Shortened by BENCH_MONITOR_DAYS; the goals are for a year.']
        : []),
    ].join('\n'),
    failed,
  }
}

function formatMb(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MB`
}

function formatMsShort(ms: number): string {
  return ms < 10 ? `${ms.toFixed(2)} ms` : `${ms.toFixed(0)} ms`
}
