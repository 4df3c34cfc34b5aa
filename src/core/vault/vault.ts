import { Entry, findCredentials } from '@napi-rs/keyring'
import { SECRET_NAME } from '../../shared/workspace'
import { LaunchReadyError, messageOf, VaultError } from '../errors'

/**
 * Where secret values live. Values go in and come out only inside the
 * main process (or the CLI); they are never logged, stored elsewhere or
 * sent to the renderer — listing gives names only.
 */
export interface Vault {
  set(name: string, value: string): Promise<void>
  /** The value, or undefined when there is none. */
  get(name: string): Promise<string | undefined>
  /** True when something was deleted. */
  delete(name: string): Promise<boolean>
  list(): Promise<readonly string[]>
}

/** The prefix of the environment variables that stand in headless. */
export const SECRET_ENV_PREFIX = 'LAUNCH_READY_SECRET_'

/** `smtp-password` → `LAUNCH_READY_SECRET_SMTP_PASSWORD`. */
export function secretEnvName(name: string): string {
  return SECRET_ENV_PREFIX + name.toUpperCase().replace(/[^A-Z0-9]/g, '_')
}

/** Throws unless `name` is a valid secret name. */
export function assertSecretName(name: string): void {
  if (!SECRET_NAME.test(name)) {
    throw new LaunchReadyError(
      'use that secret name',
      'names are 1–64 lowercase letters, digits, ".", "_" or "-", starting with a letter or digit',
      JSON.stringify(name.slice(0, 80)),
    )
  }
}

/**
 * The OS keychain (macOS Keychain, Windows Credential Manager, the Linux
 * Secret Service) through @napi-rs/keyring, one entry per name under
 * `service`.
 */
export function keychainVault(service = 'launch-ready'): Vault {
  const entry = (name: string) => {
    assertSecretName(name)
    return new Entry(service, name)
  }
  const guard = <T>(action: string, name: string, fn: () => T): T => {
    try {
      return fn()
    } catch (error) {
      if (error instanceof LaunchReadyError) throw error
      throw new VaultError(action, keychainReason(error), name, {
        cause: error,
      })
    }
  }
  return {
    async set(name, value) {
      if (value.length === 0) {
        throw new VaultError('store the secret', 'the value is empty', name)
      }
      guard('store the secret in the keychain', name, () =>
        entry(name).setPassword(value),
      )
    },
    async get(name) {
      return guard(
        'read the secret from the keychain',
        name,
        () => entry(name).getPassword() ?? undefined,
      )
    },
    async delete(name) {
      return guard('delete the secret from the keychain', name, () =>
        entry(name).deletePassword(),
      )
    },
    async list() {
      return guard('list the keychain', service, () =>
        findCredentials(service)
          .map((c) => c.account)
          .sort(),
      )
    },
  }
}

function keychainReason(error: unknown): string {
  const text = messageOf(error).split('\n')[0] ?? ''
  if (/no result found|not available|dbus|platform storage/i.test(text)) {
    return `the system keychain is not available (${text.replace(/^Couldn't access platform storage: /, '')})`
  }
  return text
}

/**
 * Reads `LAUNCH_READY_SECRET_<NAME>` first and falls back to `inner`, so
 * CI and other headless runs can supply secrets without a keychain.
 * Writes always go to `inner`.
 */
export function withEnvironmentSecrets(
  inner: Vault | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Vault {
  const fromEnv = (name: string) => env[secretEnvName(name)]
  const needInner = (action: string, name: string): Vault => {
    if (!inner) {
      throw new VaultError(
        action,
        'no keychain is available here; set ' +
          secretEnvName(name) +
          ' instead',
        name,
      )
    }
    return inner
  }
  return {
    set: async (name, value) =>
      needInner('store the secret', name).set(name, value),
    delete: async (name) => needInner('delete the secret', name).delete(name),
    async get(name) {
      assertSecretName(name)
      return fromEnv(name) ?? (inner ? inner.get(name) : undefined)
    },
    async list() {
      const names = Object.keys(env)
        .filter((k) => k.startsWith(SECRET_ENV_PREFIX))
        .map((k) =>
          k.slice(SECRET_ENV_PREFIX.length).toLowerCase().replace(/_/g, '-'),
        )
      const stored = inner ? await inner.list() : []
      return [...new Set([...stored, ...names])].sort()
    },
  }
}
