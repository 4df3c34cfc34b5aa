import type { MonitoringView } from '../../shared/monitoring'
import type { Workspace } from '../../shared/workspace'
import type { Store } from '../store/store'
import { monitorsFor } from './monitors'
import type { MonitorStatus } from './state'

const DAY = 86_400_000

/**
 * The dashboard from the store: each monitor's state, uptime and
 * response times, the day's trend, a month of incidents and drift, the
 * day's deploy markers and each channel's last delivery. All of it is
 * read from rollups, so it stays fast with a year of samples.
 */
export function monitoringDashboard(options: {
  readonly workspace: Workspace
  readonly workspaceFile: string
  readonly store: Store
  readonly now: number
  /** The live status, while this process runs the monitors. */
  readonly live?: ReadonlyMap<string, MonitorStatus>
}): MonitoringView {
  const { store, workspaceFile: ws, now } = options
  const history = store.monitor
  const monitors = monitorsFor(options.workspace).map((spec) => {
    const status =
      options.live?.get(spec.id) ?? storedStatus(history.state(ws, spec.id))
    const summary = history.summary(ws, spec.id, now)
    return {
      id: spec.id,
      kind: spec.kind,
      target: spec.target,
      ...(status
        ? { state: status.state, since: status.since, reason: status.reason }
        : {}),
      uptime: summary.uptime,
      p50: summary.p50,
      p95: summary.p95,
    }
  })
  const deliveries = store.alerts.list(ws)
  return {
    running: options.live !== undefined,
    monitors,
    trends: monitors
      .filter((m) => m.kind === 'uptime')
      .map((m) => ({
        monitor: m.id,
        points: history
          .trend(ws, m.id, DAY, now)
          .points.map(({ start, p50, p95 }) => ({ start, p50, p95 })),
      })),
    incidents: [...history.incidents(ws, now - 30 * DAY, now)].reverse(),
    drift: history.driftEvents(ws, now - 30 * DAY),
    deploys: history.deployMarkers(ws, now - DAY),
    channels: options.workspace.monitoring.alerts.map((c) => {
      const delivered = deliveries.find(
        (d) => d.channel === c.name && d.state === 'delivered',
      )
      return {
        name: c.name,
        kind: c.kind,
        ...(delivered?.deliveredAt
          ? { deliveredAt: delivered.deliveredAt }
          : {}),
      }
    }),
  }
}

function storedStatus(
  stored: { state: string; since: number } | undefined,
): MonitorStatus | undefined {
  if (!stored) return undefined
  return { state: stored.state as MonitorStatus['state'], since: stored.since }
}
