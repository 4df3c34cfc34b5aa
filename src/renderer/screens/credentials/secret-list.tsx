import type { SecretView } from '../../../shared/ipc'
import { ErrorText } from '../../components/messages'
import { useCredentialsStore } from '../../stores/credentials'
import { DeleteConfirmation } from './delete-confirmation'

/** The credential names: stored or not, used by the workspace or not. */
export function SecretList() {
  const secrets = useCredentialsStore((s) => s.secrets)
  const error = useCredentialsStore((s) => s.listError)
  return (
    <section className="card" aria-labelledby="secrets-title">
      <h2 id="secrets-title">Saved and needed credentials</h2>
      <ErrorText>{error}</ErrorText>
      {secrets && secrets.length === 0 && (
        <p className="muted">
          No credentials yet, and the open workspace does not ask for any.
        </p>
      )}
      {secrets && secrets.length > 0 && (
        <ul className="secret-list" aria-label="Credentials">
          {secrets.map((secret) => (
            <SecretRow key={secret.name} secret={secret} />
          ))}
        </ul>
      )}
    </section>
  )
}

function SecretRow({ secret }: { secret: SecretView }) {
  const confirming = useCredentialsStore((s) => s.confirming === secret.name)
  return (
    <li className="secret-row" data-secret={secret.name}>
      <div className="secret-main">
        <span className="secret-name">{secret.name}</span>
        <SecretState secret={secret} />
        <SecretActions secret={secret} />
      </div>
      {confirming && <DeleteConfirmation name={secret.name} />}
    </li>
  )
}

function SecretState({ secret }: { secret: SecretView }) {
  return (
    <span className="secret-state">
      <span className={`badge ${secret.stored ? 'badge-pass' : 'badge-warn'}`}>
        {secret.stored ? 'Stored in the keychain' : 'No value saved yet'}
      </span>
      <span className="secret-usage">
        {secret.referenced
          ? `Used by this workspace: ${secret.usedIn.join(', ')}`
          : 'Not used by the open workspace'}
      </span>
    </span>
  )
}

function SecretActions({ secret }: { secret: SecretView }) {
  const askDelete = useCredentialsStore((s) => s.askDelete)
  const edit = useCredentialsStore((s) => s.edit)
  return (
    <span className="secret-actions">
      <button
        type="button"
        className="button-secondary"
        onClick={() => edit(secret.name)}
      >
        {secret.stored ? 'Replace' : 'Add value'}
        <span className="visually-hidden"> for {secret.name}</span>
      </button>
      {secret.stored && (
        <button
          type="button"
          className="button-danger-quiet"
          onClick={() => askDelete(secret.name)}
        >
          Delete<span className="visually-hidden"> {secret.name}</span>
        </button>
      )}
    </span>
  )
}
