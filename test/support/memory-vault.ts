import type { Vault } from '../../src/core/vault/vault'

/**
 * A vault held in memory, for tests about what the engine does with
 * secret names and values rather than about the keychain itself.
 */
export function memoryVault(entries: Record<string, string> = {}): Vault {
  const values = new Map(Object.entries(entries))
  return {
    async set(name, value) {
      values.set(name, value)
    },
    async get(name) {
      return values.get(name)
    },
    async delete(name) {
      return values.delete(name)
    },
    async list() {
      return [...values.keys()].sort()
    },
  }
}
