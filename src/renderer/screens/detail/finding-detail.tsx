import { useEffect, useMemo, useRef } from 'react'
import { findingFor, shownFindings } from '../../lib/rows'
import { findingKey } from '../../lib/risk'
import { useAuditSnapshot } from '../../stores/audit-snapshot'
import { useNavigation, type FindingRef } from '../../stores/navigation'
import { DetailBody } from './detail-body'

/** The finding detail, a modal panel over the audit; Escape closes it. */
export function FindingDetail() {
  const reference = useNavigation((s) => s.detail)
  if (!reference) return null
  return <DetailDialog key={findingKey(reference)} reference={reference} />
}

function DetailDialog({ reference }: { reference: FindingRef }) {
  const dialog = useRef<HTMLDialogElement>(null)
  const close = useNavigation((s) => s.closeDetail)
  const snapshot = useAuditSnapshot()
  const finding = useMemo(
    () => findingFor(shownFindings(snapshot), reference),
    [snapshot, reference],
  )
  useEffect(() => {
    if (!dialog.current?.open) dialog.current?.showModal()
  }, [])
  return (
    <dialog
      ref={dialog}
      className="detail"
      aria-labelledby="detail-title"
      onClose={close}
    >
      <div className="detail-bar">
        <span className="detail-kicker">Finding</span>
        <button
          type="button"
          className="button-secondary"
          onClick={() => dialog.current?.close()}
        >
          Close <kbd>Esc</kbd>
        </button>
      </div>
      {finding ? (
        <DetailBody finding={finding} />
      ) : (
        <p id="detail-title" className="detail-missing">
          This finding is not in the current results any more. Close this panel
          and pick one from the audit.
        </p>
      )}
    </dialog>
  )
}
