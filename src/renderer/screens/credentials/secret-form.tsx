import { Field } from '../../components/field'
import { ErrorText } from '../../components/messages'
import { useCredentialsStore } from '../../stores/credentials'
import { useSecretForm } from './use-secret-form'

/** The form, remounted with the name the user chose to fill in. */
export function SecretForm() {
  const selected = useCredentialsStore((s) => s.selected)
  return (
    <SecretFormFields
      key={selected.token}
      initialName={selected.name}
      focusValue={selected.token > 0}
    />
  )
}

interface FieldsProps {
  readonly initialName: string
  readonly focusValue: boolean
}

/** Name and a write-only value. */
function SecretFormFields({ initialName, focusValue }: FieldsProps) {
  const { name, setName, problems, valueInput, submit } =
    useSecretForm(initialName)
  const saveError = useCredentialsStore((s) => s.saveError)
  return (
    <section className="card" aria-labelledby="secret-form-title">
      <h2 id="secret-form-title">Add or replace a credential</h2>
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <Field
          id="secret-name"
          label="Name"
          hint="Lowercase letters, digits, “.”, “_” or “-”. The workspace file refers to it as secret:name."
          value={name}
          error={problems.name}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => setName(e.target.value)}
        />
        <Field
          id="secret-value"
          label="Value"
          hint="Sent straight to the keychain. It will not be shown again."
          type="password"
          ref={valueInput}
          error={problems.value}
          autoComplete="new-password"
          autoFocus={focusValue}
        />
        <button type="submit" className="button-primary">
          Save to keychain
        </button>
        <ErrorText>{saveError}</ErrorText>
      </form>
    </section>
  )
}
