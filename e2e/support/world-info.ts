import { readFile, writeFile } from 'node:fs/promises'
import type { World } from '../../test/world/world'
import { WORLD_INFO } from './paths'

/** The facts about the running world the workers need. */
export type WorldInfo = WorldFacts & {
  /** The world's workspace plus a repository with a committed key. */
  readonly repoWorkspaceFile: string
  /** The same again, for the walk through the whole flow. */
  readonly walkWorkspaceFile: string
  /** The world's workspace with monitoring and a Slack channel. */
  readonly monitoredWorkspaceFile: string
}

type WorldFacts = Pick<
  World,
  | 'dir'
  | 'domain'
  | 'workspaceFile'
  | 'deadDnsWorkspaceFile'
  | 'caFile'
  | 'resolver'
  | 'hosts'
  | 'apiToken'
  | 'smtpPassword'
  | 'webhookOrigin'
>

/** Written by the global setup, which owns the world's processes. */
export async function saveWorldInfo(
  world: World,
  files: {
    readonly repo: string
    readonly walk: string
    readonly monitored: string
  },
): Promise<void> {
  const { dir, domain, workspaceFile, deadDnsWorkspaceFile } = world
  const { caFile, resolver, hosts, apiToken, smtpPassword, webhookOrigin } =
    world
  const info: WorldInfo = {
    dir,
    domain,
    workspaceFile,
    deadDnsWorkspaceFile,
    caFile,
    resolver,
    hosts,
    apiToken,
    smtpPassword,
    webhookOrigin,
    repoWorkspaceFile: files.repo,
    walkWorkspaceFile: files.walk,
    monitoredWorkspaceFile: files.monitored,
  }
  await writeFile(WORLD_INFO, JSON.stringify(info, null, 2))
}

export async function loadWorldInfo(): Promise<WorldInfo> {
  return JSON.parse(await readFile(WORLD_INFO, 'utf8')) as WorldInfo
}
