import { useState, type FormEvent } from 'react'
import type { Finding } from '../../../shared/finding'
import { Field } from '../../components/field'
import {
  scannedSecrets,
  type ScannedSecret,
} from '../../../shared/secret-evidence'
import { readableError, settle } from '../../lib/result'
import { useAuditStore } from '../../stores/audit'

/**
 * The secrets a scan found, by file and line, each shown only by its
 * first characters. One that is safe to keep (a test fixture, a revoked
 * key) can be accepted into the repository's baseline with a reason.
 */
export function SecretFindings({ finding }: { finding: Finding }) {
  const secrets = scannedSecrets(finding.evidence)
  if (secrets.length === 0) return <p className="muted">None found.</p>
  return (
    <table className="secret-table">
      <thead>
        <tr>
          <th scope="col">Where</th>
          <th scope="col">Rule</th>
          <th scope="col">Match</th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        {secrets.map((secret) => (
          <SecretRow
            key={secret.fingerprint}
            secret={secret}
            check={finding.check}
          />
        ))}
      </tbody>
    </table>
  )
}

function SecretRow(props: { secret: ScannedSecret; check: string }) {
  const { secret } = props
  const [accepting, setAccepting] = useState(false)
  return (
    <tr data-fingerprint={secret.fingerprint}>
      <td>
        <code>
          {secret.file}:{secret.line}
        </code>
        {secret.commit && (
          <span className="muted"> in commit {secret.commit.slice(0, 8)}</span>
        )}
      </td>
      <td>
        <code>{secret.rule}</code>
      </td>
      <td>
        <code>{secret.redacted}</code>
      </td>
      <td>
        {secret.accepted !== undefined ? (
          <span>Accepted: {secret.accepted}</span>
        ) : accepting ? (
          <AcceptForm
            secret={secret}
            check={props.check}
            onClose={() => setAccepting(false)}
          />
        ) : (
          <button
            type="button"
            className="button-secondary"
            aria-label={`Accept the ${secret.rule} match in ${secret.file}:${secret.line}…`}
            onClick={() => setAccepting(true)}
          >
            Accept…
          </button>
        )}
      </td>
    </tr>
  )
}

/**
 * Asks why the match is safe, writes it to the baseline, and re-checks
 * so the finding shows as accepted. Escape or Cancel leaves it open.
 */
function AcceptForm(props: {
  secret: ScannedSecret
  check: string
  onClose: () => void
}) {
  const start = useAuditStore((s) => s.start)
  const [reason, setReason] = useState('')
  const [error, setError] = useState<string>()
  const [saving, setSaving] = useState(false)
  const id = `accept-${props.secret.fingerprint}`
  async function submit(event: FormEvent) {
    event.preventDefault()
    if (!reason.trim()) {
      setError('Say why it is safe to keep, for whoever reads the baseline.')
      return
    }
    setSaving(true)
    const result = await settle(
      window.api.baseline.accept({
        fingerprint: props.secret.fingerprint,
        reason,
      }),
    )
    setSaving(false)
    if (!result.ok) return setError(readableError(result.error))
    props.onClose()
    void start([props.check])
  }
  return (
    <form
      className="accept-form"
      onSubmit={(e) => void submit(e)}
      onKeyDown={(e) => e.key === 'Escape' && props.onClose()}
    >
      <Field
        id={id}
        label="Why is it safe to keep?"
        hint="For example: a test fixture, or a key already revoked."
        value={reason}
        maxLength={500}
        autoFocus
        error={error}
        onChange={(e) => setReason(e.target.value)}
      />
      <div className="confirm-actions">
        <button type="submit" disabled={saving}>
          Accept into the baseline
        </button>
        <button
          type="button"
          className="button-secondary"
          onClick={props.onClose}
        >
          Cancel
        </button>
      </div>
    </form>
  )
}
