import type { ChecklistState, HandoverItem } from '../../../shared/handover'
import { formatCalendarDate, formatZonedTime } from '../../../shared/time'
import { useNow } from '../../lib/use-now'
import { useHandoverStore } from '../../stores/handover'

const STATE: Record<ChecklistState, { label: string; badge: string }> = {
  open: { label: 'To do', badge: 'badge-pending' },
  incomplete: { label: 'Incomplete', badge: 'badge-warn' },
  done: { label: 'Done', badge: 'badge-pass' },
}

/** One checklist item as recorded, with what it still lacks. */
export function ItemSummary({ item }: { item: HandoverItem }) {
  const edit = useHandoverStore((s) => s.edit)
  const recorded = item.recorded
  const facts = [
    recorded?.owner && `Owner: ${recorded.owner}`,
    recorded?.date && `Date: ${formatCalendarDate(recorded.date)}`,
    recorded?.provider && `Provider: ${recorded.provider}`,
    recorded?.whoCan && `Who can rotate: ${recorded.whoCan}`,
    recorded?.hours && `Hours: ${recorded.hours}`,
    recorded?.contact && `Contact: ${recorded.contact}`,
  ].filter(Boolean)
  return (
    <div className="handover-summary">
      <div className="handover-head">
        <span className={`badge ${STATE[item.state].badge}`}>
          {STATE[item.state].label}
        </span>
        <h3>{item.title}</h3>
        <button
          type="button"
          className="button-secondary"
          onClick={() => edit(item.id)}
        >
          {recorded ? 'Edit' : 'Fill in'}
          <span className="visually-hidden"> {item.title}</span>
        </button>
      </div>
      <p className="muted">{item.asks}</p>
      {item.usedIn && item.usedIn.length > 0 && (
        <p className="handover-used">Used in: {item.usedIn.join(', ')}</p>
      )}
      {facts.length > 0 && (
        <p className="handover-facts">{facts.join(' · ')}</p>
      )}
      {item.kind === 'support' && item.timeZone && (
        <OwnersClock zone={item.timeZone} />
      )}
      {(recorded?.steps || recorded?.note) && (
        <p className="handover-steps">{recorded.steps ?? recorded.note}</p>
      )}
      {item.state !== 'done' && item.missing.length > 0 && (
        <p className="handover-missing">
          Still missing: {item.missing.join(', ')}
        </p>
      )}
    </div>
  )
}

/** The time now in the reader's zone, and in the owner's beside it. */
function OwnersClock({ zone }: { zone: string }) {
  const now = useNow()
  return (
    <p className="handover-facts">
      Now: {formatZonedTime(now, { ownerZone: zone })}
    </p>
  )
}
