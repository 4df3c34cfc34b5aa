import { useRef, useState, type FormEvent } from 'react'
import { SECRET_NAME } from '../../../shared/workspace'
import { useCredentialsStore } from '../../stores/credentials'

interface Problems {
  readonly name?: string
  readonly value?: string
}

/**
 * The credential form's state. The value input is uncontrolled: its text
 * is read once on submit, handed to main and cleared; no state, store or
 * prop ever holds it.
 */
export function useSecretForm(initialName: string) {
  const [name, setName] = useState(initialName)
  const [problems, setProblems] = useState<Problems>({})
  const valueInput = useRef<HTMLInputElement>(null)
  const save = useCredentialsStore((s) => s.save)
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    const input = valueInput.current!
    const found = checkInput(name, input.value)
    setProblems(found)
    if (found.name || found.value) return
    if (await save(name, input.value)) {
      input.value = ''
      setName('')
    }
  }
  return { name, setName, problems, valueInput, submit }
}

function checkInput(name: string, value: string): Problems {
  return {
    name: SECRET_NAME.test(name)
      ? undefined
      : 'Use 1–64 lowercase letters, digits, “.”, “_” or “-”, starting with a letter or digit.',
    value: value.length > 0 ? undefined : 'Type the value to store.',
  }
}
