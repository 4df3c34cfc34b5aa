import { readFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { rootCertificates } from 'node:tls'
import type { Workspace } from '../../shared/workspace'
import { LaunchReadyError, messageOf } from '../errors'
import { HttpClient } from './http'
import { Resolver } from './resolver'
import { inspectTls, type TlsInspectOptions, type TlsReport } from './tls'

/**
 * Everything a check needs to reach the network the way the workspace
 * says: its DNS servers, its extra trusted CA, its ports and timeouts.
 */
export interface Network {
  readonly resolver: Resolver
  readonly http: HttpClient
  /** The trusted roots: the bundled public ones plus the workspace's CA. */
  readonly ca: readonly string[]
  /** The workspace's own CA certificates (network.caFile), as PEM. */
  readonly extraCa: readonly string[]
  /** The CAA identifier of those (network.caaIdentity). */
  readonly caaIdentity?: string
  readonly httpPort: number
  readonly httpsPort: number
  /** The port authoritative nameservers are asked on. */
  readonly dnsPort: number
  /** The port MX hosts are asked on. */
  readonly smtpPort: number
  readonly timeoutMs: number
  inspectTls(
    options: Omit<TlsInspectOptions, 'lookup' | 'ca'> & { port?: number },
  ): Promise<TlsReport>
}

export interface NetworkOptions {
  /** Per-request budget; a check's own timeout is longer. */
  readonly timeoutMs?: number
}

/**
 * Builds the network for a workspace. `workspaceFile` anchors a relative
 * `network.caFile`.
 */
export async function createNetwork(
  workspace: Pick<Workspace, 'network'>,
  workspaceFile: string | undefined,
  options: NetworkOptions = {},
): Promise<Network> {
  const settings = workspace.network
  const timeoutMs = options.timeoutMs ?? 8000
  const extra = settings.caFile
    ? await readCaFile(resolve(dirname(workspaceFile ?? '.'), settings.caFile))
    : []
  const ca = [...rootCertificates, ...extra]
  const resolver = new Resolver({
    servers: settings.resolvers,
    timeoutMs: Math.min(timeoutMs, 5000),
  })
  const http = new HttpClient({ lookup: resolver.lookup, ca, timeoutMs })
  return {
    resolver,
    http,
    ca,
    extraCa: extra,
    caaIdentity: settings.caaIdentity,
    httpPort: settings.httpPort,
    httpsPort: settings.httpsPort,
    dnsPort: settings.dnsPort,
    smtpPort: settings.smtpPort,
    timeoutMs,
    inspectTls: (o) =>
      inspectTls({
        timeoutMs,
        port: settings.httpsPort,
        ...o,
        lookup: resolver.lookup,
        ca,
      }),
  }
}

async function readCaFile(path: string): Promise<string[]> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new LaunchReadyError(
      'read network.caFile',
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'the file does not exist'
        : messageOf(error),
      path,
      { cause: error },
    )
  }
  const pems = text.match(
    /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g,
  )
  if (!pems) {
    throw new LaunchReadyError(
      'read network.caFile',
      'it holds no PEM certificate',
      path,
    )
  }
  return pems
}

/** The URL of a host on the workspace's ports, e.g. for probes. */
export function siteUrl(
  network: Pick<Network, 'httpPort' | 'httpsPort'>,
  scheme: 'http' | 'https',
  host: string,
  path = '/',
): string {
  const port = scheme === 'http' ? network.httpPort : network.httpsPort
  const standard = scheme === 'http' ? 80 : 443
  return `${scheme}://${host}${port === standard ? '' : `:${port}`}${path}`
}
