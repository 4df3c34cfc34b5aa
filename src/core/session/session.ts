import { join } from 'node:path'
import { checkInfo } from '../../shared/catalogue'
import { isProblem, type Finding } from '../../shared/finding'
import type { HandoverItem } from '../../shared/handover'
import type {
  ChangedTarget,
  HistoryView,
  ProgressEvent,
  RunChanges,
  RunView,
  SecretView,
  WorkspaceView,
} from '../../shared/ipc'
import type { MonitoringView } from '../../shared/monitoring'
import { scannedSecrets } from '../../shared/secret-evidence'
import { localTimeZone } from '../../shared/time'
import {
  WORKSPACE_VERSION,
  type ChecklistItem,
  type WorkspaceInput,
} from '../../shared/workspace'
import { CHECKS, selectChecks } from '../checks/registry'
import { repoDirectory } from '../env/repo'
import { LaunchReadyError } from '../errors'
import { checklistEdit, handoverChecklist } from '../handover/checklist'
import type { TestDelivery } from '../monitor/alerts/dispatcher'
import type { TrayNotifier } from '../monitor/alerts/tray'
import { monitoringDashboard } from '../monitor/dashboard'
import { createMonitoring, type Monitoring } from '../monitor/monitoring'
import type { MonitorEvent } from '../monitor/service'
import { silentLogger, type Logger } from '../log'
import { createNetwork } from '../net/network'
import { renderHandover } from '../report/handover-sources'
import { newFailures } from '../runner/regressions'
import { runAudit, type AuditResult } from '../runner/run-checks'
import { acceptFinding } from '../secrets/baseline'
import { auditView, type AuditView } from '../store/audit-view'
import type { Store } from '../store/store'
import type { Vault } from '../vault/vault'
import { loadWorkspace, type LoadedWorkspace } from '../workspace/load'
import { createWorkspace, updateWorkspace } from '../workspace/save'
import { secretReferences } from '../workspace/secret-refs'
import { secretLikeValue } from '../workspace/secret-values'
import type { RecentFiles } from './recent'

export interface SessionOptions {
  readonly store: Store
  readonly vault: Vault
  readonly recent: RecentFiles
  readonly log?: Logger
  readonly now?: () => Date
  /** Audit progress, for the window. */
  readonly onProgress?: (event: ProgressEvent) => void
  /**
   * A finished audit, with the findings that passed last time and fail
   * now: the tray and the notifications hang off this.
   */
  readonly onAudit?: (run: RunView, regressions: readonly Finding[]) => void
  /** The shell's desktop notifications, for the tray alert channel. */
  readonly tray?: TrayNotifier
  /** A monitor changed state or saw a record drift. */
  readonly onMonitorEvent?: (event: MonitorEvent) => void
  /** Per-check timeout and whole-audit deadline, in ms. */
  readonly checkTimeoutMs?: number
  readonly deadlineMs?: number
}

/** The short form the Welcome screen fills in. */
export interface NewWorkspaceForm {
  readonly name: string
  readonly domain: string
  readonly canonicalOrigin: string
  readonly subdomains: readonly string[]
}

/**
 * What the app is doing for its user: the open workspace, the audit in
 * progress, history and credentials. Electron-free, so the app, the e2e
 * bridge and the tests drive the very same code.
 */
export class Session {
  readonly #options: SessionOptions
  readonly #log: Logger
  #workspace: LoadedWorkspace | undefined
  #audit: AbortController | undefined
  #monitoring: Monitoring | undefined

  constructor(options: SessionOptions) {
    this.#options = options
    this.#log = (options.log ?? silentLogger).child('session')
  }

  get workspace(): LoadedWorkspace | undefined {
    return this.#workspace
  }

  async open(path: string): Promise<WorkspaceView> {
    const loaded = await loadWorkspace(path)
    await this.stopMonitoring()
    this.#workspace = loaded
    await this.#options.recent.add(loaded.file)
    this.#log.info('opened workspace', { file: loaded.file })
    return toView(loaded)
  }

  async create(path: string, form: NewWorkspaceForm): Promise<WorkspaceView> {
    const input: WorkspaceInput = {
      version: WORKSPACE_VERSION,
      name: form.name,
      domain: form.domain,
      canonicalOrigin: form.canonicalOrigin,
      subdomains: [...form.subdomains],
    }
    const loaded = await createWorkspace(path, input)
    await this.stopMonitoring()
    this.#workspace = loaded
    await this.#options.recent.add(loaded.file)
    return toView(loaded)
  }

  current(): WorkspaceView | null {
    return this.#workspace ? toView(this.#workspace) : null
  }

  recent(): readonly string[] {
    return this.#options.recent.list()
  }

  get auditRunning(): boolean {
    return this.#audit !== undefined
  }

  /** Runs the audit of the open workspace and stores it. */
  async runAudit(only?: readonly string[]): Promise<RunView> {
    const loaded = this.#requireWorkspace('run the audit')
    if (this.#audit) {
      throw new LaunchReadyError(
        'start the audit',
        'an audit is already running',
      )
    }
    const { checks, unknown } = selectChecks(only)
    if (unknown.length > 0) {
      throw new LaunchReadyError(
        'start the audit',
        `unknown check ${unknown.join(', ')}`,
      )
    }
    const controller = new AbortController()
    this.#audit = controller
    try {
      const net = await createNetwork(loaded.workspace, loaded.file)
      const result = await runAudit({
        workspace: loaded.workspace,
        workspaceFile: loaded.file,
        net,
        checks,
        signal: controller.signal,
        now: this.#options.now,
        log: this.#log,
        vault: this.#options.vault,
        alertLog: this.#options.store.alerts,
        checkTimeoutMs: this.#options.checkTimeoutMs,
        deadlineMs: this.#options.deadlineMs,
        onProgress: this.#options.onProgress,
      })
      const partial =
        only && only.length > 0 ? checks.map((c) => c.info.id) : undefined
      return this.#record(loaded.file, result, partial)
    } finally {
      this.#audit = undefined
    }
  }

  /** Stops the running audit; false when none was running. */
  cancelAudit(): boolean {
    if (!this.#audit) return false
    this.#audit.abort()
    return true
  }

  /**
   * The last full audit, with the results of any partial runs since (a
   * test send, a re-check) laid over it: what the Audit screen shows,
   * with what changed since the view before the latest run.
   */
  lastRun(): RunView | null {
    if (!this.#workspace) return null
    const store = this.#options.store
    const file = this.#workspace.file
    const latest = auditView(store, file)
    if (!latest) return null
    const { workspace: _file, checks: _checks, ...meta } = latest.base
    const view: RunView = { ...meta, findings: latest.findings }
    const previous = auditView(store, file, latest.latest.id)
    if (!previous) return view
    return { ...view, changes: changesBetween(previous, view) }
  }

  /**
   * Accepts one secret finding of the last scan into the repository's
   * baseline, with the team's reason. The finding is looked up by its
   * fingerprint among the stored results, so the baseline gets what the
   * scan reported (rule, file) and never a value.
   */
  async acceptSecretFinding(
    fingerprint: string,
    reason: string,
  ): Promise<void> {
    const action = 'accept the secret finding'
    const loaded = this.#requireWorkspace(action)
    const { repo, secrets } = loaded.workspace
    if (!repo) {
      throw new LaunchReadyError(
        action,
        'the workspace names no repository (repo.path) to keep a baseline in',
      )
    }
    const found = (this.lastRun()?.findings ?? [])
      .filter((f) => f.check.startsWith('secrets.'))
      .flatMap((f) => scannedSecrets(f.evidence))
      .find((s) => s.fingerprint === fingerprint)
    if (!found) {
      throw new LaunchReadyError(
        action,
        `the last scan has no finding ${fingerprint}; run the scan again`,
      )
    }
    const baseline = join(repoDirectory(repo, loaded.file), secrets.baseline)
    await acceptFinding(baseline, found, reason)
    this.#log.info('accepted a secret finding', {
      rule: found.rule,
      file: found.file,
      baseline,
    })
  }

  /** The monitoring dashboard of the open workspace, from the store. */
  monitoringDashboard(): MonitoringView {
    const loaded = this.#requireWorkspace('show the monitoring')
    return monitoringDashboard({
      workspace: loaded.workspace,
      workspaceFile: loaded.file,
      store: this.#options.store,
      now: (this.#options.now?.() ?? new Date()).getTime(),
      live: this.#monitoring?.service.status(),
    })
  }

  /** Runs the open workspace's monitors in this app until stopped. */
  async startMonitoring(): Promise<MonitoringView> {
    this.#monitoring ??= await this.#createMonitoring('start monitoring')
    this.#monitoring.start()
    this.#log.info('monitoring started')
    return this.monitoringDashboard()
  }

  /** Stops the monitors, awaiting checks in flight; a no-op when none run. */
  async stopMonitoring(): Promise<void> {
    const monitoring = this.#monitoring
    if (!monitoring) return
    this.#monitoring = undefined
    await monitoring.stop()
    this.#log.info('monitoring stopped')
  }

  /**
   * Sends a test alert through one channel, running or not, so the user
   * sees the route work before an outage; a delivery lets
   * monitor.alert-route pass.
   */
  async sendTestAlert(channel: string): Promise<TestDelivery> {
    const monitoring =
      this.#monitoring ?? (await this.#createMonitoring('send a test alert'))
    const delivery = await monitoring.sendTest(channel)
    this.#log.info('sent a test alert', { channel, ok: delivery.ok })
    return delivery
  }

  #createMonitoring(action: string): Promise<Monitoring> {
    const loaded = this.#requireWorkspace(action)
    return createMonitoring({
      workspace: loaded.workspace,
      workspaceFile: loaded.file,
      store: this.#options.store,
      vault: this.#options.vault,
      tray: this.#options.tray,
      log: this.#log,
      onEvent: this.#options.onMonitorEvent,
    })
  }

  /** The handover checklist of the open workspace, item by item. */
  handoverChecklist(): readonly HandoverItem[] {
    const loaded = this.#requireWorkspace('show the handover checklist')
    return handoverChecklist(loaded.workspace)
  }

  /**
   * Records one checklist item in the workspace file (its comments kept)
   * and returns the checklist as it now stands.
   */
  async recordChecklistItem(
    item: ChecklistItem,
  ): Promise<readonly HandoverItem[]> {
    const loaded = this.#requireWorkspace('record the checklist item')
    this.#workspace = await updateWorkspace(loaded.file, [
      checklistEdit(loaded.workspace, item),
    ])
    this.#log.info('recorded checklist item', { id: item.id, done: item.done })
    return handoverChecklist(this.#workspace.workspace)
  }

  /**
   * The handover document of the open workspace: the latest audit, the
   * records as DNS answers now, the checklist; names of secrets, never
   * values.
   */
  async handoverDocument(format: 'md' | 'html'): Promise<string> {
    const loaded = this.#requireWorkspace('write the handover document')
    const net = await createNetwork(loaded.workspace, loaded.file)
    const { text } = await renderHandover({
      loaded,
      store: this.#options.store,
      vault: this.#options.vault,
      env: process.env,
      resolver: net.resolver,
      now: this.#options.now?.(),
      userZone: localTimeZone(),
      format,
    })
    this.#log.info('wrote the handover document', { format })
    return text
  }

  history(check: string, target: string): readonly HistoryView[] {
    if (!this.#workspace) return []
    return this.#options.store.checkHistory(
      this.#workspace.file,
      check,
      target,
      {
        valueKey: checkInfo(check)?.trend?.key,
      },
    )
  }

  /** Stored names and the names the workspace refers to; never values. */
  async secrets(): Promise<readonly SecretView[]> {
    const stored = new Set(await this.#options.vault.list())
    const usedIn = new Map(
      (this.#workspace ? secretReferences(this.#workspace.workspace) : []).map(
        (ref) => [ref.name, ref.usedIn],
      ),
    )
    return [...new Set([...stored, ...usedIn.keys()])].sort().map((name) => ({
      name,
      stored: stored.has(name),
      referenced: usedIn.has(name),
      usedIn: usedIn.get(name) ?? [],
    }))
  }

  async setSecret(name: string, value: string): Promise<void> {
    await this.#options.vault.set(name, value)
    this.#log.info('stored secret', { name })
  }

  async deleteSecret(name: string): Promise<boolean> {
    const deleted = await this.#options.vault.delete(name)
    this.#log.info('deleted secret', { name, deleted })
    return deleted
  }

  #record(
    file: string,
    result: AuditResult,
    partial: readonly string[] | undefined,
  ): RunView {
    const previous = this.lastRun()
    const id = this.#options.store.saveRun(file, result, partial)
    const regressions = previous
      ? newFailures(previous.findings, result.findings)
      : []
    this.#log.info('audit finished', {
      run: id,
      outcome: result.outcome,
      findings: result.findings.length,
      partial: partial?.join(','),
      regressions: regressions.length,
      ms: result.durationMs,
    })
    const run = this.lastRun()!
    this.#options.onAudit?.(run, regressions)
    return run
  }

  #requireWorkspace(action: string): LoadedWorkspace {
    if (!this.#workspace) {
      throw new LaunchReadyError(
        action,
        'no workspace is open; open or create one first',
      )
    }
    return this.#workspace
  }
}

/** The targets whose problems went away, and those with new ones. */
function changesBetween(before: AuditView, after: RunView): RunChanges {
  const problems = (findings: readonly Finding[]) => {
    const byKey = new Map<string, Finding>()
    for (const f of findings) {
      if (isProblem(f)) byKey.set(`${f.check}\u0000${f.target}`, f)
    }
    return byKey
  }
  const ran = new Set(after.findings.map((f) => `${f.check}\u0000${f.target}`))
  const old = problems(before.findings)
  const now = problems(after.findings)
  const changed = (f: Finding): ChangedTarget => ({
    check: f.check,
    target: f.target,
    title: f.title,
  })
  return {
    since: before.latest.finishedAt,
    fixed: [...old]
      .filter(([key]) => ran.has(key) && !now.has(key))
      .map(([, f]) => changed(f)),
    broke: [...now].filter(([key]) => !old.has(key)).map(([, f]) => changed(f)),
  }
}

function toView(loaded: LoadedWorkspace): WorkspaceView {
  return {
    file: loaded.file,
    workspace: redactSecretLike(loaded.workspace, ''),
    targets: Object.fromEntries(
      CHECKS.map((c) => [c.info.id, c.targets(loaded.workspace)]),
    ),
    ...(loaded.migrated
      ? {
          migrated: {
            from: loaded.migrated.from,
            to: loaded.migrated.to,
            backup: loaded.migrated.backup,
            unsaved: loaded.migrated.unsaved,
          },
        }
      : {}),
    warnings: loaded.warnings.map((w) => ({
      path: w.path,
      message: w.message,
      line: w.line,
    })),
  }
}

/**
 * The workspace with every value that looks like a real secret replaced,
 * so even a secret pasted into the file never reaches the window.
 */
function redactSecretLike<T>(value: T, field: string): T {
  if (typeof value === 'string') {
    return (secretLikeValue(field, value) ? REDACTED : value) as T
  }
  if (Array.isArray(value)) {
    return value.map((v) => redactSecretLike(v, field)) as T
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, redactSecretLike(v, k)]),
    ) as T
  }
  return value
}

const REDACTED = '[hidden: looks like a secret]'
