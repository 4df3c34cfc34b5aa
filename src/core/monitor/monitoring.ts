import type { Workspace } from '../../shared/workspace'
import { silentLogger, type Logger } from '../log'
import { createNetwork, type Network } from '../net/network'
import type { Store } from '../store/store'
import type { Vault } from '../vault/vault'
import type { AlertChannel } from './alerts/channel'
import { channelsFor } from './alerts/channels'
import { AlertDispatcher, type TestDelivery } from './alerts/dispatcher'
import type { TrayNotifier } from './alerts/tray'
import { systemClock, type Clock } from './clock'
import { MonitorService, type MonitorEvent } from './service'

export interface MonitoringOptions {
  readonly workspace: Workspace
  /** The workspace file's path: it anchors the network settings and names the workspace in the store. */
  readonly workspaceFile: string
  readonly store: Store
  readonly vault?: Vault
  /** The shell's notifications; absent headless. */
  readonly tray?: TrayNotifier
  readonly net?: Network
  readonly clock?: Clock
  readonly log?: Logger
  readonly onEvent?: (event: MonitorEvent) => void
}

/** A workspace's monitoring, wired: monitors, channels and alert queue. */
export interface Monitoring {
  readonly service: MonitorService
  readonly channels: readonly AlertChannel[]
  /** Sends a test alert through one channel ("send test alert"). */
  sendTest(channel: string): Promise<TestDelivery>
  start(): void
  /** Stops monitors and retries, awaiting what is in flight. */
  stop(): Promise<void>
}

/**
 * Builds the monitoring of one workspace the same way for the app's
 * main process and the CLI: its network, its alert channels (secrets
 * from the vault), the persisted alert queue and the monitors.
 */
export async function createMonitoring(
  options: MonitoringOptions,
): Promise<Monitoring> {
  const { workspace, workspaceFile, store } = options
  const clock = options.clock ?? systemClock
  const log = options.log ?? silentLogger
  const net = options.net ?? (await createNetwork(workspace, workspaceFile))
  const channels = await channelsFor({
    workspace,
    net,
    vault: options.vault,
    tray: options.tray,
  })
  const dispatcher = new AlertDispatcher({
    queue: store.alerts,
    workspace: workspaceFile,
    channels,
    clock,
    log: log.child('alerts'),
  })
  const service = new MonitorService({
    workspace,
    workspaceId: workspaceFile,
    net,
    store,
    dispatcher,
    clock,
    vault: options.vault,
    log: log.child('monitor'),
    onEvent: options.onEvent,
  })
  return {
    service,
    channels,
    sendTest: (channel) =>
      dispatcher.sendTest(channel, workspace.name, workspace.monitoring.owner),
    start: () => service.start(),
    stop: () => service.stop(),
  }
}
