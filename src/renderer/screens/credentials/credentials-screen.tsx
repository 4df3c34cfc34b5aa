import { useEffect } from 'react'
import { Notice } from '../../components/messages'
import { useCredentialsStore } from '../../stores/credentials'
import { SecretForm } from './secret-form'
import { SecretList } from './secret-list'

/** Passwords and keys the checks need, kept in the OS keychain. */
export function CredentialsScreen() {
  const load = useCredentialsStore((s) => s.load)
  const notice = useCredentialsStore((s) => s.notice)
  useEffect(() => void load(), [load])
  return (
    <div className="credentials">
      <div className="page-heading">
        <div>
          <h1>Credentials</h1>
          <p className="lead">
            Some checks need a password or an API key, such as the email account
            that sends password-reset mail. Save them here under a name; the
            workspace file refers to that name, never to the value.
          </p>
        </div>
      </div>
      <p className="callout">
        Values are kept in your computer’s keychain ({keychainName()}) and are
        never shown again, not even here. To change one, save a new value under
        the same name.
      </p>
      <Notice>{notice}</Notice>
      <SecretList />
      <SecretForm />
    </div>
  )
}

function keychainName(): string {
  const platform = navigator.userAgent
  if (/Mac/.test(platform)) return 'macOS Keychain'
  if (/Windows/.test(platform)) return 'Windows Credential Manager'
  return 'the Secret Service, e.g. GNOME Keyring'
}
