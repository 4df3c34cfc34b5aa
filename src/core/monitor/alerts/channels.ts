import { secretRefName, type Workspace } from '../../../shared/workspace'
import { LaunchReadyError } from '../../errors'
import type { Network } from '../../net/network'
import type { Vault } from '../../vault/vault'
import type { AlertChannel } from './channel'
import { emailChannel } from './email'
import { slackChannel } from './slack'
import { trayChannel, type TrayNotifier } from './tray'
import { webhookChannel } from './webhook'

export interface ChannelSetup {
  readonly workspace: Workspace
  readonly net: Network
  readonly vault?: Vault
  /** The shell's notifier; without one (headless) tray channels are left out. */
  readonly tray?: TrayNotifier
  readonly timeoutMs?: number
}

/**
 * The workspace's alert channels, ready to send. Webhook URLs and header
 * values given as `secret:NAME` are read from the vault here; a missing
 * secret is an error naming it, so a channel never silently goes quiet.
 */
export async function channelsFor(
  setup: ChannelSetup,
): Promise<readonly AlertChannel[]> {
  const timeoutMs = setup.timeoutMs ?? 10_000
  const channels: AlertChannel[] = []
  for (const config of setup.workspace.monitoring.alerts) {
    switch (config.kind) {
      case 'tray':
        if (setup.tray) channels.push(trayChannel(config.name, setup.tray))
        break
      case 'slack':
        channels.push(
          slackChannel({
            name: config.name,
            url: await reveal(setup.vault, config.url, config.name),
            timeoutMs,
          }),
        )
        break
      case 'webhook': {
        const headers: Record<string, string> = {}
        for (const [name, value] of Object.entries(config.headers)) {
          headers[name] = await reveal(setup.vault, value, config.name)
        }
        channels.push(
          webhookChannel({
            name: config.name,
            url: await reveal(setup.vault, config.url, config.name),
            headers,
            timeoutMs,
          }),
        )
        break
      }
      case 'email':
        channels.push(emailFor(setup, config.name, config.to, timeoutMs))
        break
    }
  }
  return channels
}

function emailFor(
  setup: ChannelSetup,
  name: string,
  to: readonly string[],
  timeoutMs: number,
): AlertChannel {
  const smtp = setup.workspace.email?.smtp
  if (!smtp) {
    throw new LaunchReadyError(
      `set up the "${name}" alert channel`,
      'email alerts go out through email.smtp, which the workspace does not set',
      name,
    )
  }
  const secret = smtp.password && secretRefName(smtp.password)
  return emailChannel({
    name,
    smtp,
    to,
    domain: setup.workspace.email?.domain ?? setup.workspace.domain,
    password: async () => (secret ? setup.vault?.get(secret) : undefined),
    ca: setup.net.ca,
    address: async (host) =>
      (await setup.net.resolver.addresses(host))[0]?.address,
    timeoutMs,
  })
}

/** A value, or the vault's value for a `secret:NAME` reference. */
async function reveal(
  vault: Vault | undefined,
  value: string,
  channel: string,
): Promise<string> {
  const name = secretRefName(value)
  if (!name) return value
  const secret = await vault?.get(name)
  if (secret === undefined) {
    throw new LaunchReadyError(
      `set up the "${channel}" alert channel`,
      `the keychain has no secret "${name}"; add it under Credentials (or set the LAUNCH_READY_SECRET_ variable headless)`,
      channel,
    )
  }
  return secret
}
