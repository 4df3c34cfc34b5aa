import { useEffect, useRef } from 'react'
import { ErrorText } from '../../components/messages'
import { useCredentialsStore } from '../../stores/credentials'

/** Asks before a credential is deleted; it cannot be brought back. */
export function DeleteConfirmation({ name }: { name: string }) {
  const confirm = useCredentialsStore((s) => s.confirmDelete)
  const cancel = useCredentialsStore((s) => s.cancelDelete)
  const error = useCredentialsStore((s) => s.deleteError)
  const keep = useRef<HTMLButtonElement>(null)
  useEffect(() => keep.current?.focus(), [])
  return (
    <div
      className="confirm"
      role="alertdialog"
      aria-labelledby={`confirm-${name}`}
      onKeyDown={(e) => e.key === 'Escape' && cancel()}
    >
      <p id={`confirm-${name}`}>
        Delete “{name}” from the keychain? Checks that use it will fail until
        you save it again, and the value cannot be recovered.
      </p>
      <div className="confirm-actions">
        <button type="button" className="button-danger" onClick={confirm}>
          Delete “{name}”
        </button>
        <button
          ref={keep}
          type="button"
          className="button-secondary"
          onClick={cancel}
        >
          Keep it
        </button>
      </div>
      <ErrorText>{error}</ErrorText>
    </div>
  )
}
