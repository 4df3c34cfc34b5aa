import { mkdir, writeFile } from 'node:fs/promises'
import { basename, dirname, extname, join, relative } from 'node:path'
import { Document } from 'yaml'
import {
  WorkspaceSchema,
  type WorkspaceInput,
} from '../../src/shared/workspace'

/**
 * The world's workspace files: how the app reaches the world, through
 * the same `network` settings a user with a private setup would write.
 */

/** The settings every workspace of one world shares. */
export interface WorldNetwork {
  /** DNS servers to ask, "address:port". */
  readonly resolvers: readonly string[]
  /** The root CA file, absolute; workspaces name it relative to themselves. */
  readonly caFile: string
  readonly caaIdentity: string
  readonly httpPort: number
  readonly httpsPort: number
  readonly dnsPort: number
  /** The port MX hosts are asked on. */
  readonly smtpPort: number
}

/** Fields to change in a generated workspace; `network` merges by field. */
export type WorkspaceOverrides = Omit<Partial<WorkspaceInput>, 'network'> & {
  readonly network?: Partial<NonNullable<WorkspaceInput['network']>>
}

/** One `endpoints` entry, as a workspace file holds it. */
export type EndpointInput = NonNullable<WorkspaceInput['endpoints']>[number]

/** What a workspace is about before the world's settings go in. */
export interface WorkspaceDraft {
  readonly name: string
  readonly domain: string
  readonly subdomains: readonly string[]
}

/**
 * Writes a workspace for `draft` at `file`: canonical origin
 * https://www.DOMAIN, the world's network settings, then `overrides`.
 * Checked against the app's own schema first, so a schema change breaks
 * here rather than in every test that loads the file.
 */
export async function writeWorkspace(
  file: string,
  draft: WorkspaceDraft,
  network: WorldNetwork,
  overrides: WorkspaceOverrides = {},
): Promise<string> {
  const home = dirname(file)
  const workspace: WorkspaceInput = {
    version: 1,
    name: draft.name,
    domain: draft.domain,
    // An origin has no port; network.httpsPort carries the test port.
    canonicalOrigin: `https://www.${draft.domain}`,
    subdomains: [...draft.subdomains],
    ...overrides,
    network: {
      resolvers: [...network.resolvers],
      caFile: relative(home, network.caFile),
      caaIdentity: network.caaIdentity,
      httpPort: network.httpPort,
      httpsPort: network.httpsPort,
      dnsPort: network.dnsPort,
      smtpPort: network.smtpPort,
      ...overrides.network,
    },
  }
  WorkspaceSchema.parse(workspace)
  await mkdir(home, { recursive: true })
  await writeFile(file, serialize(workspace, file))
  return file
}

/**
 * A file next to `workspaceFile` with `suffix` after its stem and the
 * same format: shop.launchready.yaml → shop-hostile.launchready.yaml.
 */
export function siblingFile(workspaceFile: string, suffix: string): string {
  const json = extname(workspaceFile).toLowerCase() === '.json'
  const name = `${workspaceStem(workspaceFile)}${suffix}`
  return join(
    dirname(workspaceFile),
    json ? `${name}.json` : `${name}.launchready.yaml`,
  )
}

/** "world" for world.launchready.yaml, "shop" for shop.json. */
export function workspaceStem(file: string): string {
  return basename(file)
    .replace(/\.(ya?ml|json)$/i, '')
    .replace(/\.launchready$/i, '')
}

function serialize(workspace: WorkspaceInput, file: string): string {
  if (extname(file).toLowerCase() === '.json') {
    return `${JSON.stringify(workspace, null, 2)}\n`
  }
  const document = new Document(workspace)
  document.commentBefore =
    ' The Launch Ready test world (test/world). Its servers and CA exist\n' +
    ' only while `npm run world` (or the test that started it) runs.'
  return document.toString()
}
