import { useState, type ChangeEvent, type FormEvent } from 'react'
import {
  fieldOf,
  toRequest,
  validate,
  type FormErrors,
  type FormField,
  type WorkspaceForm,
} from '../../lib/new-workspace'
import { useWorkspaceStore } from '../../stores/workspace'

const EMPTY: WorkspaceForm = {
  name: '',
  domain: '',
  canonicalOrigin: '',
  subdomains: '',
}

/**
 * The new-workspace form's state: values, errors found here, and the
 * error main returned, shown next to the field it names when it names one.
 */
export function useCreateForm() {
  const [form, setForm] = useState(EMPTY)
  const [errors, setErrors] = useState<FormErrors>({})
  const create = useWorkspaceStore((s) => s.create)
  const failure = useWorkspaceStore((s) => s.failure)
  const serverError = failure?.where === 'create' ? failure.message : ''
  const serverField = fieldOf(serverError)
  const bind = (field: FormField) => ({
    value: form[field],
    error: errors[field] ?? (serverField === field ? serverError : undefined),
    onChange: (e: ChangeEvent<HTMLInputElement>) =>
      setForm({ ...form, [field]: e.target.value }),
  })
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    const found = validate(form)
    setErrors(found)
    if (Object.keys(found).length === 0) await create(toRequest(form))
  }
  const formError = serverField ? '' : serverError
  return { domain: form.domain, bind, submit, formError }
}
