import { useEffect, useRef, useState, type FormEvent } from 'react'
import type { SecretView } from '../../../shared/ipc'
import { Field } from '../../components/field'
import { ErrorText } from '../../components/messages'
import { plural } from '../../lib/format'
import { useAuditStore } from '../../stores/audit'
import { useCredentialsStore } from '../../stores/credentials'
import { useWorkspaceStore } from '../../stores/workspace'

/**
 * A handed-over workspace names the credentials it needs, never their
 * values. Until each is in the keychain the Audit screen asks for them,
 * one field each; then, before the first audit, it offers to run one.
 */
export function NeededSecrets() {
  const secrets = useCredentialsStore((s) => s.secrets)
  const load = useCredentialsStore((s) => s.load)
  const file = useWorkspaceStore((s) => s.view?.file)
  useEffect(() => void load(), [load, file])
  const used = (secrets ?? []).filter((s) => s.referenced)
  const missing = used.filter((s) => !s.stored)
  if (missing.length === 0) {
    return used.length > 0 ? <ReadyToRun count={used.length} /> : null
  }
  return (
    <section className="card needed-secrets" aria-labelledby="needed-title">
      <h2 id="needed-title">
        This workspace needs {plural(missing.length, 'credential')}
      </h2>
      <p className="muted">
        The checks that use them cannot run without them. Each value goes
        straight to your keychain and is never shown again.
      </p>
      <ul className="needed-list">
        {missing.map((secret) => (
          <NeededSecret key={secret.name} secret={secret} />
        ))}
      </ul>
    </section>
  )
}

function NeededSecret({ secret }: { secret: SecretView }) {
  const save = useCredentialsStore((s) => s.save)
  const saveError = useCredentialsStore((s) => s.saveError)
  const value = useRef<HTMLInputElement>(null)
  const [problem, setProblem] = useState<string>()
  async function submit(event: FormEvent) {
    event.preventDefault()
    const input = value.current!
    if (!input.value) return setProblem('Type the value to store.')
    setProblem(undefined)
    // The value is read once, handed to main and cleared.
    if (await save(secret.name, input.value)) input.value = ''
  }
  return (
    <li>
      <form className="needed-form" onSubmit={(e) => void submit(e)}>
        <Field
          ref={value}
          id={`needed-${secret.name}`}
          label={secret.name}
          hint={`Used by ${secret.usedIn.join(', ')}`}
          type="password"
          autoComplete="off"
          error={problem}
        />
        <button type="submit">
          Save<span className="visually-hidden"> {secret.name}</span>
        </button>
      </form>
      <ErrorText>{saveError}</ErrorText>
    </li>
  )
}

function ReadyToRun({ count }: { count: number }) {
  const start = useAuditStore((s) => s.start)
  const running = useAuditStore((s) => s.progress !== null)
  const ran = useAuditStore((s) => s.run !== null)
  if (ran) return null
  return (
    <section className="card needed-secrets" aria-labelledby="needed-title">
      <h2 id="needed-title">
        {count === 1
          ? 'The credential is in the keychain'
          : `All ${count} credentials are in the keychain`}
      </h2>
      <p>
        <button type="button" disabled={running} onClick={() => void start()}>
          Start the first audit
        </button>
      </p>
    </section>
  )
}
