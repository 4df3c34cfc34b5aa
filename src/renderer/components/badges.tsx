import type { Severity, Status } from '../../shared/finding'
import { SEVERITY_LABEL, STATUS_ICON, STATUS_LABEL } from '../lib/labels'

/** A finding's status as a glyph and a word, coloured as a third cue. */
export function StatusBadge({ status }: { status: Status | 'pending' }) {
  if (status === 'pending') {
    return <span className="badge badge-pending">Not checked yet</span>
  }
  return (
    <span className={`badge badge-${status}`}>
      <span aria-hidden="true" className="badge-icon">
        {STATUS_ICON[status]}
      </span>
      {STATUS_LABEL[status]}
    </span>
  )
}

export function SeverityBadge({ severity }: { severity: Severity }) {
  return (
    <span className={`severity severity-${severity}`}>
      {SEVERITY_LABEL[severity]}
    </span>
  )
}
