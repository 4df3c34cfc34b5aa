import { afterEach, describe, expect, it } from 'vitest'
import { VaultError } from '../../../src/core/errors'
import {
  secretEnvName,
  withEnvironmentSecrets,
} from '../../../src/core/vault/vault'
import { testVault } from '../../support/keychain'

const vault = testVault()
afterEach(() => vault.clear())

describe('keychainVault (the real Secret Service)', () => {
  it('stores, reads, lists and deletes by name', async () => {
    await vault.set('smtp-password', 'correct horse')
    await vault.set('stripe-key', 'sk_test_123')
    expect(await vault.get('smtp-password')).toBe('correct horse')
    expect(await vault.list()).toEqual(['smtp-password', 'stripe-key'])
    expect(await vault.delete('smtp-password')).toBe(true)
    expect(await vault.get('smtp-password')).toBeUndefined()
    expect(await vault.list()).toEqual(['stripe-key'])
  })

  it('replaces a value stored under the same name', async () => {
    await vault.set('stripe-key', 'old')
    await vault.set('stripe-key', 'new')
    expect(await vault.get('stripe-key')).toBe('new')
    expect(await vault.list()).toEqual(['stripe-key'])
  })

  it('says false when deleting a name that is not there', async () => {
    expect(await vault.delete('never-stored')).toBe(false)
  })

  it.each(['', 'UPPER', '../escape', 'a'.repeat(65), 'space name'])(
    'refuses the name %j before touching the keychain',
    async (name) => {
      await expect(vault.set(name, 'x')).rejects.toThrow(/names are 1–64/)
    },
  )

  it('refuses an empty value', async () => {
    await expect(vault.set('stripe-key', '')).rejects.toBeInstanceOf(VaultError)
  })

  it('keeps names apart between services', async () => {
    const other = testVault()
    await vault.set('shared-name', 'mine')
    expect(await other.get('shared-name')).toBeUndefined()
  })
})

describe('withEnvironmentSecrets', () => {
  it('maps names to LAUNCH_READY_SECRET_ variables', () => {
    expect(secretEnvName('smtp-password')).toBe(
      'LAUNCH_READY_SECRET_SMTP_PASSWORD',
    )
    expect(secretEnvName('a.b_c')).toBe('LAUNCH_READY_SECRET_A_B_C')
  })

  it('prefers the environment, then falls back to the keychain', async () => {
    await vault.set('stripe-key', 'from-keychain')
    await vault.set('smtp-password', 'keychain-smtp')
    const env = { LAUNCH_READY_SECRET_STRIPE_KEY: 'from-env' }
    const headless = withEnvironmentSecrets(vault, env)
    expect(await headless.get('stripe-key')).toBe('from-env')
    expect(await headless.get('smtp-password')).toBe('keychain-smtp')
    expect(await headless.list()).toEqual(['smtp-password', 'stripe-key'])
  })

  it('works with no keychain at all, and says how to supply one', async () => {
    const headless = withEnvironmentSecrets(undefined, {
      LAUNCH_READY_SECRET_SMTP_PASSWORD: 'p',
    })
    expect(await headless.get('smtp-password')).toBe('p')
    expect(await headless.get('other')).toBeUndefined()
    await expect(headless.set('other', 'x')).rejects.toThrow(
      /set LAUNCH_READY_SECRET_OTHER instead/,
    )
  })
})
