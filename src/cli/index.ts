import { parseArgs } from 'node:util'
import { SEVERITIES, failsAt, type Severity } from '../shared/finding'
import { selectChecks } from '../core/checks/registry'
import { LaunchReadyError, messageOf } from '../core/errors'
import { createLogger } from '../core/log'
import { createNetwork } from '../core/net/network'
import { jsonReport, markdownReport } from '../core/report/report'
import { runAudit } from '../core/runner/run-checks'
import {
  keychainVault,
  withEnvironmentSecrets,
  type Vault,
} from '../core/vault/vault'
import { loadWorkspace } from '../core/workspace/load'
import { envCheck } from './env-check'
import {
  deployCommand,
  monitorCommand,
  MonitorUsageError,
  openHistory,
} from './monitor'
import { readSecretValue } from './read-secret'
import { reportCommand, ReportUsageError } from './report'
import { ScanUsageError, scanSecretsCommand } from './scan-secrets'

const USAGE = `Usage:
  launch-ready audit <workspace> [--only ids] [--format json|markdown]
                     [--fail-on severity] [--timeout seconds] [--verbose]
  launch-ready env check <workspace> --environment <name>
                     [--format text|json] [--strict]
  launch-ready secret set <name>      (reads the value from stdin)
  launch-ready secret delete <name>
  launch-ready secret list
  launch-ready scan secrets <path> [--format text|json|sarif] [--history]
                            [--baseline FILE]
  launch-ready monitor <workspace> [--db FILE] [--verbose]
                       [--test-alert [--channel NAME]]
  launch-ready deploy mark <workspace> [--note TEXT] [--db FILE]
  launch-ready report <workspace> [--format md|html] [--out FILE]
                      [--db FILE] [--offline] [--tz ZONE]

Exit status: 0 nothing at or above --fail-on (default: high) failed,
1 something did, 2 bad usage or a bad workspace.
Headless, LAUNCH_READY_SECRET_<NAME> stands in for the keychain.`

/** Exit statuses, as CI reads them. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const

class UsageError extends Error {}

export interface CliIo {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean }
  readonly env: NodeJS.ProcessEnv
  readonly vault?: Vault
  /** Ends a long-running command (monitor) as SIGINT would. */
  readonly signal?: AbortSignal
}

/** Runs one CLI command; resolves to the exit status. */
export async function main(
  argv: readonly string[],
  io: CliIo,
): Promise<number> {
  try {
    const [command, ...rest] = argv
    switch (command) {
      case 'audit':
        return await audit(rest, io)
      case 'env':
        return await env(rest, io)
      case 'secret':
        return await secret(rest, io)
      case 'scan':
        if (rest[0] !== 'secrets')
          throw new UsageError('scan needs a kind: "scan secrets <path>".')
        return await scanSecretsCommand(rest.slice(1), io)
      case 'report':
        return await reportCommand(rest, io)
      case 'monitor':
        return await monitorCommand(rest, io)
      case 'deploy':
        return await deployCommand(rest, io)
      case '--help':
      case '-h':
      case 'help':
        io.stdout(USAGE + '\n')
        return EXIT.ok
      case undefined:
        throw new UsageError('No command given.')
      default:
        throw new UsageError(`Unknown command "${command}".`)
    }
  } catch (error) {
    if (
      error instanceof UsageError ||
      error instanceof ScanUsageError ||
      error instanceof MonitorUsageError ||
      error instanceof ReportUsageError
    ) {
      io.stderr(`${error.message}\n\n${USAGE}\n`)
      return EXIT.usage
    }
    if (error instanceof LaunchReadyError) {
      io.stderr(`launch-ready: ${error.message}\n`)
      return EXIT.usage
    }
    io.stderr(`launch-ready: unexpected error: ${messageOf(error)}\n`)
    return EXIT.usage
  }
}

async function audit(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(() =>
    parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        only: { type: 'string' },
        format: { type: 'string', default: 'markdown' },
        'fail-on': { type: 'string', default: 'high' },
        timeout: { type: 'string', default: '120' },
        verbose: { type: 'boolean', default: false },
      },
    }),
  )
  const [file, ...extra] = positionals
  if (!file || extra.length > 0)
    throw new UsageError('audit takes exactly one workspace file.')
  const format = values.format
  if (format !== 'json' && format !== 'markdown') {
    throw new UsageError(`--format must be json or markdown, not "${format}".`)
  }
  const failOn = values['fail-on'] as Severity
  if (!SEVERITIES.includes(failOn)) {
    throw new UsageError(`--fail-on must be one of ${SEVERITIES.join(', ')}.`)
  }
  const seconds = Number(values.timeout)
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError('--timeout must be a positive number of seconds.')
  }
  const only = values.only
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  const { checks, unknown } = selectChecks(only)
  if (unknown.length > 0)
    throw new UsageError(`Unknown check: ${unknown.join(', ')}.`)

  const loaded = await loadWorkspace(file)
  for (const warning of loaded.warnings) {
    io.stderr(
      `launch-ready: warning: ${warning.path} (line ${warning.line}): ${warning.message}\n`,
    )
  }
  const log = createLogger({
    level: values.verbose ? 'debug' : 'warn',
    write: (l) => io.stderr(l + '\n'),
  })
  const net = await createNetwork(loaded.workspace, loaded.file)
  const cancel = new AbortController()
  const onSignal = () => cancel.abort()
  process.once('SIGINT', onSignal)
  // Alert deliveries the monitor recorded, for monitor.alert-route.
  const history = openHistory(io.env)
  try {
    const result = await runAudit({
      workspace: loaded.workspace,
      workspaceFile: loaded.file,
      net,
      checks,
      log,
      vault: io.vault ?? withEnvironmentSecrets(keychainVault(), io.env),
      signal: cancel.signal,
      deadlineMs: seconds * 1000,
      alertLog: history?.alerts,
    })
    const name = loaded.workspace.name
    io.stdout(
      format === 'json'
        ? JSON.stringify(jsonReport(name, result), null, 2) + '\n'
        : markdownReport(name, result, failOn),
    )
    return result.findings.some((f) => failsAt(f, failOn))
      ? EXIT.failed
      : EXIT.ok
  } finally {
    history?.close()
    process.removeListener('SIGINT', onSignal)
  }
}

/** `env check`: the variables one environment is missing, before a deploy. */
async function env(args: readonly string[], io: CliIo): Promise<number> {
  const [action, ...rest] = args
  if (action !== 'check') throw new UsageError('env needs check.')
  const { values, positionals } = parse(() =>
    parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        environment: { type: 'string', short: 'e' },
        format: { type: 'string', default: 'text' },
        strict: { type: 'boolean', default: false },
      },
    }),
  )
  const [file, ...extra] = positionals
  if (!file || extra.length > 0)
    throw new UsageError('env check takes exactly one workspace file.')
  if (!values.environment)
    throw new UsageError('env check needs --environment, e.g. production.')
  const format = values.format
  if (format !== 'text' && format !== 'json') {
    throw new UsageError(`--format must be text or json, not "${format}".`)
  }
  const loaded = await loadWorkspace(file)
  return envCheck(
    loaded,
    { environment: values.environment, format, strict: values.strict },
    io,
  )
}

async function secret(args: readonly string[], io: CliIo): Promise<number> {
  const [action, ...rest] = args
  const vault = io.vault ?? withEnvironmentSecrets(keychainVault(), io.env)
  const nameOf = () => {
    if (rest.length !== 1)
      throw new UsageError(`secret ${action} takes one name.`)
    return rest[0]!
  }
  switch (action) {
    case 'set': {
      const name = nameOf()
      const value = await readSecretValue(io.stdin, io.stderr, name)
      await vault.set(name, value)
      io.stderr(`Stored "${name}" in the keychain.\n`)
      return EXIT.ok
    }
    case 'delete': {
      const name = nameOf()
      const deleted = await vault.delete(name)
      io.stderr(
        deleted ? `Deleted "${name}".\n` : `No secret named "${name}".\n`,
      )
      return deleted ? EXIT.ok : EXIT.failed
    }
    case 'list':
      if (rest.length > 0)
        throw new UsageError('secret list takes no arguments.')
      for (const name of await vault.list()) io.stdout(name + '\n')
      return EXIT.ok
    default:
      throw new UsageError('secret needs set, delete or list.')
  }
}

/** parseArgs, with its complaints reported as usage errors. */
function parse<T>(run: () => T): T {
  try {
    return run()
  } catch (error) {
    throw new UsageError(messageOf(error))
  }
}
