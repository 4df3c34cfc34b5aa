import { useEffect } from 'react'
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
  return <HistoryList entries={history.entries} />
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
