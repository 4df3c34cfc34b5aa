import { execFile } from 'node:child_process'
import { stat } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import type { Repo } from '../../shared/workspace'
import { LaunchReadyError, messageOf } from '../errors'

/** git output larger than this is refused rather than held in memory. */
const MAX_GIT_OUTPUT = 64 * 1024 * 1024

/**
 * The repository's absolute path: `repo.path` is written relative to the
 * workspace file so a workspace handed over with its repo still works.
 */
export function repoDirectory(repo: Repo, workspaceFile?: string): string {
  return resolve(dirname(workspaceFile ?? resolve('.')), repo.path)
}

/** Runs git in `cwd`; throws LaunchReadyError naming the command. */
export function git(
  cwd: string,
  args: readonly string[],
  signal?: AbortSignal,
): Promise<string> {
  return new Promise((done, fail) => {
    execFile(
      'git',
      [...args],
      { cwd, signal, maxBuffer: MAX_GIT_OUTPUT, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (!error) return done(stdout)
        const reason = stderr.trim().split('\n')[0] || messageOf(error)
        fail(
          new LaunchReadyError(`run git ${args[0]}`, reason, cwd, {
            cause: error,
          }),
        )
      },
    )
  })
}

/**
 * Checks that `dir` is a git checkout, as a sentence for a finding, or
 * undefined when it is one.
 */
export async function repoProblem(
  dir: string,
  signal?: AbortSignal,
): Promise<string | undefined> {
  try {
    if (!(await stat(dir)).isDirectory()) return `${dir} is not a folder`
  } catch {
    return `the folder ${dir} does not exist`
  }
  try {
    await git(dir, ['rev-parse', '--git-dir'], signal)
    return undefined
  } catch {
    return `${dir} is not a git repository`
  }
}

/**
 * Files git tracks in `dir`, relative to it, plus untracked files that are
 * not ignored when `untracked` is set: the files a build or a reader of
 * the repository sees, never node_modules or build output.
 */
export async function listFiles(
  dir: string,
  options: { readonly untracked?: boolean; readonly signal?: AbortSignal },
): Promise<readonly string[]> {
  const args = ['ls-files', '-z', '--cached']
  if (options.untracked) args.push('--others', '--exclude-standard')
  const out = await git(dir, args, options.signal)
  return [...new Set(out.split('\0').filter(Boolean))]
}
