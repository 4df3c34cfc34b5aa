import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { stringify } from 'yaml'

/** A real git repository in a temporary folder, for the env and build checks. */
export interface TestRepo {
  readonly dir: string
  /** Writes files (relative path → text), creating folders. */
  write(files: Readonly<Record<string, string>>): Promise<void>
  /** Stages everything not ignored and commits it. */
  commit(message?: string): void
  git(...args: string[]): string
  remove(): Promise<void>
}

export async function createRepo(
  files: Readonly<Record<string, string>> = {},
): Promise<TestRepo> {
  const root = await mkdtemp(join(tmpdir(), 'lr-repo-'))
  const dir = join(root, 'app')
  await mkdir(dir)
  const git = (...args: string[]) =>
    execFileSync(
      'git',
      ['-c', 'user.name=Test', '-c', 'user.email=test@shop.test', ...args],
      { cwd: dir, encoding: 'utf8' },
    )
  const repo: TestRepo = {
    dir,
    git,
    async write(more) {
      for (const [path, text] of Object.entries(more)) {
        await mkdir(dirname(join(dir, path)), { recursive: true })
        await writeFile(join(dir, path), text)
      }
    },
    commit(message = 'work') {
      git('add', '-A')
      git('commit', '-q', '--allow-empty', '-m', message)
    },
    remove: () => rm(root, { recursive: true, force: true }),
  }
  git('init', '-q', '-b', 'main')
  await repo.write(files)
  return repo
}

/**
 * Writes a workspace file next to the repository (so repo.path is
 * "app") and returns its path.
 */
export async function repoWorkspace(
  repo: TestRepo,
  fields: Readonly<Record<string, unknown>> = {},
): Promise<string> {
  const file = join(dirname(repo.dir), 'shop.launchready.yaml')
  const repoFields = (fields['repo'] ?? {}) as Record<string, unknown>
  await writeFile(
    file,
    stringify({
      version: 1,
      name: 'Shop',
      domain: 'shop.test',
      canonicalOrigin: 'https://www.shop.test',
      ...fields,
      repo: { path: 'app', ...repoFields },
    }),
  )
  return file
}
