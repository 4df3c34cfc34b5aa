import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { isTimeZone } from '../shared/time'
import { LaunchReadyError, messageOf } from '../core/errors'
import { createNetwork } from '../core/net/network'
import { renderHandover } from '../core/report/handover-sources'
import { Store } from '../core/store/store'
import {
  keychainVault,
  withEnvironmentSecrets,
  type Vault,
} from '../core/vault/vault'
import { loadWorkspace } from '../core/workspace/load'
import { defaultHistoryFile } from './monitor'

/**
 * `launch-ready report <workspace> --format md|html [--out FILE]`: the
 * handover pack, from the latest audit in the app's history and the
 * domain's records as DNS gives them now (`--offline`: as the audit saw
 * them).
 */

export interface ReportIo {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  readonly env: NodeJS.ProcessEnv
  readonly vault?: Vault
}

/** Thrown for bad arguments; the caller prints usage. */
export class ReportUsageError extends Error {}

/** Writes the pack; resolves to the exit status. */
export async function reportCommand(
  args: readonly string[],
  io: ReportIo,
): Promise<number> {
  const { values, positionals } = parse(args)
  const [file, ...extra] = positionals
  if (!file || extra.length > 0) {
    throw new ReportUsageError('report takes exactly one workspace file.')
  }
  const format = values.format === 'markdown' ? 'md' : values.format
  if (format !== 'md' && format !== 'html') {
    throw new ReportUsageError(
      `--format must be md or html, not "${values.format}".`,
    )
  }
  if (values.tz !== undefined && !isTimeZone(values.tz)) {
    throw new ReportUsageError(
      `--tz must be a time zone name such as "Europe/London", not "${values.tz}".`,
    )
  }
  const loaded = await loadWorkspace(file)
  if (loaded.migrated?.backup) {
    io.stderr(
      `launch-ready: migrated the workspace from version ${loaded.migrated.from}; the original is kept as ${loaded.migrated.backup}\n`,
    )
  }
  const history = openStore(values.db ?? defaultHistoryFile(io.env))
  try {
    const net = values.offline
      ? undefined
      : await createNetwork(loaded.workspace, loaded.file, { timeoutMs: 4000 })
    const { text, hasResults } = await renderHandover({
      loaded,
      store: history,
      vault: io.vault ?? withEnvironmentSecrets(keychainVault(), io.env),
      env: io.env,
      resolver: net?.resolver,
      userZone: values.tz,
      format,
    })
    if (!hasResults) {
      io.stderr(
        'launch-ready: no stored audit for this workspace; the pack has no results yet.\n',
      )
    }
    if (values.out) {
      await writeOut(values.out, text)
      io.stderr(`Wrote the handover pack to ${resolve(values.out)}.\n`)
    } else {
      io.stdout(text)
    }
    return 0
  } finally {
    history?.close()
  }
}

function parse(args: readonly string[]) {
  try {
    return parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        format: { type: 'string', default: 'md' },
        out: { type: 'string', short: 'o' },
        db: { type: 'string' },
        offline: { type: 'boolean', default: false },
        tz: { type: 'string' },
      },
    })
  } catch (error) {
    throw new ReportUsageError(messageOf(error))
  }
}

/** The history database if there is one; reading never creates one. */
function openStore(file: string): Store | undefined {
  return existsSync(file) ? new Store(file) : undefined
}

async function writeOut(out: string, text: string): Promise<void> {
  try {
    await writeFile(out, text)
  } catch (error) {
    throw new LaunchReadyError(
      'write the handover pack',
      messageOf(error),
      out,
      { cause: error },
    )
  }
}
