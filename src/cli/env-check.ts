import { join } from 'node:path'
import type { Environment } from '../shared/workspace'
import {
  documentEnv,
  environmentGap,
  place,
  type EnvDocumentation,
  type EnvironmentGap,
} from '../core/env/analysis'
import { readDotenv } from '../core/env/dotenv-file'
import type { LoadedWorkspace } from '../core/workspace/load'
import { LaunchReadyError } from '../core/errors'

export interface EnvCheckOptions {
  readonly environment: string
  readonly format: 'text' | 'json'
  /** Fail on undocumented variables too, not only on missing ones. */
  readonly strict: boolean
}

/** What `env check` found, as its JSON output. */
export interface EnvCheckReport {
  readonly environment: string
  /** "env-file" when the env file exists, else this process's env. */
  readonly source: 'env-file' | 'process'
  readonly envFile: string | null
  readonly documentedFile: string
  readonly required: readonly string[]
  readonly missing: readonly { name: string; readAt: string[] }[]
  readonly undocumented: readonly { name: string; readAt: string[] }[]
  readonly ok: boolean
}

/**
 * Checks one environment before a deploy: every variable the code reads
 * or the documented file lists must be set. Values come from the
 * environment's env file when it exists, else from this process's
 * environment, which is where a CI job keeps its secrets. Values are
 * never printed. Resolves to the exit status: 1 when one is missing.
 */
export async function envCheck(
  loaded: LoadedWorkspace,
  options: EnvCheckOptions,
  io: {
    readonly stdout: (text: string) => void
    readonly env: NodeJS.ProcessEnv
  },
): Promise<number> {
  const { workspace } = loaded
  if (!workspace.repo) {
    throw new LaunchReadyError(
      'check the environment',
      'the workspace has no repo; add repo.path pointing at the app',
      loaded.file,
    )
  }
  const environment = await chooseEnvironment(loaded, options.environment)
  const docs = await documentEnv(workspace, loaded.file)
  const fileExists =
    environment.envFile !== undefined &&
    (await readDotenv(join(docs.repoDir, environment.envFile))) !== undefined
  const gap = await environmentGap(
    docs,
    fileExists ? environment : { ...environment, envFile: undefined },
    io.env,
  )
  const report = buildReport(docs, gap, fileExists)
  io.stdout(
    options.format === 'json'
      ? JSON.stringify(report, null, 2) + '\n'
      : textReport(report),
  )
  const failed =
    report.missing.length > 0 ||
    (options.strict && report.undocumented.length > 0)
  return failed ? 1 : 0
}

async function chooseEnvironment(
  loaded: LoadedWorkspace,
  name: string,
): Promise<Environment> {
  const declared = loaded.workspace.environments
  const found = declared.find((e) => e.name === name)
  if (found) return found
  // A workspace that declares no environments is checked against the
  // process environment under any name; one that does must be asked
  // for one of its own, so a typo cannot pass.
  if (declared.length === 0) return { name }
  throw new LaunchReadyError(
    'check the environment',
    `the workspace declares no environment "${name}" (it has ${declared
      .map((e) => `"${e.name}"`)
      .join(', ')})`,
    loaded.file,
  )
}

function buildReport(
  docs: EnvDocumentation,
  gap: EnvironmentGap,
  fileExists: boolean,
): EnvCheckReport {
  const readAt = (name: string) =>
    docs.read.find((v) => v.name === name)?.reads.map(place) ?? []
  const missing = gap.missing.map((name) => ({ name, readAt: readAt(name) }))
  return {
    environment: gap.environment,
    source: fileExists ? 'env-file' : 'process',
    envFile: gap.envFile ?? null,
    documentedFile: docs.repo.documentedFile,
    required: docs.required,
    missing,
    undocumented: docs.undocumented.map((v) => ({
      name: v.name,
      readAt: v.reads.map(place),
    })),
    ok: missing.length === 0,
  }
}

function textReport(report: EnvCheckReport): string {
  const source =
    report.source === 'env-file'
      ? `from ${report.envFile}`
      : "from this process's environment"
  const lines = [
    `Environment ${report.environment}: ${report.required.length} variable(s) required, values ${source}.`,
  ]
  const where = (v: { readAt: string[] }) =>
    v.readAt.length > 0
      ? `read at ${v.readAt.join(', ')}`
      : `listed in ${report.documentedFile}`
  if (report.missing.length > 0) {
    lines.push('', `Missing (${report.missing.length}):`)
    for (const v of report.missing) lines.push(`  ${v.name}  ${where(v)}`)
  }
  if (report.undocumented.length > 0) {
    lines.push(
      '',
      `Not documented in ${report.documentedFile} (${report.undocumented.length}):`,
    )
    for (const v of report.undocumented) lines.push(`  ${v.name}  ${where(v)}`)
  }
  lines.push(
    '',
    report.ok
      ? `OK: ${report.environment} sets every required variable.`
      : `FAIL: ${report.environment} is missing ${report.missing.length} variable(s); set them before deploying.`,
  )
  return lines.join('\n') + '\n'
}
