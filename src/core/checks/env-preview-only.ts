import { join } from 'node:path'
import { checkInfo } from '../../shared/catalogue'
import type { Environment } from '../../shared/workspace'
import { readDotenv } from '../env/dotenv-file'
import {
  isProduction,
  previewValueReason,
  workspacePreviewHosts,
} from '../env/preview-hosts'
import { repoDirectory } from '../env/repo'
import { finding, type Check } from './check'
import { listSome, repoUnreadable } from './env-shared'

const info = checkInfo('env.preview-only')!

interface Problem {
  readonly where: string
  readonly name: string
  readonly reason: string
}

/**
 * Values that belong to test or preview deployments only: Stripe's test
 * mode keys, and Vercel's own marker of a preview deployment.
 */
function previewOnlyValue(name: string, value: string): string | undefined {
  if (/^[rsp]k_test_/.test(value)) return 'it is a Stripe test-mode key'
  if (name === 'NODE_ENV' && value && value !== 'production') {
    return `NODE_ENV is "${value}", not "production"`
  }
  if (name === 'VERCEL_ENV' && value === 'preview') {
    return 'VERCEL_ENV marks a preview deployment'
  }
  return undefined
}

/**
 * env.preview-only: the production environment's URL and env file point
 * at no preview host (provider preview domains, localhost, staging and
 * preview subdomains, the workspace's preview hosts) and hold no
 * test-only values. Target: each production environment's name.
 */
export const envPreviewOnly: Check = {
  info,
  targets: (workspace) =>
    workspace.environments
      .filter(
        (e) => isProduction(e) && (e.url || (e.envFile && workspace.repo)),
      )
      .map((e) => e.name),
  async run(target, context) {
    const { workspace } = context
    const environment = workspace.environments.find((e) => e.name === target)!
    const previewHosts = workspacePreviewHosts(workspace)
    let problems: Problem[]
    let envFileFound: boolean | null
    try {
      const result = await examine(
        environment,
        previewHosts,
        workspace.repo && repoDirectory(workspace.repo, context.workspaceFile),
      )
      problems = result.problems
      envFileFound = result.envFileFound
    } catch (error) {
      return [repoUnreadable(info, target, error)]
    }
    const evidence = {
      environment: target,
      url: environment.url ?? null,
      envFile: environment.envFile ?? null,
      envFileFound,
      previewHosts: [...previewHosts],
      problems: problems.map((p) => ({ ...p })),
    }
    if (problems.length > 0) {
      const where = problems.map((p) => `${p.name} (${p.where}): ${p.reason}`)
      return [
        finding(info, target, {
          status: 'fail',
          severity: 'high',
          title: `${target} settings point at preview or test services`,
          detail: `${listSome(where, 6)}. Production would talk to a deployment that is not production: orders, mail or payments go to the wrong place.`,
          evidence,
          fix:
            `Give ${target} its own production values for ` +
            `${listSome([...new Set(problems.map((p) => p.name))])}, in ` +
            `${environment.envFile ?? 'its settings'} and at the hosting provider.`,
        }),
      ]
    }
    return [
      finding(info, target, {
        status: 'pass',
        severity: 'info',
        title: `${target} settings point at production services only`,
        detail:
          envFileFound === false
            ? `${environment.envFile} does not exist, so only the URL was checked.`
            : `No value of ${target} points at a preview host or holds a test-only value.`,
        evidence,
      }),
    ]
  },
}

async function examine(
  environment: Environment,
  previewHosts: ReadonlySet<string>,
  repoDir: string | undefined,
): Promise<{ problems: Problem[]; envFileFound: boolean | null }> {
  const problems: Problem[] = []
  if (environment.url) {
    const reason = previewValueReason(environment.url, previewHosts)
    if (reason) problems.push({ where: 'workspace', name: 'url', reason })
  }
  if (!environment.envFile || !repoDir) {
    return { problems, envFileFound: null }
  }
  const file = await readDotenv(join(repoDir, environment.envFile))
  for (const entry of file?.entries.values() ?? []) {
    const reason =
      previewValueReason(entry.value, previewHosts) ??
      previewOnlyValue(entry.name, entry.value)
    if (reason) {
      problems.push({
        where: `${environment.envFile}:${entry.line}`,
        name: entry.name,
        reason,
      })
    }
  }
  return { problems, envFileFound: file !== undefined }
}
