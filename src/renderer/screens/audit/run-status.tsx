import type { RunView } from '../../../shared/ipc'
import { formatDateTime, formatDuration } from '../../lib/format'
import { useAuditStore } from '../../stores/audit'

/** When the shown results are from, and whether the run was complete. */
export function RunStatus() {
  const run = useAuditStore((s) => s.run)
  const running = useAuditStore((s) => s.progress !== null)
  if (running) return null
  if (!run) {
    return (
      <p className="run-status">
        No audit has run for this workspace yet. Run it to check your site
        against the launch checklist; it takes about a minute.
      </p>
    )
  }
  return <p className={`run-status run-${run.outcome}`}>{describeRun(run)}</p>
}

function describeRun(run: RunView): string {
  const when = `Last audit: ${formatDateTime(run.finishedAt)}, took ${formatDuration(run.durationMs)}.`
  switch (run.outcome) {
    case 'completed':
      return when
    case 'cancelled':
      return `${when} It was cancelled, so some checks did not run; run it again for a full picture.`
    case 'deadline':
      return `${when} It ran out of time before every check finished; run it again, and check that the site is reachable.`
  }
}
