import { createSocket } from 'node:dgram'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { basename, dirname, extname, join, relative, resolve } from 'node:path'
import { Document } from 'yaml'
import {
  WorkspaceSchema,
  type WorkspaceInput,
} from '../../src/shared/workspace'
import {
  createTestPki,
  pem,
  writePemFiles,
  type CertificateKind,
  type TestPki,
} from './certificates'
import { freshSerial, startDnsServer, type DnsServer, type Zone } from './dns'
import { startEdge, type Edge, type EdgeSite } from './edge'
import { removeOnExit, WorldError } from './process'

/**
 * The local test world: a DNS server, an nginx edge and a throwaway PKI on
 * loopback addresses, plus a workspace file that points the app at them.
 * Tests, e2e specs and `npm run world` all start it the same way.
 */

/** The zone every world serves. */
export const WORLD_DOMAIN = 'shop.test'

/** What a host of the world is there to show. */
export type HostKind = CertificateKind | 'no-redirect'

interface HostPlan {
  /** The label under the domain; '' for the apex. */
  readonly label: string
  readonly certificate: CertificateKind
  /** False: plain HTTP serves the page instead of redirecting. */
  readonly redirect: boolean
  readonly purpose: string
}

/**
 * The world's hosts, one line each. Addresses follow this order
 * (127.0.N.1, .2, …), so add new hosts at the end.
 */
const HOST_PLANS: readonly HostPlan[] = [
  { label: '', certificate: 'valid', redirect: true, purpose: 'the apex' },
  {
    label: 'www',
    certificate: 'valid',
    redirect: true,
    purpose: 'the canonical origin',
  },
  {
    label: 'admin',
    certificate: 'valid',
    redirect: true,
    purpose: 'the admin app, a healthy subdomain',
  },
  {
    label: 'expired',
    certificate: 'expired',
    redirect: true,
    purpose: 'its certificate expired 10 days ago',
  },
  {
    label: 'wrong-host',
    certificate: 'wrong-host',
    redirect: true,
    purpose: 'its certificate names only elsewhere.test',
  },
  {
    label: 'self-signed',
    certificate: 'self-signed',
    redirect: true,
    purpose: 'its certificate is signed by itself',
  },
  {
    label: 'no-intermediate',
    certificate: 'missing-intermediate',
    redirect: true,
    purpose: 'it sends its certificate without the intermediate',
  },
  {
    label: 'no-redirect',
    certificate: 'valid',
    redirect: false,
    purpose: 'plain HTTP serves the page instead of redirecting',
  },
  {
    label: 'short-lived',
    certificate: 'short-lived',
    redirect: true,
    purpose: 'a 6-day certificate, judged by the share of life left',
  },
]

/** One host of a running world. */
export interface WorldHost {
  readonly name: string
  readonly address: string
  readonly kind: HostKind
  readonly certificate: CertificateKind
  readonly redirectsToHttps: boolean
  /** What the host is for, in a few words. */
  readonly purpose: string
}

export interface WorldOptions {
  /**
   * The address block 127.0.N.0/24 and a port offset of (N − 1) × 100, so
   * worlds on different N run side by side. 'auto' picks a free N from
   * 20–99 (for tests that run in parallel). Default 1.
   */
  readonly net?: number | 'auto'
  /** Explicit ports; otherwise 18080, 18443 and 10053 plus the offset. */
  readonly httpPort?: number
  readonly httpsPort?: number
  readonly dnsPort?: number
  /**
   * Where to write the workspace file; the CA file goes next to it.
   * Default: world.launchready.yaml in the world's temp dir.
   */
  readonly workspaceFile?: string
  /** Program paths, for machines that keep them somewhere unusual. */
  readonly programs?: { readonly knotd?: string; readonly nginx?: string }
}

/** A running world. */
export interface World {
  /** The temp dir holding configs, certificates and logs. */
  readonly dir: string
  readonly domain: string
  /** N of 127.0.N.0/24. */
  readonly net: number
  readonly workspaceFile: string
  /** The root CA certificate (PEM), the one certificate to trust. */
  readonly caFile: string
  /** The DNS server, "address:port". */
  readonly resolver: string
  readonly httpPort: number
  readonly httpsPort: number
  readonly hosts: readonly WorldHost[]
  /** Stops every server and removes `dir`; safe to call twice. */
  stop(): Promise<void>
}

/**
 * Starts a world: makes the PKI, starts knotd and nginx, and writes the
 * CA and workspace files. Throws a WorldError naming the program that
 * failed, with its output; nothing is left running or on disk then.
 */
export async function startWorld(options: WorldOptions = {}): Promise<World> {
  if (options.net === 'auto') return startOnFreeNet(options)
  return startOn(layoutFor(options.net ?? 1, options), options)
}

/** Where one world lives: its address block and ports. */
interface Layout {
  readonly net: number
  readonly httpPort: number
  readonly httpsPort: number
  readonly dnsAddress: string
  readonly dnsPort: number
}

const BASE_PORTS = { http: 18080, https: 18443, dns: 10053 } as const
const PORT_STEP = 100
/** .53 is the DNS server's; hosts take .1 upwards. */
const DNS_HOST_NUMBER = 53

function layoutFor(net: number, options: WorldOptions): Layout {
  if (!Number.isInteger(net) || net < 1 || net > 254) {
    throw new RangeError(`net must be a whole number from 1 to 254: ${net}`)
  }
  const offset = (net - 1) * PORT_STEP
  return {
    net,
    httpPort: options.httpPort ?? BASE_PORTS.http + offset,
    httpsPort: options.httpsPort ?? BASE_PORTS.https + offset,
    dnsAddress: `127.0.${net}.${DNS_HOST_NUMBER}`,
    dnsPort: options.dnsPort ?? BASE_PORTS.dns + offset,
  }
}

function planHosts(layout: Layout): WorldHost[] {
  return HOST_PLANS.map((plan, i) => ({
    name: plan.label ? `${plan.label}.${WORLD_DOMAIN}` : WORLD_DOMAIN,
    address: `127.0.${layout.net}.${i + 1}`,
    kind: plan.redirect ? plan.certificate : 'no-redirect',
    certificate: plan.certificate,
    redirectsToHttps: plan.redirect,
    purpose: plan.purpose,
  }))
}

async function startOn(layout: Layout, options: WorldOptions): Promise<World> {
  const dir = await mkdtemp(join(tmpdir(), 'launch-ready-world-'))
  const forgetDir = removeOnExit(dir)
  const running: { stop(): Promise<void> }[] = []
  const stopAll = async () => {
    await Promise.all(running.map((server) => server.stop()))
    await rm(dir, { recursive: true, force: true })
    forgetDir()
  }
  try {
    const hosts = planHosts(layout)
    const pki = await createTestPki()
    const sites = await writeSites(join(dir, 'certs'), pki, hosts)
    const { dns } = await startServers(
      dir,
      layout,
      hosts,
      sites,
      options,
      running,
    )
    const files = await writeWorkspace(dir, layout, hosts, pki, options)
    let stopping: Promise<void> | undefined
    return {
      dir,
      domain: WORLD_DOMAIN,
      net: layout.net,
      ...files,
      resolver: dns.endpoint,
      httpPort: layout.httpPort,
      httpsPort: layout.httpsPort,
      hosts,
      stop: () => (stopping ??= stopAll()),
    }
  } catch (error) {
    await stopAll()
    throw error
  }
}

/** Issues every host's certificate and writes its PEM files. */
async function writeSites(
  dir: string,
  pki: TestPki,
  hosts: readonly WorldHost[],
): Promise<EdgeSite[]> {
  await mkdir(dir, { recursive: true })
  return Promise.all(
    hosts.map(async (host) => {
      const issued = await pki.issue(host.name, host.certificate)
      const files = await writePemFiles(dir, host.name, issued)
      return {
        name: host.name,
        address: host.address,
        certificate: files.served,
        key: files.key,
        legacy: issued.legacy,
        redirectToHttps: host.redirectsToHttps,
        description: host.purpose,
      }
    }),
  )
}

/**
 * Starts knotd and nginx side by side. Whatever started goes into
 * `running` even when the other failed, so the caller can stop it.
 */
async function startServers(
  dir: string,
  layout: Layout,
  hosts: readonly WorldHost[],
  sites: readonly EdgeSite[],
  options: WorldOptions,
  running: { stop(): Promise<void> }[],
): Promise<{ dns: DnsServer; edge: Edge }> {
  const [dns, edge] = await Promise.allSettled([
    startDnsServer({
      dir: join(dir, 'dns-ns1'),
      address: layout.dnsAddress,
      port: layout.dnsPort,
      zones: [worldZone(layout, hosts)],
      program: options.programs?.knotd,
    }),
    startEdge({
      dir: join(dir, 'edge'),
      sites,
      httpPort: layout.httpPort,
      httpsPort: layout.httpsPort,
      program: options.programs?.nginx,
    }),
  ])
  if (dns.status === 'fulfilled') running.push(dns.value)
  if (edge.status === 'fulfilled') running.push(edge.value)
  if (dns.status === 'rejected') throw dns.reason
  if (edge.status === 'rejected') throw edge.reason
  return { dns: dns.value, edge: edge.value }
}

/**
 * The zone shop.test: SOA, NS and an A record per host. A second
 * authoritative server would be a second nameserver here and a second
 * startDnsServer call with the same zone.
 */
function worldZone(layout: Layout, hosts: readonly WorldHost[]): Zone {
  return {
    origin: WORLD_DOMAIN,
    serial: freshSerial(),
    nameservers: [{ name: `ns1.${WORLD_DOMAIN}`, address: layout.dnsAddress }],
    records: hosts.map((h) => ({ name: h.name, type: 'A', value: h.address })),
  }
}

/**
 * Writes the CA file (the root alone: what a user would trust) and the
 * workspace file, checked against the app's own schema first so a
 * schema change breaks here rather than in every test that loads it.
 */
async function writeWorkspace(
  dir: string,
  layout: Layout,
  hosts: readonly WorldHost[],
  pki: TestPki,
  options: WorldOptions,
): Promise<{ workspaceFile: string; caFile: string }> {
  const workspaceFile = resolve(
    options.workspaceFile ?? join(dir, 'world.launchready.yaml'),
  )
  const home = dirname(workspaceFile)
  const caFile = join(home, `${workspaceStem(workspaceFile)}-ca.pem`)
  await mkdir(home, { recursive: true })
  await writeFile(caFile, pem([pki.root.certificate]))

  const www = `www.${WORLD_DOMAIN}`
  const workspace: WorkspaceInput = {
    version: 1,
    name: 'Shop (test world)',
    domain: WORLD_DOMAIN,
    // An origin has no port; network.httpsPort carries the test port.
    canonicalOrigin: `https://${www}`,
    subdomains: hosts
      .map((h) => h.name)
      .filter((name) => name !== WORLD_DOMAIN && name !== www),
    network: {
      resolvers: [`${layout.dnsAddress}:${layout.dnsPort}`],
      caFile: relative(home, caFile),
      httpPort: layout.httpPort,
      httpsPort: layout.httpsPort,
    },
  }
  WorkspaceSchema.parse(workspace)
  await writeFile(workspaceFile, serialize(workspace, workspaceFile))
  return { workspaceFile, caFile }
}

/** "world" for world.launchready.yaml, "shop" for shop.json. */
function workspaceStem(file: string): string {
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

/** Nets 'auto' chooses from; 1–19 are left for people to pick by hand. */
const AUTO_NETS = { first: 20, count: 80 } as const
const AUTO_ATTEMPTS = 8

/**
 * Starts on the first net whose ports are free, beginning at one chosen
 * by process id so parallel test workers rarely collide. A world that
 * loses a race for a port between the check and the start moves on.
 */
async function startOnFreeNet(options: WorldOptions): Promise<World> {
  const { first, count } = AUTO_NETS
  const start = process.pid % count
  let attempts = 0
  let lastError: unknown
  for (let i = 0; i < count && attempts < AUTO_ATTEMPTS; i++) {
    const layout = layoutFor(first + ((start + i) % count), options)
    if (!(await isFree(layout))) continue
    attempts++
    try {
      return await startOn(layout, options)
    } catch (error) {
      if (!isAddressInUse(error)) throw error
      lastError = error
    }
  }
  throw new WorldError(
    'the test world',
    `no free address block in 127.0.${first}–${first + count - 1}`,
    lastError instanceof Error ? lastError.message : '',
  )
}

function isAddressInUse(error: unknown): boolean {
  return (
    error instanceof WorldError && /address already in use/i.test(error.message)
  )
}

/** True when every port the world would bind is free right now. */
async function isFree(layout: Layout): Promise<boolean> {
  const tcp = HOST_PLANS.flatMap((_, i) =>
    [layout.httpPort, layout.httpsPort].map((port) =>
      canBindTcp(`127.0.${layout.net}.${i + 1}`, port),
    ),
  )
  const checks = [
    ...tcp,
    canBindTcp(layout.dnsAddress, layout.dnsPort),
    canBindUdp(layout.dnsAddress, layout.dnsPort),
  ]
  return (await Promise.all(checks)).every(Boolean)
}

function canBindTcp(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen({ host, port, exclusive: true }, () =>
      server.close(() => resolve(true)),
    )
  })
}

function canBindUdp(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4')
    socket.once('error', () => {
      socket.close()
      resolve(false)
    })
    socket.bind({ address, port, exclusive: true }, () =>
      socket.close(() => resolve(true)),
    )
  })
}
