import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { appDataDir } from '../core/app-data'
import { messageOf } from '../core/errors'
import { createLogger } from '../core/log'
import { systemClock, type Clock } from '../core/monitor/clock'
import { createMonitoring, type Monitoring } from '../core/monitor/monitoring'
import type { MonitorEvent } from '../core/monitor/service'
import { Store } from '../core/store/store'
import { keychainVault, withEnvironmentSecrets } from '../core/vault/vault'
import { loadWorkspace } from '../core/workspace/load'
import type { CliIo } from './index'

/** Bad arguments to `monitor` or `deploy`; main prints the usage. */
export class MonitorUsageError extends Error {}

/** The usual IO, and a clock tests can drive. */
export interface MonitorIo extends CliIo {
  readonly clock?: Clock
}

/**
 * Where the app keeps its history: Electron's userData folder for an
 * app named "launch-ready", so the CLI and the app share one database.
 */
export function defaultHistoryFile(
  env: NodeJS.ProcessEnv,
  platform = process.platform,
): string {
  if (env.LAUNCH_READY_DB) return env.LAUNCH_READY_DB
  return join(appDataDir(env, platform), 'history.sqlite3')
}

/**
 * The history database when one exists (the app's, or LAUNCH_READY_DB);
 * undefined rather than creating one just to read it.
 */
export function openHistory(env: NodeJS.ProcessEnv): Store | undefined {
  const file = defaultHistoryFile(env)
  return existsSync(file) ? new Store(file) : undefined
}

/** parseArgs, with its complaints reported as usage errors. */
function parse<T>(run: () => T): T {
  try {
    return run()
  } catch (error) {
    throw new MonitorUsageError(messageOf(error))
  }
}

/**
 * `monitor <workspace>`: runs the workspace's monitors until SIGINT or
 * SIGTERM, printing each change of state; `--test-alert [channel]`
 * sends a test alert instead (every channel, or the one named) and
 * exits 0 when all arrived.
 */
export async function monitorCommand(
  args: readonly string[],
  io: MonitorIo,
): Promise<number> {
  const { values, positionals } = parse(() =>
    parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        db: { type: 'string' },
        'test-alert': { type: 'boolean', default: false },
        channel: { type: 'string' },
        verbose: { type: 'boolean', default: false },
      },
    }),
  )
  const [file, ...extra] = positionals
  if (!file || extra.length > 0)
    throw new MonitorUsageError('monitor takes exactly one workspace file.')
  const loaded = await loadWorkspace(file)
  const clock = io.clock ?? systemClock
  const log = createLogger({
    level: values.verbose ? 'debug' : 'warn',
    write: (l) => io.stderr(l + '\n'),
    now: () => new Date(clock.now()),
  })
  const store = new Store(values.db ?? defaultHistoryFile(io.env))
  try {
    const monitoring = await createMonitoring({
      workspace: loaded.workspace,
      workspaceFile: loaded.file,
      store,
      vault: io.vault ?? withEnvironmentSecrets(keychainVault(), io.env),
      clock,
      log,
      onEvent: (event) => io.stdout(describeEvent(event) + '\n'),
    })
    if (values['test-alert']) {
      const code = await sendTests(monitoring, values.channel, io)
      await monitoring.stop()
      return code
    }
    return await watch(monitoring, loaded.workspace.name, io)
  } finally {
    store.close()
  }
}

async function sendTests(
  monitoring: Monitoring,
  only: string | undefined,
  io: MonitorIo,
): Promise<number> {
  const names = only ? [only] : monitoring.channels.map((c) => c.name)
  if (names.length === 0) {
    io.stderr(
      'launch-ready: no alert channel can send from here; add one under monitoring.alerts (tray alerts need the app).\n',
    )
    return 1
  }
  let failed = 0
  for (const name of names) {
    const result = await monitoring.sendTest(name)
    if (result.ok) io.stdout(`Test alert delivered to "${name}".\n`)
    else {
      failed++
      io.stdout(`Test alert to "${name}" failed: ${result.error}\n`)
    }
  }
  return failed > 0 ? 1 : 0
}

async function watch(
  monitoring: Monitoring,
  site: string,
  io: MonitorIo,
): Promise<number> {
  let stop!: (why: string) => void
  const stopped = new Promise<string>((resolve) => (stop = resolve))
  const onInt = () => stop('SIGINT')
  const onTerm = () => stop('SIGTERM')
  process.once('SIGINT', onInt)
  process.once('SIGTERM', onTerm)
  io.signal?.addEventListener('abort', () => stop('stop request'), {
    once: true,
  })
  if (io.signal?.aborted) stop('stop request')
  try {
    monitoring.start()
    io.stdout(
      `Watching ${site}: ${monitoring.service.monitors.length} monitor(s), ${monitoring.channels.length} alert channel(s). Ctrl-C stops.\n`,
    )
    const why = await stopped
    await monitoring.stop()
    io.stdout(`Stopped (${why}); every run in flight finished.\n`)
    return 0
  } finally {
    process.removeListener('SIGINT', onInt)
    process.removeListener('SIGTERM', onTerm)
  }
}

/** One line per event, as the monitor prints it. */
export function describeEvent(event: MonitorEvent): string {
  const at = new Date(event.at).toISOString()
  if (event.type === 'drift') {
    return `${at} drift ${event.monitor}: ${event.record} was ${JSON.stringify(event.before)}, now ${JSON.stringify(event.after)}`
  }
  const words: Readonly<Record<typeof event.to, string>> = {
    up: 'up',
    suspect: 'failing, re-checking',
    down: 'DOWN',
    recovering: 'answering again, re-checking',
    offline: 'unknown: this machine is offline',
  }
  const reason = event.reason ? ` (${event.reason})` : ''
  return `${at} ${event.monitor}: ${words[event.to]}${reason}`
}

/** `deploy mark <workspace> [--note TEXT]`: records a deploy marker. */
export async function deployCommand(
  args: readonly string[],
  io: MonitorIo,
): Promise<number> {
  const [action, ...rest] = args
  if (action !== 'mark')
    throw new MonitorUsageError('deploy needs mark: "deploy mark <workspace>".')
  const { values, positionals } = parse(() =>
    parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        note: { type: 'string', default: '' },
        db: { type: 'string' },
      },
    }),
  )
  const [file, ...extra] = positionals
  if (!file || extra.length > 0)
    throw new MonitorUsageError('deploy mark takes exactly one workspace file.')
  const note = values.note
  if (note.length > 500)
    throw new MonitorUsageError('--note must be at most 500 characters.')
  const loaded = await loadWorkspace(file)
  const store = new Store(values.db ?? defaultHistoryFile(io.env))
  try {
    const at = (io.clock ?? systemClock).now()
    const id = store.monitor.markDeploy(loaded.file, at, note)
    io.stdout(
      `Deploy marker ${id} recorded for ${loaded.workspace.name} at ${new Date(at).toISOString()}${note ? `: ${note}` : ''}.\n`,
    )
    return 0
  } finally {
    store.close()
  }
}
