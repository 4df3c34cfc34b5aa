import type { Workspace } from '../../shared/workspace'
import { messageOf } from '../errors'
import { silentLogger, type Logger } from '../log'
import type { Network } from '../net/network'
import type { Store } from '../store/store'
import type { Vault } from '../vault/vault'
import {
  downAlert,
  driftAlert,
  recoveredAlert,
  type Alert,
  type AlertFacts,
} from './alerts/alert'
import type { AlertDispatcher } from './alerts/dispatcher'
import type { Clock } from './clock'
import { monitorsFor, type MonitorSpec } from './monitors'
import {
  isOnline,
  probeCertificate,
  probePage,
  readRecords,
  type ProbeResult,
} from './probes'
import { Scheduler, type SchedulerOptions } from './scheduler'
import { probeSyntheticLogin } from './synthetic-login'
import {
  initialStatus,
  transition,
  type Effect,
  type MonitorState,
  type MonitorStatus,
} from './state'

/** Something worth telling the user as it happens. */
export type MonitorEvent =
  | {
      readonly type: 'state'
      readonly monitor: string
      readonly from: MonitorState
      readonly to: MonitorState
      readonly at: number
      readonly reason?: string
    }
  | {
      readonly type: 'drift'
      readonly monitor: string
      readonly record: string
      readonly before: string
      readonly after: string
      readonly at: number
    }

export interface MonitorServiceOptions {
  readonly workspace: Workspace
  /** The workspace as the store names it (its file's path). */
  readonly workspaceId: string
  readonly net: Network
  readonly store: Store
  readonly dispatcher: AlertDispatcher
  readonly clock: Clock
  /** Where the scripted login's password comes from. */
  readonly vault?: Pick<Vault, 'get'>
  /** Where a failed login's screenshot goes; the app's data folder. */
  readonly screenshotDir?: string
  readonly log?: Logger
  readonly onEvent?: (event: MonitorEvent) => void
  /** Passed through to the scheduler (jitter, random, spreads). */
  readonly scheduler?: Omit<SchedulerOptions, 'clock' | 'log'>
}

const PRUNE_JOB = 'retention'

/**
 * The monitors of one workspace, running: the scheduler fires each one,
 * its probe's result goes into the store and through the state machine,
 * and the machine's effects (re-check, alert, incident) are carried out
 * here. State survives a restart through the store.
 */
export class MonitorService {
  readonly monitors: readonly MonitorSpec[]
  readonly #o: MonitorServiceOptions
  readonly #log: Logger
  readonly #scheduler: Scheduler
  readonly #status = new Map<string, MonitorStatus>()

  constructor(options: MonitorServiceOptions) {
    this.#o = options
    this.#log = options.log ?? silentLogger
    this.monitors = monitorsFor(options.workspace)
    this.#scheduler = new Scheduler({
      ...options.scheduler,
      clock: options.clock,
      log: this.#log.child('scheduler'),
    })
    for (const spec of this.monitors) {
      this.#status.set(spec.id, this.#loadStatus(spec.id))
      this.#scheduler.add({
        id: spec.id,
        intervalMs: spec.intervalMs,
        run: (signal) => this.runOnce(spec, signal),
      })
    }
    this.#scheduler.add({
      id: PRUNE_JOB,
      intervalMs: 86_400_000,
      run: async () => {
        this.#o.store.monitor.prune(
          this.#o.workspace.monitoring.retention,
          this.#o.clock.now(),
        )
      },
    })
  }

  /** The current status of each monitor. */
  status(): ReadonlyMap<string, MonitorStatus> {
    return this.#status
  }

  start(): void {
    this.#scheduler.start()
    void this.#o.dispatcher.drain()
  }

  /** Stops the monitors and the alert retries, awaiting runs in flight. */
  async stop(): Promise<void> {
    await this.#scheduler.stop()
    await this.#o.dispatcher.stop()
  }

  /** Runs one monitor once, as the scheduler does. */
  async runOnce(spec: MonitorSpec, signal: AbortSignal): Promise<void> {
    if (spec.kind === 'records') return this.#checkRecords(spec)
    const result = await this.#probe(spec, signal)
    // A probe cut short by stop() saw nothing about the site.
    if (signal.aborted) return
    const at = this.#o.clock.now()
    this.#o.store.monitor.recordSample(this.#o.workspaceId, {
      monitor: spec.id,
      at,
      ok: result.ok,
      status: result.status,
      durationMs: result.durationMs,
      error: result.reason,
    })
    const online = result.ok
      ? true
      : await isOnline(
          this.#o.net,
          this.#o.workspace.monitoring.referenceUrls,
          signal,
        )
    if (signal.aborted) return
    const before = this.#status.get(spec.id) ?? initialStatus(at)
    const next = transition(
      before,
      result.ok
        ? { ok: true, at }
        : { ok: false, at, reason: result.reason ?? 'It failed.', online },
    )
    this.#status.set(spec.id, next.status)
    this.#saveStatus(spec.id, next.status)
    if (next.status.state !== before.state) {
      this.#o.onEvent?.({
        type: 'state',
        monitor: spec.id,
        from: before.state,
        to: next.status.state,
        at,
        reason: next.status.state === 'up' ? undefined : next.status.reason,
      })
    }
    for (const effect of next.effects) {
      await this.#apply(effect, spec, before, next.status, at)
    }
  }

  #probe(spec: MonitorSpec, signal: AbortSignal): Promise<ProbeResult> {
    const { net, workspace, clock } = this.#o
    switch (spec.kind) {
      case 'uptime':
        return probePage(
          net,
          spec.target,
          workspace.monitoring.uptime.timeoutSeconds * 1000,
          signal,
        )
      case 'tls':
        return probeCertificate(net, spec.target, clock.now(), signal)
      case 'synthetic-login':
        return probeSyntheticLogin(workspace, net, signal, {
          vault: this.#o.vault,
          screenshotDir: this.#o.screenshotDir,
        })
      case 'records':
        throw new Error('records monitors have no probe')
    }
  }

  async #apply(
    effect: Effect,
    spec: MonitorSpec,
    before: MonitorStatus,
    now: MonitorStatus,
    at: number,
  ): Promise<void> {
    const { store, workspaceId } = this.#o
    switch (effect) {
      case 'recheck':
        this.#scheduler.runSoon(
          spec.id,
          this.#o.workspace.monitoring.confirmAfterSeconds * 1000,
        )
        return
      case 'alert-down': {
        const since = now.failingSince ?? at
        store.monitor.openIncident(
          workspaceId,
          spec.id,
          since,
          now.reason ?? '',
        )
        this.#raise(
          downAlert(this.#facts(spec, at), now.reason ?? 'It failed.', since),
        )
        return
      }
      case 'alert-recovered': {
        store.monitor.closeIncidents(workspaceId, spec.id, at)
        const since = before.failingSince ?? before.since
        this.#raise(recoveredAlert(this.#facts(spec, at), since))
        return
      }
      case 'report-offline':
        this.#log.warn('This machine is offline; not judging the site', {
          monitor: spec.id,
        })
        return
      case 'report-online':
        this.#log.info('Back online', { monitor: spec.id })
        return
    }
  }

  async #checkRecords(spec: MonitorSpec): Promise<void> {
    const { store, workspaceId, net, workspace, clock } = this.#o
    const records = await readRecords(net, workspace)
    const at = clock.now()
    for (const [record, value] of records) {
      const drift = store.monitor.observeRecord(
        workspaceId,
        spec.id,
        record,
        value,
        at,
      )
      if (!drift) continue
      this.#o.onEvent?.({
        type: 'drift',
        monitor: spec.id,
        record,
        before: drift.before,
        after: drift.after,
        at,
      })
      this.#raise(
        driftAlert(this.#facts(spec, at), record, drift.before, drift.after),
      )
    }
  }

  /**
   * Queues an alert (persisted at once) and lets delivery go on in the
   * background, so a slow channel never holds up the monitors.
   */
  #raise(alert: Alert): void {
    this.#o.dispatcher.raise(alert).catch((error: unknown) =>
      this.#log.error('Alert delivery stopped', {
        alert: alert.key,
        error: messageOf(error),
      }),
    )
  }

  #facts(spec: MonitorSpec, at: number): AlertFacts {
    const base = {
      site: this.#o.workspace.name,
      monitor: spec.id,
      target: spec.target,
      owner: this.#o.workspace.monitoring.owner,
      at,
    }
    if (spec.kind === 'synthetic-login') {
      return {
        ...base,
        titles: {
          down: `Signing in to the admin of ${base.site} fails`,
          recovered: `Signing in to the admin of ${base.site} works again`,
        },
        firstStep:
          'Sign in yourself; the failed step and a screenshot are in the ' +
          'monitor history.',
      }
    }
    if (spec.kind !== 'tls') return base
    return {
      ...base,
      titles: {
        down: `The certificate of ${spec.target} needs attention`,
        recovered: `The certificate of ${spec.target} is fine again`,
      },
      firstStep:
        'Renew the certificate now (or check why automatic renewal failed) ' +
        'and confirm the server sends the new one.',
    }
  }

  #loadStatus(id: string): MonitorStatus {
    const stored = this.#o.store.monitor.state(this.#o.workspaceId, id)
    if (!stored) return initialStatus(this.#o.clock.now())
    try {
      const detail = JSON.parse(stored.detail) as Partial<MonitorStatus>
      return {
        ...detail,
        state: stored.state as MonitorState,
        since: stored.since,
      }
    } catch (error) {
      this.#log.warn('A stored monitor state was unreadable', {
        monitor: id,
        error: messageOf(error),
      })
      return initialStatus(this.#o.clock.now())
    }
  }

  #saveStatus(id: string, status: MonitorStatus): void {
    this.#o.store.monitor.saveState(this.#o.workspaceId, id, {
      state: status.state,
      since: status.since,
      detail: JSON.stringify({
        failingSince: status.failingSince,
        reason: status.reason,
      }),
    })
  }
}
