import type { CheckInfo } from '../../shared/catalogue'
import type { Finding } from '../../shared/finding'
import { documentEnv, type EnvDocumentation } from '../env/analysis'
import { messageOf } from '../errors'
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

/** The `error` finding of a check that could not read the repository. */
export function repoUnreadable(
  info: CheckInfo,
  target: string,
  error: unknown,
): Finding {
  return finding(info, target, {
    status: 'error',
    severity: 'high',
    title: `Could not read the repository for ${info.id}`,
    detail: messageOf(error),
    evidence: { error: messageOf(error) },
    fix:
      'Set repo.path in the workspace to the local git checkout of the ' +
      'app, relative to the workspace file, e.g.:\n  repo:\n    path: ../shop-admin',
  })
}

/** At most `max` items, then "and N more". */
export function listSome(items: readonly string[], max = 8): string {
  const shown = items.slice(0, max).join(', ')
  return items.length > max ? `${shown} and ${items.length - max} more` : shown
}
