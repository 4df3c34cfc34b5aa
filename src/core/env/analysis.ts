import { join } from 'node:path'
import type { Environment, Repo, Workspace } from '../../shared/workspace'
import { LaunchReadyError } from '../errors'
import { readDotenv, type DotenvFile } from './dotenv-file'
import { repoDirectory, repoProblem } from './repo'
import { scanSource, type EnvRead, type SourceScan } from './source-reads'

/** A variable the code reads and where, first place first. */
export interface ReadVariable {
  readonly name: string
  readonly reads: readonly EnvRead[]
}

/** What the repository's code and documented file say about variables. */
export interface EnvDocumentation {
  readonly repoDir: string
  readonly repo: Repo
  readonly scan: SourceScan
  /** Every variable read, by name, in name order. */
  readonly read: readonly ReadVariable[]
  /** The documented file, or undefined when it does not exist. */
  readonly documented?: DotenvFile
  /** Read but not in the documented file. */
  readonly undocumented: readonly ReadVariable[]
  /** Every name an environment must set: read or documented. */
  readonly required: readonly string[]
}

/** Where an environment's variables were looked for, and what was missing. */
export interface EnvironmentGap {
  readonly environment: string
  /** The env file as written in the workspace; undefined for a process env. */
  readonly envFile?: string
  /** False when the env file does not exist. */
  readonly found: boolean
  /** Required names the environment does not set, or sets to nothing. */
  readonly missing: readonly string[]
}

/**
 * Reads the repository: which variables its code reads, and which its
 * documented file lists. Throws LaunchReadyError when the repository is
 * not a git checkout, so a check can turn it into an `error` finding.
 */
export async function documentEnv(
  workspace: Pick<Workspace, 'repo'>,
  workspaceFile: string | undefined,
  signal?: AbortSignal,
): Promise<EnvDocumentation> {
  const repo = workspace.repo
  if (!repo) throw new Error('documentEnv needs a workspace with a repo')
  const repoDir = repoDirectory(repo, workspaceFile)
  const problem = await repoProblem(repoDir, signal)
  if (problem) throw new RepoUnusableError(problem, repoDir)
  const scan = await scanSource(repoDir, signal)
  const documented = await readDotenv(join(repoDir, repo.documentedFile))

  const byName = new Map<string, EnvRead[]>()
  for (const r of scan.reads) {
    byName.set(r.name, [...(byName.get(r.name) ?? []), r])
  }
  const read = [...byName]
    .map(([name, reads]) => ({ name, reads }))
    .sort((a, b) => a.name.localeCompare(b.name))
  const undocumented = read.filter((v) => !documented?.entries.has(v.name))
  const required = [
    ...new Set([
      ...read.map((v) => v.name),
      ...(documented?.entries.keys() ?? []),
    ]),
  ].sort()
  return { repoDir, repo, scan, read, documented, undocumented, required }
}

/**
 * What an environment leaves unset: from its env file when the workspace
 * names one, else from `processEnv` (a CI job's own variables).
 */
export async function environmentGap(
  docs: EnvDocumentation,
  environment: Environment,
  processEnv?: NodeJS.ProcessEnv,
): Promise<EnvironmentGap> {
  if (environment.envFile) {
    const file = await readDotenv(join(docs.repoDir, environment.envFile))
    const isSet = (n: string) => Boolean(file?.entries.get(n)?.value)
    return {
      environment: environment.name,
      envFile: environment.envFile,
      found: file !== undefined,
      missing: docs.required.filter((n) => !isSet(n)),
    }
  }
  const env = processEnv ?? {}
  return {
    environment: environment.name,
    found: true,
    missing: docs.required.filter((n) => !env[n]),
  }
}

/** "src/db.ts:12", the place a finding points at. */
export function place(read: EnvRead): string {
  return `${read.file}:${read.line}`
}

/** The repository cannot be read: missing, not a folder, not git. */
export class RepoUnusableError extends LaunchReadyError {
  override name = 'RepoUnusableError' as const
  constructor(reason: string, repoDir: string) {
    super('read the repository', reason, repoDir)
  }
}
