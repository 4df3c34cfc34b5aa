import type { Finding } from '../../shared/finding'
import type { ProgressEvent } from '../../shared/ipc'
import type { Workspace } from '../../shared/workspace'
import type { Check, CheckContext } from '../checks/check'
import { finding } from '../checks/check'
import { formatSeconds, messageOf } from '../errors'
import { silentLogger, type Logger } from '../log'
import type { Network } from '../net/network'
import type { Vault } from '../vault/vault'

/** Something that happened during an audit, for a progress display. */
export type AuditProgress = ProgressEvent

export interface AuditOptions {
  readonly workspace: Workspace
  /** Anchors relative paths in the workspace (see CheckContext). */
  readonly workspaceFile?: string
  readonly net: Network
  readonly checks: readonly Check[]
  /** How many checks run at once. */
  readonly concurrency?: number
  /** How long one check on one target may take. */
  readonly checkTimeoutMs?: number
  /**
   * How long the whole audit may take; at least as long as the own time
   * limit of any check it runs (a build), so asking for one is enough.
   */
  readonly deadlineMs?: number
  readonly signal?: AbortSignal
  readonly now?: () => Date
  readonly log?: Logger
  /** Resolves `secret:NAME` references, e.g. in endpoint headers. */
  readonly vault?: Vault
  /** Alert deliveries so far, for monitor.alert-route. */
  readonly alertLog?: CheckContext['alertLog']
  readonly onProgress?: (event: AuditProgress) => void
}

/** How an audit ended. */
export type AuditOutcome = 'completed' | 'cancelled' | 'deadline'

export interface AuditResult {
  readonly startedAt: string
  readonly finishedAt: string
  readonly durationMs: number
  readonly outcome: AuditOutcome
  readonly findings: readonly Finding[]
}

/**
 * Checks wait on the network, not the CPU, so many run at once: measured
 * on the test world with 50 ms of latency, 8 at a time took 2.1 s, 32
 * took 1.3 s, and more than that no less (npm run bench).
 */
export const DEFAULT_CONCURRENCY = 32

interface Task {
  readonly check: Check
  readonly target: string
}

/**
 * Runs every check on every one of its targets, `concurrency` at a time.
 * Each check has its own timeout; the audit has a deadline and can be
 * cancelled. A check that times out or throws becomes an `error` finding
 * that names it; the others carry on.
 */
export async function runAudit(options: AuditOptions): Promise<AuditResult> {
  const now = options.now ?? (() => new Date())
  const log = options.log ?? silentLogger
  const checkTimeoutMs = options.checkTimeoutMs ?? 30_000
  const deadlineMs = Math.max(
    options.deadlineMs ?? 120_000,
    ...options.checks.map((c) => c.timeoutMs?.(options.workspace) ?? 0),
  )
  const started = now()
  const clockStart = performance.now()

  const run = new AbortController()
  let outcome: AuditOutcome = 'completed'
  const stop = (why: AuditOutcome) => {
    if (outcome === 'completed') outcome = why
    run.abort()
  }
  const onCancel = () => stop('cancelled')
  options.signal?.addEventListener('abort', onCancel, { once: true })
  if (options.signal?.aborted) stop('cancelled')
  const deadline = setTimeout(() => stop('deadline'), deadlineMs)

  const tasks: Task[] = options.checks.flatMap((check) =>
    check.targets(options.workspace).map((target) => ({ check, target })),
  )
  const results: (readonly Finding[])[] = new Array(tasks.length)
  const probes = new Map<string, Promise<unknown>>()
  let done = 0
  options.onProgress?.({ type: 'started', total: tasks.length })

  const runOne = async (index: number) => {
    const { check, target } = tasks[index]!
    if (run.signal.aborted) {
      results[index] = [notRun(check, target, outcome, deadlineMs)]
    } else {
      options.onProgress?.({
        type: 'check-started',
        check: check.info.id,
        target,
      })
      results[index] = await runWithTimeout(check, target, {
        workspace: options.workspace,
        workspaceFile: options.workspaceFile,
        net: options.net,
        now,
        log: log.child(check.info.id),
        runSignal: run.signal,
        timeoutMs: check.timeoutMs?.(options.workspace) ?? checkTimeoutMs,
        probes,
        outcome: () => outcome,
        deadlineMs,
        vault: options.vault,
        alertLog: options.alertLog,
        onProgress: options.onProgress,
      })
    }
    done += 1
    options.onProgress?.({
      type: 'check-finished',
      check: check.info.id,
      target,
      findings: results[index]!,
      done,
      total: tasks.length,
    })
  }

  // Exclusive checks (timings) run last and one at a time, so nothing
  // else the audit does competes with what they measure.
  const indexes = tasks.map((_, i) => i)
  await runPool(
    indexes.filter((i) => !tasks[i]!.check.exclusive),
    options.concurrency ?? DEFAULT_CONCURRENCY,
    runOne,
  )
  await runPool(
    indexes.filter((i) => tasks[i]!.check.exclusive),
    1,
    runOne,
  )

  clearTimeout(deadline)
  options.signal?.removeEventListener('abort', onCancel)
  const finished = now()
  return {
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: Math.round(performance.now() - clockStart),
    outcome,
    findings: results.flat(),
  }
}

/** Runs `work` on every item, at most `width` at a time. */
async function runPool(
  items: readonly number[],
  width: number,
  work: (item: number) => Promise<void>,
): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < items.length) await work(items[next++]!)
  }
  const workers = Math.max(1, Math.min(width, items.length))
  await Promise.all(Array.from({ length: workers }, worker))
}

interface TaskEnvironment {
  readonly workspace: Workspace
  readonly workspaceFile?: string
  readonly net: Network
  readonly now: () => Date
  readonly log: Logger
  readonly runSignal: AbortSignal
  readonly timeoutMs: number
  readonly probes: Map<string, Promise<unknown>>
  readonly outcome: () => AuditOutcome
  readonly deadlineMs: number
  readonly vault?: Vault
  readonly alertLog?: CheckContext['alertLog']
  readonly onProgress?: (event: AuditProgress) => void
}

async function runWithTimeout(
  check: Check,
  target: string,
  env: TaskEnvironment,
): Promise<readonly Finding[]> {
  const controller = new AbortController()
  const signal = AbortSignal.any([env.runSignal, controller.signal])
  const context: CheckContext = {
    workspace: env.workspace,
    workspaceFile: env.workspaceFile,
    net: env.net,
    now: env.now,
    signal,
    log: env.log,
    vault: env.vault,
    alertLog: env.alertLog,
    progress: (note) =>
      env.onProgress?.({
        type: 'check-progress',
        check: check.info.id,
        target,
        note,
      }),
    probe: <T>(key: string, start: (signal: AbortSignal) => Promise<T>) => {
      let pending = env.probes.get(key) as Promise<T> | undefined
      if (!pending) {
        pending = start(env.runSignal)
        env.probes.set(key, pending)
      }
      return pending
    },
  }

  let timer: NodeJS.Timeout | undefined
  const stopped = new Promise<readonly Finding[]>((resolve) => {
    const onAbort = () =>
      resolve([notRun(check, target, env.outcome(), env.deadlineMs)])
    timer = setTimeout(() => {
      controller.abort()
      resolve([timedOut(check, target, env.timeoutMs)])
    }, env.timeoutMs)
    env.runSignal.addEventListener('abort', onAbort, { once: true })
    signal.addEventListener('abort', () =>
      env.runSignal.removeEventListener('abort', onAbort),
    )
  })

  try {
    const started = performance.now()
    const findings = await Promise.race([check.run(target, context), stopped])
    env.log.debug('finished', {
      target,
      ms: Math.round(performance.now() - started),
      statuses: findings.map((f) => f.status).join(','),
    })
    return findings
  } catch (error) {
    env.log.error('check threw', { target, error: messageOf(error) })
    return [crashed(check, target, error)]
  } finally {
    clearTimeout(timer)
    controller.abort()
  }
}

function timedOut(check: Check, target: string, ms: number): Finding {
  return finding(check.info, target, {
    status: 'error',
    severity: 'high',
    title: `${check.info.id} timed out on ${target}`,
    detail: `The check did not finish: timed out after ${formatSeconds(ms)}.`,
    evidence: { timeoutMs: ms },
    fix: 'Run the audit again; if it keeps timing out, check that the host answers promptly from this computer.',
  })
}

function crashed(check: Check, target: string, error: unknown): Finding {
  return finding(check.info, target, {
    status: 'error',
    severity: 'high',
    title: `${check.info.id} failed unexpectedly on ${target}`,
    detail: `The check ${check.info.id} stopped with an error: ${messageOf(error)}`,
    evidence: { error: messageOf(error) },
    fix: 'This is a fault in Launch Ready, not in your site. Run the audit again; if it repeats, report it with this message.',
  })
}

function notRun(
  check: Check,
  target: string,
  outcome: AuditOutcome,
  deadlineMs: number,
): Finding {
  const cancelled = outcome === 'cancelled'
  return finding(check.info, target, {
    status: cancelled ? 'skip' : 'error',
    severity: 'info',
    title: cancelled
      ? `${check.info.id} on ${target} was not run`
      : `${check.info.id} on ${target} ran out of time`,
    detail: cancelled
      ? 'The audit was cancelled before this check finished.'
      : `The audit's deadline of ${formatSeconds(deadlineMs)} passed before this check finished.`,
  })
}
