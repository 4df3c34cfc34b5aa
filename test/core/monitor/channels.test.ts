import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { testAlert } from '../../../src/core/monitor/alerts/alert'
import { channelsFor } from '../../../src/core/monitor/alerts/channels'
import { createNetwork } from '../../../src/core/net/network'
import { withEnvironmentSecrets } from '../../../src/core/vault/vault'
import {
  WorkspaceSchema,
  type WorkspaceInput,
} from '../../../src/shared/workspace'
import { startWebhookReceiver, type WebhookReceiver } from '../../world/webhook'

let receiver: WebhookReceiver
beforeEach(async () => {
  receiver = await startWebhookReceiver()
})
afterEach(() => receiver.stop())

const workspace = (monitoring: WorkspaceInput['monitoring']) =>
  WorkspaceSchema.parse({
    version: 1,
    name: 'Acme',
    domain: 'acme.test',
    canonicalOrigin: 'https://www.acme.test',
    monitoring,
  } satisfies WorkspaceInput)

async function channels(
  monitoring: WorkspaceInput['monitoring'],
  env: NodeJS.ProcessEnv = {},
  tray?: Parameters<typeof channelsFor>[0]['tray'],
) {
  const ws = workspace(monitoring)
  return channelsFor({
    workspace: ws,
    net: await createNetwork(ws, undefined),
    vault: withEnvironmentSecrets(undefined, env),
    tray,
  })
}

describe('channelsFor', () => {
  it('reads a webhook address and header kept in the keychain', async () => {
    const [hook] = await channels(
      {
        alerts: [
          {
            kind: 'webhook',
            url: 'secret:hook-url',
            headers: { authorization: 'secret:hook-token' },
          },
        ],
      },
      {
        LAUNCH_READY_SECRET_HOOK_URL: `${receiver.origin}/in`,
        LAUNCH_READY_SECRET_HOOK_TOKEN: 'Bearer t0ken',
      },
    )
    await hook!.send(
      testAlert('Acme', 'webhook', undefined, 0),
      AbortSignal.timeout(5000),
    )
    expect(receiver.received()).toEqual([
      expect.objectContaining({ path: '/in', answer: 'ok' }),
    ])
  })

  it('names the secret a channel is missing', async () => {
    await expect(
      channels({ alerts: [{ kind: 'slack', url: 'secret:slack-hook' }] }),
    ).rejects.toThrow(
      /Could not set up the "slack" alert channel: the keychain has no secret "slack-hook"/,
    )
  })

  it('refuses email alerts without an SMTP account', async () => {
    await expect(
      channels({ alerts: [{ kind: 'email', to: ['ops@acme.test'] }] }),
    ).rejects.toThrow(/email\.smtp, which the workspace does not set/)
  })

  it('includes the tray only where the shell offers notifications', async () => {
    const tray = { kind: 'tray' as const }
    expect(await channels({ alerts: [tray] })).toEqual([])
    const shown: string[] = []
    const [channel] = await channels(
      { alerts: [tray] },
      {},
      {
        notify: (n) => void shown.push(`${n.title} → ${n.monitor}`),
      },
    )
    await channel!.send(
      testAlert('Acme', 'tray', 'Sam', 0),
      AbortSignal.timeout(1000),
    )
    expect(shown).toEqual(['Test alert from Launch Ready (tray) → test'])
  })

  it('refuses two channels with one name', () => {
    expect(() =>
      workspace({
        alerts: [
          { kind: 'slack', url: 'https://hooks.slack.com/services/a' },
          { kind: 'slack', url: 'https://hooks.slack.com/services/b' },
        ],
      }),
    ).toThrow(/alert channel names must be unique/)
  })
})
