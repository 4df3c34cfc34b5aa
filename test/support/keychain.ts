import { randomBytes } from 'node:crypto'
import { keychainVault, type Vault } from '../../src/core/vault/vault'

/**
 * A vault on the real keychain under a service name of its own, so tests
 * never touch the user's Launch Ready entries; `clear()` removes what the
 * test stored.
 */
export function testVault(): Vault & {
  readonly service: string
  clear(): Promise<void>
} {
  const service = `launch-ready-test-${randomBytes(4).toString('hex')}`
  const vault = keychainVault(service)
  return {
    ...vault,
    service,
    async clear() {
      for (const name of await vault.list()) await vault.delete(name)
    },
  }
}
