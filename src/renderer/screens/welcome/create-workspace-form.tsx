import { Field } from '../../components/field'
import { ErrorText } from '../../components/messages'
import { defaultOrigin } from '../../lib/new-workspace'
import { useWorkspaceStore } from '../../stores/workspace'
import { useCreateForm } from './use-create-form'

/** The short form that writes a new workspace file. */
export function CreateWorkspaceForm() {
  const { domain, bind, submit, formError } = useCreateForm()
  const busy = useWorkspaceStore((s) => s.busy)
  return (
    <section className="card" aria-labelledby="create-title">
      <h2 id="create-title">Start a new workspace</h2>
      <p>A name and a domain are enough to run the first audit.</p>
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <Field
          id="ws-name"
          label="Name"
          hint="What you call the project, e.g. “Acme shop”."
          autoComplete="off"
          {...bind('name')}
        />
        <Field
          id="ws-domain"
          label="Domain"
          hint="Your site’s own domain, without https://, e.g. acme.com."
          autoComplete="off"
          spellCheck={false}
          {...bind('domain')}
        />
        <Field
          id="ws-origin"
          label="Main address (canonical origin)"
          hint="The one address every visitor should end up on. Leave it empty to use https:// and your domain."
          placeholder={defaultOrigin(domain) || 'https://www.acme.com'}
          spellCheck={false}
          {...bind('canonicalOrigin')}
        />
        <Field
          id="ws-subdomains"
          label="Subdomains (optional)"
          hint="Other names to check, separated by commas, e.g. admin, api."
          spellCheck={false}
          {...bind('subdomains')}
        />
        <button type="submit" className="button-primary" disabled={busy}>
          Create workspace…
        </button>
        <ErrorText>{formError}</ErrorText>
      </form>
    </section>
  )
}
