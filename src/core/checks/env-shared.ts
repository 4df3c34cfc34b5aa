import type { CheckInfo } from '../../shared/catalogue'
import type { Finding } from '../../shared/finding'
import { documentEnv, type EnvDocumentation } from '../env/analysis'
import { EnvFileError } from '../env/dotenv-file'
import { LaunchReadyError } from '../errors'
import { finding, type CheckContext } from './check'

/**
 * The repository's variables, read once per audit and shared by the env
 * checks (context.probe).
 */
export function envDocumentation(
  context: CheckContext,
): Promise<EnvDocumentation> {
  return context.probe(`env:${context.workspace.repo?.path}`, (signal) =>
    documentEnv(context.workspace, context.workspaceFile, signal),
  )
}

/**
 * The `error` finding of a check that could not read the repository or
 * one of its env files. Anything else is a fault and is thrown on, for
 * the runner to report as one.
 */
export function repoUnreadable(
  info: CheckInfo,
  target: string,
  error: unknown,
): Finding {
  if (!(error instanceof LaunchReadyError)) throw error
  const envFile = error instanceof EnvFileError
  return finding(info, target, {
    status: 'error',
    severity: 'high',
    title: envFile
      ? `Could not read an env file for ${info.id}`
      : `Could not read the repository for ${info.id}`,
    detail: error.message,
    evidence: { error: error.message },
    fix: envFile
      ? 'Make it a plain text file of NAME=value lines, under 1 MB, or ' +
        'correct the path in the workspace.'
      : 'Set repo.path in the workspace to the local git checkout of the ' +
        'app, relative to the workspace file, e.g.:\n  repo:\n    path: ../shop-admin',
  })
}

/** At most `max` items, then "and N more". */
export function listSome(items: readonly string[], max = 8): string {
  const shown = items.slice(0, max).join(', ')
  return items.length > max ? `${shown} and ${items.length - max} more` : shown
}
