import { describe, expect, it } from 'vitest'
import { withEnvironmentSecrets } from '../../../src/core/vault/vault'
import {
  secretReferences,
  secretsNeeded,
} from '../../../src/core/workspace/secret-refs'
import { WorkspaceSchema } from '../../../src/shared/workspace'
import { memoryVault } from '../../support/memory-vault'

const workspace = WorkspaceSchema.parse({
  version: 1,
  name: 'Acme',
  domain: 'acme.test',
  canonicalOrigin: 'https://www.acme.test',
  endpoints: [
    {
      name: 'orders',
      url: 'https://admin.acme.test/api/orders',
      headers: { Authorization: 'secret:admin-token' },
    },
  ],
  email: {
    smtp: { host: 'smtp.acme.test', password: 'secret:smtp-password' },
  },
  monitoring: {
    alerts: [
      { kind: 'slack', url: 'secret:slack-webhook' },
      {
        kind: 'webhook',
        url: 'https://hooks.acme.test/alert',
        headers: { 'X-Token': 'secret:admin-token' },
      },
    ],
  },
})

describe('secretReferences', () => {
  it('lists each secret once with every field that uses it', () => {
    expect(secretReferences(workspace)).toEqual([
      {
        name: 'admin-token',
        usedIn: [
          'endpoints[0].headers.Authorization',
          'monitoring.alerts[1].headers.X-Token',
        ],
      },
      { name: 'slack-webhook', usedIn: ['monitoring.alerts[0].url'] },
      { name: 'smtp-password', usedIn: ['email.smtp.password'] },
    ])
  })

  it('finds nothing in a workspace without references', () => {
    const plain = WorkspaceSchema.parse({
      version: 1,
      name: 'Plain',
      domain: 'plain.test',
      canonicalOrigin: 'https://plain.test',
    })
    expect(secretReferences(plain)).toEqual([])
  })
})

describe('secretsNeeded', () => {
  it('says which secrets the vault already holds, from names alone', async () => {
    const inner = memoryVault({ 'smtp-password': 'canary-smtp-value' })
    const vault = withEnvironmentSecrets(inner, {
      LAUNCH_READY_SECRET_SLACK_WEBHOOK: 'canary-slack-value',
    })
    let gets = 0
    const counting = { ...vault, get: () => (gets++, vault.get('x')) }
    const needed = await secretsNeeded(workspace, counting)
    expect(needed.map((s) => [s.name, s.stored])).toEqual([
      ['admin-token', false],
      ['slack-webhook', true],
      ['smtp-password', true],
    ])
    expect(gets).toBe(0)
    expect(JSON.stringify(needed)).not.toMatch(/canary/)
  })
})
