import { useEffect } from 'react'
import { checkInfo, type CheckInfo } from '../../../shared/catalogue'
import type { HistoryView } from '../../../shared/ipc'
import { StatusBadge } from '../../components/badges'
import { ErrorText } from '../../components/messages'
import { formatDateTime } from '../../lib/format'
import { findingKey } from '../../lib/risk'
import { useAuditStore } from '../../stores/audit'

interface CheckHistoryProps {
  readonly check: string
  readonly target: string
}

/** Past verdicts of this check on this target, newest first. */
export function CheckHistory({ check, target }: CheckHistoryProps) {
  const history = useAuditStore((s) => s.history)
  const loadHistory = useAuditStore((s) => s.loadHistory)
  const runId = useAuditStore((s) => s.run?.id)
  useEffect(() => {
    void loadHistory({ check, target })
  }, [check, target, runId, loadHistory])
  if (history?.key !== findingKey({ check, target })) return null
  if (history.error) return <ErrorText>{history.error}</ErrorText>
  if (!history.entries) return <p className="muted">Loading the history…</p>
  const trend = checkInfo(check)?.trend
  return (
    <>
      {trend && <TrendChart entries={history.entries} trend={trend} />}
      <HistoryList entries={history.entries} />
    </>
  )
}

type Trend = NonNullable<CheckInfo['trend']>

/**
 * The measured number over the runs, oldest on the left, as bars: is
 * the p95 creeping up, is the certificate's margin shrinking?
 */
function TrendChart(props: { entries: readonly HistoryView[]; trend: Trend }) {
  const points = props.entries
    .filter((e) => typeof e.value === 'number')
    .slice(0, 30)
    .reverse()
  if (points.length < 2) return null
  const values = points.map((p) => p.value as number)
  const top = Math.max(...values.map(Math.abs), 1)
  const width = 12
  const height = 48
  const label = `${props.trend.label} over the last ${points.length} audits: ${values.join(', ')} ${props.trend.unit}`
  return (
    <figure className="trend">
      <svg
        role="img"
        aria-label={label}
        width={points.length * width}
        height={height}
        viewBox={`0 0 ${points.length * width} ${height}`}
      >
        {values.map((value, i) => {
          const h = Math.max(2, (Math.abs(value) / top) * (height - 4))
          return (
            <rect
              key={points[i]!.runId}
              className={value < 0 ? 'trend-bar trend-negative' : 'trend-bar'}
              x={i * width + 2}
              y={height - h}
              width={width - 4}
              height={h}
            >
              <title>{`${formatDateTime(points[i]!.startedAt)}: ${value} ${props.trend.unit}`}</title>
            </rect>
          )
        })}
      </svg>
      <figcaption>
        {props.trend.label}: {values.at(-1)} {props.trend.unit} now, from{' '}
        {values[0]} {props.trend.unit} {points.length - 1} audit(s) ago
      </figcaption>
    </figure>
  )
}

function HistoryList({ entries }: { entries: readonly HistoryView[] }) {
  if (entries.length === 0) {
    return <p className="muted">No earlier audits have checked this yet.</p>
  }
  return (
    <ol className="history" aria-label="Earlier results">
      {entries.map((entry) => (
        <li key={entry.runId} className="history-entry">
          <time dateTime={entry.startedAt}>
            {formatDateTime(entry.startedAt)}
          </time>
          <StatusBadge status={entry.status} />
          <span className="history-title">{entry.title}</span>
        </li>
      ))}
    </ol>
  )
}
