import { dirname, join, resolve } from 'node:path'
import { checkInfo } from '../../shared/catalogue'
import { repoDirectory } from '../env/repo'
import {
  applyBaseline,
  readBaseline,
  scanLogFile,
  type Baseline,
} from '../secrets/index'
import type { Check } from './check'
import { scanFailed, secretsVerdict } from './secrets-repo'

const info = checkInfo('secrets.build-log')!

/**
 * secrets.build-log: no credentials in the build logs the workspace
 * lists. Target: each log path as written in the workspace; the log is
 * streamed, whatever its size.
 */
export const secretsBuildLog: Check = {
  info,
  targets: (workspace) => workspace.secrets.buildLogs,
  timeoutMs: () => 600_000,
  async run(target, context) {
    const base = dirname(context.workspaceFile ?? resolve('.'))
    try {
      const result = await scanLogFile(resolve(base, target), {
        name: target,
        signal: context.signal,
      })
      const baseline = await repoBaseline(context)
      return [
        secretsVerdict(
          info,
          target,
          baseline ? applyBaseline(result, baseline) : result,
          'the build log',
        ),
      ]
    } catch (error) {
      return [scanFailed(info, target, error)]
    }
  },
}

/** The repository's baseline, which also accepts findings in its logs. */
async function repoBaseline(
  context: Parameters<Check['run']>[1],
): Promise<Baseline | undefined> {
  const { repo, secrets } = context.workspace
  if (!repo) return undefined
  const dir = repoDirectory(repo, context.workspaceFile)
  return readBaseline(join(dir, secrets.baseline))
}
