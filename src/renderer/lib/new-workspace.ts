import { WorkspaceSchema } from '../../shared/workspace'

/** The short form's fields, as typed. */
export interface WorkspaceForm {
  readonly name: string
  readonly domain: string
  readonly canonicalOrigin: string
  readonly subdomains: string
}

export type FormField = keyof WorkspaceForm
export type FormErrors = Partial<Record<FormField, string>>

const FIELDS: readonly FormField[] = [
  'name',
  'domain',
  'canonicalOrigin',
  'subdomains',
]

/** "admin, api shop" → ["admin", "api", "shop"]. */
export function splitList(text: string): string[] {
  return text.split(/[\s,]+/).filter((s) => s !== '')
}

/** The request the form makes; the origin defaults to https://domain. */
export function toRequest(form: WorkspaceForm) {
  const domain = form.domain.trim()
  return {
    name: form.name.trim(),
    domain,
    canonicalOrigin: form.canonicalOrigin.trim() || defaultOrigin(domain),
    subdomains: splitList(form.subdomains),
  }
}

export function defaultOrigin(domain: string): string {
  return domain ? `https://${domain.trim().toLowerCase()}` : ''
}

/** Checks the form with the workspace file's own schema, per field. */
export function validate(form: WorkspaceForm): FormErrors {
  const request = toRequest(form)
  const errors: FormErrors = {}
  for (const field of FIELDS) {
    const problem = fieldProblem(field, request[field])
    if (problem) errors[field] = problem
  }
  return errors
}

function fieldProblem(field: FormField, value: unknown): string | undefined {
  if (value === '') return `${NAMES[field]} is required.`
  try {
    const parsed = WorkspaceSchema.shape[field].safeParse(value)
    if (parsed.success) return undefined
    const issue = parsed.error.issues[0]!
    return sentence(field, issue.message, issue.path[0])
  } catch {
    // The origin rule reads the value as a URL and throws on one that
    // is not one; the expectation says it better anyway.
    return sentence(field, '')
  }
}

const NAMES: Readonly<Record<FormField, string>> = {
  name: 'The name',
  domain: 'The domain',
  canonicalOrigin: 'The main address',
  subdomains: 'Each subdomain',
}

/** What a field takes, for zod's generic messages ("Invalid URL"). */
const EXPECTED: Readonly<Record<FormField, string>> = {
  name: 'must be 1 to 200 characters',
  domain: 'must be a host name such as acme.com',
  canonicalOrigin: 'must be a full address with no path, e.g. https://acme.com',
  subdomains: 'must be a host name such as admin or admin.acme.com',
}

function sentence(field: FormField, message: string, index?: unknown) {
  const which =
    typeof index === 'number' ? `Subdomain ${index + 1}` : NAMES[field]
  const text = /^must /.test(message) ? message : EXPECTED[field]
  return `${which} ${text}.`
}

/** The field a server error names, so it shows next to that field. */
export function fieldOf(message: string): FormField | undefined {
  return FIELDS.find((f) =>
    new RegExp(`(^|[\\s;:])${f}(\\[\\d+\\])?(:| at line)`).test(message),
  )
}
