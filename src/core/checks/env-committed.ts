import { readFile, lstat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { checkInfo } from '../../shared/catalogue'
import { MAX_DOTENV_BYTES } from '../env/dotenv-file'
import { listFiles, repoDirectory, repoProblem } from '../env/repo'
import { findSecrets } from '../env/secret-scan'
import { RepoUnusableError } from '../env/analysis'
import { finding, type Check } from './check'
import { isExampleEnvFile } from './env-example-clean'
import { listSome, repoUnreadable } from './env-shared'

const info = checkInfo('env.committed')!

/** `.env`, `.env.production`, `production.env`: files that hold values. */
export function isRealEnvFile(path: string): boolean {
  const name = basename(path).toLowerCase()
  return (
    (/^\.env(?:\.[\w-]+)*$/.test(name) || /^[\w-]+\.env$/.test(name)) &&
    !isExampleEnvFile(path)
  )
}

/**
 * env.committed: no real `.env` file is tracked by git, where everyone
 * with the repository (and its history) can read it. Target: the
 * repository path.
 */
export const envCommitted: Check = {
  info,
  targets: (workspace) => (workspace.repo ? [workspace.repo.path] : []),
  async run(target, context) {
    const dir = repoDirectory(context.workspace.repo!, context.workspaceFile)
    let tracked: string[]
    let withSecrets: string[]
    try {
      const problem = await repoProblem(dir, context.signal)
      if (problem) throw new RepoUnusableError(problem, dir)
      const files = await listFiles(dir, { signal: context.signal })
      tracked = files.filter(isRealEnvFile)
      withSecrets = []
      for (const file of tracked) {
        if (await holdsSecrets(join(dir, file))) withSecrets.push(file)
      }
    } catch (error) {
      return [repoUnreadable(info, target, error)]
    }
    const evidence = { tracked, withSecrets }
    if (tracked.length === 0) {
      return [
        finding(info, target, {
          status: 'pass',
          severity: 'info',
          title: 'No real .env file is tracked by git',
          detail: 'git tracks no .env file other than examples.',
          evidence,
        }),
      ]
    }
    return [
      finding(info, target, {
        status: 'fail',
        severity: withSecrets.length > 0 ? 'blocker' : 'high',
        title: `git tracks ${tracked.length} env file(s): ${listSome(tracked, 3)}`,
        detail:
          'Everyone who can read the repository, now or later, can read ' +
          'these values, and they stay in its history after deletion.' +
          (withSecrets.length > 0
            ? ` ${listSome(withSecrets)} hold values that look like real secrets.`
            : ''),
        evidence,
        fix:
          'Stop tracking them, ignore them, and rotate every secret they ' +
          'held (the history keeps the old values):\n' +
          tracked.map((f) => `  git rm --cached ${f}`).join('\n') +
          '\n  echo ".env*" >> .gitignore\n  echo "!.env.example" >> .gitignore',
      }),
    ]
  },
}

async function holdsSecrets(path: string): Promise<boolean> {
  // lstat: a tracked symlink may point outside the repository.
  const info = await lstat(path).catch(() => undefined)
  if (!info?.isFile() || info.size > MAX_DOTENV_BYTES) return false
  return findSecrets(await readFile(path, 'utf8'), basename(path)).length > 0
}
