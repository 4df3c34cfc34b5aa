import type { CSSProperties } from 'react'
import {
  humanizeKey,
  timelinePhases,
  timelineTotal,
  type Phase,
  type Timings,
} from '../../lib/evidence'
import { formatDuration } from '../../lib/format'

/** Request phases as bars on one time axis, DNS through download. */
export function Timeline({ timings }: { timings: Timings }) {
  const total = timelineTotal(timings)
  return (
    <div className="timeline">
      <ol className="timeline-phases" aria-label="Request timeline">
        {timelinePhases(timings).map((phase) => (
          <TimelinePhase key={phase.name} phase={phase} total={total} />
        ))}
      </ol>
      <p className="timeline-total">Total: {formatDuration(total)}</p>
    </div>
  )
}

function TimelinePhase({ phase, total }: { phase: Phase; total: number }) {
  const percent = (n: number) => `${total > 0 ? (n / total) * 100 : 0}%`
  // Custom properties go through the CSSOM, which the CSP allows.
  const bar = {
    '--start': percent(phase.start),
    '--width': percent(phase.duration),
  } as CSSProperties
  return (
    <li className="timeline-phase">
      <span className="timeline-name">{humanizeKey(phase.name)}</span>
      <span className="timeline-track" aria-hidden="true">
        <span className="timeline-bar" style={bar} />
      </span>
      <span className="timeline-ms">{formatDuration(phase.duration)}</span>
    </li>
  )
}
