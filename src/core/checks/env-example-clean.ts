import { readFile, lstat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { checkInfo } from '../../shared/catalogue'
import { MAX_DOTENV_BYTES, parseDotenv } from '../env/dotenv-file'
import { listFiles, repoDirectory, repoProblem } from '../env/repo'
import {
  isPlaceholder,
  realSecretReason,
  redact,
} from '../env/secret-heuristic'
import { findSecrets } from '../env/secret-scan'
import { finding, type Check } from './check'
import { listSome, repoUnreadable } from './env-shared'
import { RepoUnusableError } from '../env/analysis'

const info = checkInfo('env.example-clean')!

/** `.env.example`, `.env.production.sample`, `app.env.template`… */
export function isExampleEnvFile(path: string): boolean {
  const name = basename(path).toLowerCase()
  return (
    /(?:^|\.)env(?:\.[\w-]+)*\.(?:example|sample|template|dist)$/.test(name) ||
    /^\.?env\.(?:example|sample|template|dist)(?:\.[\w-]+)*$/.test(name)
  )
}

interface ExampleSecret {
  readonly file: string
  readonly line: number
  readonly name: string
  readonly reason: string
  readonly redacted: string
}

/**
 * env.example-clean: the example env files (the documented file and any
 * `.env*.example`/`.sample`/`.template` in the repository) hold
 * placeholders, never real credentials. Target: the repository path.
 */
export const envExampleClean: Check = {
  info,
  targets: (workspace) => (workspace.repo ? [workspace.repo.path] : []),
  async run(target, context) {
    const repo = context.workspace.repo!
    const dir = repoDirectory(repo, context.workspaceFile)
    let found: ExampleSecret[]
    let files: string[]
    try {
      const problem = await repoProblem(dir, context.signal)
      if (problem) throw new RepoUnusableError(problem, dir)
      const listed = await listFiles(dir, {
        untracked: true,
        signal: context.signal,
      })
      files = [
        ...new Set([repo.documentedFile, ...listed.filter(isExampleEnvFile)]),
      ]
      found = []
      for (const file of files) found.push(...(await examineFile(dir, file)))
    } catch (error) {
      return [repoUnreadable(info, target, error)]
    }
    const evidence = {
      files,
      secrets: found.map((s) => ({
        file: s.file,
        line: s.line,
        name: s.name,
        why: s.reason,
        value: s.redacted,
      })),
    }
    if (found.length > 0) {
      const where = found.map((s) => `${s.name} at ${s.file}:${s.line}`)
      return [
        finding(info, target, {
          status: 'fail',
          severity: 'blocker',
          title: `${found.length} real-looking secret(s) in example env files`,
          detail:
            `Example files are shared with everyone who can read the ` +
            `repository, yet these values look real: ${listSome(where)}. ` +
            found.map((s) => `${s.name}: ${s.reason}.`).join(' '),
          evidence,
          fix:
            'Replace each value with a placeholder such as ' +
            '"your-stripe-secret-key", then rotate the real key at its ' +
            'provider: it stays in the git history. For example:\n' +
            found.map((s) => `  ${s.name}=your-${kebab(s.name)}`).join('\n'),
        }),
      ]
    }
    return [
      finding(info, target, {
        status: 'pass',
        severity: 'info',
        title: 'Example env files hold placeholders only',
        detail: `Looked at ${files.length} example file(s): ${listSome(files)}.`,
        evidence,
      }),
    ]
  },
}

async function examineFile(
  dir: string,
  file: string,
): Promise<ExampleSecret[]> {
  const path = join(dir, file)
  // lstat: a tracked symlink may point outside the repository.
  const info = await lstat(path).catch(() => undefined)
  if (!info?.isFile() || info.size > MAX_DOTENV_BYTES) return []
  const text = await readFile(path, 'utf8')
  const hits = findSecrets(text, file)
  const found: ExampleSecret[] = []
  for (const entry of parseDotenv(text).entries.values()) {
    // The rules judge the line; the heuristic, the value as dotenv reads
    // it (quotes removed, placeholders recognised).
    const hit = hits.find((h) => h.line === entry.line)
    const reason = hit
      ? `it looks like a real secret (${hit.rule})`
      : realSecretReason(entry.name, entry.value)
    if (reason && !isPlaceholder(entry.value)) {
      found.push({
        file,
        line: entry.line,
        name: entry.name,
        reason,
        redacted: redact(entry.value),
      })
    }
  }
  return found
}

function kebab(name: string): string {
  return name.toLowerCase().replace(/_/g, '-')
}
