import { randomBytes } from 'node:crypto'
import { createSocket } from 'node:dgram'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { shopPage, STYLES_CSS } from './admin-assets'
import { startAdminApp, type AdminApp } from './admin-app'
import {
  endpointsFor,
  STREAMED_PATHS,
  UNCOMPRESSED_PATHS,
} from './admin-routes'
import { startCdnFront, type CdnSite } from './cdn'
import {
  createTestPki,
  pem,
  writePemFiles,
  type CertificateKind,
  type PemFiles,
  type TestPki,
} from './certificates'
import { freshSerial, startDnsServer } from './dns'
import { startEdge, type EdgeSite } from './edge'
import { startTcpDelay, startUdpDelay, type ProxyRoute } from './latency'
import { startDeadDns, startMisbehavingServers } from './misbehaving'
import {
  CAA_IDENTITY,
  hasAddress,
  HOST_PLANS,
  SPECIAL_NUMBERS,
  WORLD_DOMAIN,
  workspaceDomain,
  type HostKind,
  type HostPlan,
  type HostServer,
  type WorkspaceKey,
} from './plan'
import { removeOnExit, WorldError } from './process'
import {
  siblingFile,
  workspaceStem,
  writeWorkspace,
  type WorkspaceOverrides,
  type WorldNetwork,
} from './workspaces'
import { worldZones, type NamedRecords, type WorldZones } from './zones'

/**
 * The local test world: two authoritative DNS servers, an nginx edge
 * (with a Cloudflare-like front for some hosts), misbehaving servers and
 * a throwaway PKI on loopback addresses, plus workspace files that point
 * the app at them. Tests, e2e specs and `npm run world` all start it the
 * same way. What it holds is listed in plan.ts.
 */

export {
  CAA_IDENTITY,
  CANONICAL_SCENARIOS,
  HOSTILE_DOMAIN,
  HUGE_BODY_BYTES,
  LAME_DOMAIN,
  LONG_CHAIN_HOPS,
  MANY_A_RECORDS,
  scenarioDomain,
  STALE_DOMAIN,
  WORLD_DOMAIN,
  type CanonicalScenario,
  type HostKind,
  type HostServer,
  type WorkspaceKey,
} from './plan'
export type { WorkspaceOverrides } from './workspaces'
export {
  APP_JS,
  ASSET_BYTES,
  EXPORT_BYTES,
  FOREIGN_IMAGE,
  LEGACY_JS,
  LOGO_PNG,
  LOGO_SIZE,
  STYLES_CSS,
} from './admin-assets'
export { appControl, CONTROL, type AppControl } from './admin-app'
export {
  API,
  API_TOKEN_SECRET,
  LYING_LENGTH,
  ROUTE_DELAY_MS,
} from './admin-routes'

/**
 * The environment variable that hands the vault the API token headless
 * (src/core/vault: LAUNCH_READY_SECRET_ + the name, upper-cased).
 */
export const API_TOKEN_ENV = 'LAUNCH_READY_SECRET_SHOP_API_TOKEN'

/** One host of a running world. */
export interface WorldHost {
  readonly name: string
  /**
   * The address its A record gives (the first, for many-a); '' for a
   * name that is a CNAME.
   */
  readonly address: string
  readonly kind: HostKind
  readonly certificate: CertificateKind
  /** Plain HTTP answers 301 to HTTPS on the same host. */
  readonly redirectsToHttps: boolean
  /** What the host is for, in a few words. */
  readonly purpose: string
  /** The workspace it belongs to, and that workspace's domain. */
  readonly workspace: WorkspaceKey
  readonly domain: string
  /** What answers on its address. */
  readonly server: HostServer
  /** The CNAME target, for names that are one. */
  readonly cname?: string
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
   * Where to write the workspace file; the CA file and the other
   * workspaces go next to it. Default: world.launchready.yaml in the
   * world's temp dir.
   */
  readonly workspaceFile?: string
  /**
   * Extra round-trip time, in ms, on every path to the world's servers
   * (DNS over UDP and TCP, HTTP, HTTPS): half on the way there, half on
   * the way back. Default 0: the servers answer on the addresses the
   * zone gives out, with no proxy in front.
   */
  readonly latencyMs?: number
  /** Program paths, for machines that keep them somewhere unusual. */
  readonly programs?: { readonly knotd?: string; readonly nginx?: string }
}

/**
 * The admin app behind www.shop.test's /api/ and /static/, as a test
 * drives it in the process that started the world. Test workers in
 * another process use `appControl(app.origin)` for the same.
 */
export type WorldApp = Omit<AdminApp, 'stop'>

/** An authoritative server of the world. */
export interface WorldNameserver {
  readonly name: string
  readonly address: string
  /** "address:port". */
  readonly endpoint: string
}

/** A running world. */
export interface World {
  /** The temp dir holding configs, certificates and logs. */
  readonly dir: string
  readonly domain: string
  /** N of 127.0.N.0/24. */
  readonly net: number
  /** The main site's workspace (shop.test). */
  readonly workspaceFile: string
  /** The hostile site's workspace (hostile.shop.test). */
  readonly hostileWorkspaceFile: string
  /** The main site's workspace, asking a DNS server that never answers. */
  readonly deadDnsWorkspaceFile: string
  /**
   * The main site's workspace whose endpoints are the bad inputs (hang,
   * fail, reset, endless, lying-length) and orders, whose result must
   * stand whatever the others do.
   */
  readonly badEndpointsWorkspaceFile: string
  /**
   * The whole Authorization header value the admin API accepts ("Bearer
   * …"), new on every start. Workspaces hold only
   * `secret:shop-api-token`, and no file of the world holds the value: a
   * test hands it to the vault as API_TOKEN_ENV
   * (LAUNCH_READY_SECRET_SHOP_API_TOKEN) or as a keychain entry named
   * API_TOKEN_SECRET (shop-api-token).
   */
  readonly apiToken: string
  /** The admin app: call counts, added delays. */
  readonly app: WorldApp
  /** The root CA certificate (PEM), the one certificate to trust. */
  readonly caFile: string
  /** The first authoritative server, "address:port": what workspaces ask. */
  readonly resolver: string
  /** Both authoritative servers, ns1 first. */
  readonly nameservers: readonly WorldNameserver[]
  /** The DNS server that never answers, "address:port". */
  readonly deadResolver: string
  /** lame.test's second nameserver address, where nothing listens. */
  readonly lameNameserver: string
  readonly httpPort: number
  readonly httpsPort: number
  readonly dnsPort: number
  /** The CAA issuer domain of the world's CA (network.caaIdentity). */
  readonly caaIdentity: string
  /** The extra round trip on every path, in ms; 0 for none. */
  readonly latencyMs: number
  /** Every host of every workspace; `workspace` says whose. */
  readonly hosts: readonly WorldHost[]
  /**
   * Writes a new workspace file for `domain` with the world's network
   * settings (resolver, CA, CAA identity, ports), canonical origin
   * https://www.DOMAIN and, for a domain of the world, its subdomains;
   * `overrides` replace fields (`network` field by field). Returns its
   * path, inside `dir`.
   */
  workspaceFor(domain: string, overrides?: WorkspaceOverrides): Promise<string>
  /** Stops every server and removes `dir`; safe to call twice. */
  stop(): Promise<void>
}

/** The hosts of one workspace, in the world's order. */
export function hostsOf(
  world: Pick<World, 'hosts'>,
  workspace: WorkspaceKey,
): WorldHost[] {
  return world.hosts.filter((h) => h.workspace === workspace)
}

/**
 * Starts a world: makes the PKI, starts knotd (twice), nginx and the
 * Node servers, and writes the CA and workspace files. Throws a
 * WorldError naming the program that failed, with its output; nothing is
 * left running or on disk then.
 */
export async function startWorld(options: WorldOptions = {}): Promise<World> {
  if (options.net === 'auto') return startOnFreeNet(options)
  return startOn(layoutFor(options.net ?? 1, options), options)
}

/** Where one world lives: its address block, ports and delay. */
interface Layout {
  readonly net: number
  readonly httpPort: number
  readonly httpsPort: number
  readonly dnsPort: number
  readonly latencyMs: number
}

const BASE_PORTS = { http: 18080, https: 18443, dns: 10053 } as const
const PORT_STEP = 100

function layoutFor(net: number, options: WorldOptions): Layout {
  if (!Number.isInteger(net) || net < 1 || net > 254) {
    throw new RangeError(`net must be a whole number from 1 to 254: ${net}`)
  }
  const latencyMs = options.latencyMs ?? 0
  if (!Number.isFinite(latencyMs) || latencyMs < 0) {
    throw new RangeError(`latencyMs must be 0 or more: ${latencyMs}`)
  }
  const offset = (net - 1) * PORT_STEP
  return {
    net,
    httpPort: options.httpPort ?? BASE_PORTS.http + offset,
    httpsPort: options.httpsPort ?? BASE_PORTS.https + offset,
    dnsPort: options.dnsPort ?? BASE_PORTS.dns + offset,
    latencyMs,
  }
}

/**
 * 127.D.N.X: host X of block N at depth D. Depth 0 holds the addresses
 * the zone gives out; a latency proxy there passes to depth 1, and a CDN
 * front passes to nginx one deeper again. Each world keeps to its own N
 * at every depth.
 */
function addressAt(layout: Layout, number: number, depth = 0): string {
  return `127.${depth}.${layout.net}.${number}`
}

/** Depth of the first server behind the public address. */
function frontDepth(layout: Layout): number {
  return layout.latencyMs > 0 ? 1 : 0
}

/** A host as placed on this world's addresses. */
interface PlacedHost {
  readonly host: WorldHost
  readonly plan: HostPlan
  /** X of 127.D.N.X; undefined for a name without an address. */
  readonly number?: number
  /** Depth of the address its own server (nginx, Node) listens on. */
  readonly depth: number
}

function placeHosts(layout: Layout): PlacedHost[] {
  let next = 1
  return HOST_PLANS.map((plan) => {
    const number = hasAddress(plan) ? next++ : undefined
    if (number !== undefined && number >= SPECIAL_NUMBERS.ns1) {
      throw new RangeError(`too many hosts: ${plan.name} would get .${number}`)
    }
    const depth = frontDepth(layout) + (plan.server === 'cdn' ? 1 : 0)
    return { host: worldHost(layout, plan, number), plan, number, depth }
  })
}

function worldHost(
  layout: Layout,
  plan: HostPlan,
  number: number | undefined,
): WorldHost {
  const cname = plan.dns && 'cname' in plan.dns ? plan.dns.cname : undefined
  return {
    name: plan.name,
    address: hostAddress(layout, plan, number),
    kind: plan.kind,
    certificate: plan.certificate ?? 'valid',
    redirectsToHttps: redirectsToHttps(plan),
    purpose: plan.purpose,
    workspace: plan.workspace,
    domain: workspaceDomain(plan.workspace),
    server: plan.server,
    ...(cname ? { cname } : {}),
  }
}

/** The (first) address a host's A records give; '' for a CNAME. */
function hostAddress(
  layout: Layout,
  plan: HostPlan,
  number: number | undefined,
): string {
  if (number !== undefined) return addressAt(layout, number)
  const dns = plan.dns
  if (dns && 'aRecords' in dns) return addressAt(layout, SPECIAL_NUMBERS.manyA)
  if (dns && 'zoneApex' in dns) {
    const apex = dns.zoneApex === 'stale' ? 'staleNs1' : 'lame'
    return addressAt(layout, SPECIAL_NUMBERS[apex])
  }
  return ''
}

/** True when plain HTTP answers 301 to HTTPS on the same host. */
function redirectsToHttps(plan: HostPlan): boolean {
  if (plan.server === 'none' || plan.server === 'node') return false
  const http = plan.site?.http
  if (http === undefined) return !plan.site?.noRedirect
  return (
    http.kind === 'redirect' &&
    http.status === 301 &&
    http.scheme === 'https' &&
    (http.host ?? plan.name) === plan.name &&
    http.path === undefined
  )
}

async function startOn(layout: Layout, options: WorldOptions): Promise<World> {
  const dir = await mkdtemp(join(tmpdir(), 'launch-ready-world-'))
  const forgetDir = removeOnExit(dir)
  const running: Stoppable[] = []
  const stopAll = async () => {
    await Promise.all(running.map((server) => server.stop()))
    await rm(dir, { recursive: true, force: true })
    forgetDir()
  }
  try {
    const placed = placeHosts(layout)
    const pki = await createTestPki()
    const certificates = await writeCertificates(
      join(dir, 'certs'),
      pki,
      placed,
    )
    const caFile = await writeCaFile(dir, pki, options)
    // Random, so a value that leaks into a file or log is found by grep.
    const apiToken = `Bearer ${randomBytes(24).toString('base64url')}`
    const app = await startServers(
      { dir, layout, placed, certificates, caFile, options, apiToken },
      running,
    )
    return await assemble(
      { dir, layout, placed, caFile, options, apiToken, app },
      stopAll,
    )
  } catch (error) {
    await stopAll()
    throw error
  }
}

/** Something the world started and must stop. */
interface Stoppable {
  stop(): Promise<void>
}

/** A host's certificate files, and whether OpenSSL needs level 0 for it. */
interface HostCertificate {
  readonly files: PemFiles
  readonly legacy: boolean
}

/** Issues the certificate of every host that serves, and writes it. */
async function writeCertificates(
  dir: string,
  pki: TestPki,
  placed: readonly PlacedHost[],
): Promise<Map<string, HostCertificate>> {
  await mkdir(dir, { recursive: true })
  const serving = placed.filter((p) => p.plan.server !== 'none')
  const entries = await Promise.all(
    serving.map(async ({ host }) => {
      const issued = await pki.issue(host.name, host.certificate)
      const files = await writePemFiles(dir, host.name, issued)
      return [host.name, { files, legacy: issued.legacy }] as const
    }),
  )
  return new Map(entries)
}

/** The CA file: the root alone, what a user would trust. */
async function writeCaFile(
  dir: string,
  pki: TestPki,
  options: WorldOptions,
): Promise<string> {
  const file = mainWorkspaceFile(dir, options)
  const caFile = join(dirname(file), `${workspaceStem(file)}-ca.pem`)
  await mkdir(dirname(caFile), { recursive: true })
  await writeFile(caFile, pem([pki.root.certificate]))
  return caFile
}

function mainWorkspaceFile(dir: string, options: WorldOptions): string {
  return resolve(options.workspaceFile ?? join(dir, 'world.launchready.yaml'))
}

/** What starting the servers needs to know. */
interface ServerInputs {
  readonly dir: string
  readonly layout: Layout
  readonly placed: readonly PlacedHost[]
  readonly certificates: ReadonlyMap<string, HostCertificate>
  readonly caFile: string
  readonly options: WorldOptions
  readonly apiToken: string
}

/**
 * Starts every server side by side and returns the admin app. Whatever
 * started goes into `running` even when another failed, so the caller
 * can stop it; the first failure is thrown.
 */
async function startServers(
  inputs: ServerInputs,
  running: Stoppable[],
): Promise<AdminApp> {
  const ca = await readFile(inputs.caFile, 'utf8')
  let app: AdminApp | undefined
  const starts: (() => Promise<Stoppable>)[] = [
    ...dnsServers(inputs),
    () => startEdge(edgeOptions(inputs)),
    () => startCdnFront(cdnOptions(inputs, ca)),
    () => startMisbehavingServers(misbehavingOptions(inputs)),
    () =>
      startDeadDns(
        addressAt(inputs.layout, SPECIAL_NUMBERS.deadDns),
        inputs.layout.dnsPort,
      ),
    ...latencyProxies(inputs),
    async () =>
      (app = await startAdminApp({
        ...adminAppAddress(inputs.layout),
        token: inputs.apiToken,
      })),
  ]
  // async: a start that throws at once is a rejection like the others,
  // so the ones already started still reach `running`.
  const results = await Promise.allSettled(starts.map(async (s) => s()))
  for (const result of results) {
    if (result.status === 'fulfilled') running.push(result.value)
  }
  const failed = results.find((r) => r.status === 'rejected')
  if (failed) throw failed.reason
  return app!
}

/** Where the admin app listens: an address of its own, the HTTP port. */
function adminAppAddress(layout: Layout) {
  return {
    address: addressAt(layout, SPECIAL_NUMBERS.adminApp),
    port: layout.httpPort,
  }
}

/** knotd twice: ns1 and ns2, on the same port at their own addresses. */
function dnsServers(inputs: ServerInputs): (() => Promise<Stoppable>)[] {
  const { layout, placed, dir, options } = inputs
  const zones = zonesOf(layout, placed)
  return (['ns1', 'ns2'] as const).map(
    (ns) => () =>
      startDnsServer({
        dir: join(dir, `dns-${ns}`),
        address: addressAt(layout, SPECIAL_NUMBERS[ns], frontDepth(layout)),
        port: layout.dnsPort,
        zones: zones[ns],
        program: options.programs?.knotd,
      }),
  )
}

function zonesOf(layout: Layout, placed: readonly PlacedHost[]): WorldZones {
  const at = (n: number) => addressAt(layout, n)
  return worldZones(
    placed.map((p) => ({ name: p.host.name, records: recordsOf(layout, p) })),
    {
      ns1: at(SPECIAL_NUMBERS.ns1),
      ns2: at(SPECIAL_NUMBERS.ns2),
      lameNs: at(SPECIAL_NUMBERS.lameNs),
      staleNs1: at(SPECIAL_NUMBERS.staleNs1),
      staleNs2: at(SPECIAL_NUMBERS.staleNs2),
      lame: at(SPECIAL_NUMBERS.lame),
    },
    // One less for stale.test on ns2 must still be a serial.
    freshSerial() + 1,
  )
}

/** A host's records: an A record, or what its DNS plan says. */
function recordsOf(
  layout: Layout,
  { plan, host }: PlacedHost,
): NamedRecords['records'] {
  const dns = plan.dns
  // zones.ts writes the DNS-only zones' apex records itself.
  if (dns && 'zoneApex' in dns) return []
  if (dns && 'cname' in dns) return [{ type: 'CNAME', value: `${dns.cname}.` }]
  if (dns && 'aRecords' in dns) {
    return Array.from({ length: dns.aRecords }, (_, i) => ({
      type: 'A',
      value: addressAt(layout, SPECIAL_NUMBERS.manyA + i),
    }))
  }
  const a = { type: 'A', value: host.address } as const
  return dns && 'caa' in dns ? [a, { type: 'CAA', value: dns.caa }] : [a]
}

/** nginx's sites: every host it serves, directly or behind the front. */
function edgeOptions(inputs: ServerInputs) {
  const { layout, placed, certificates, dir, options } = inputs
  const sites = placed
    .filter((p) => p.plan.server === 'nginx' || p.plan.server === 'cdn')
    .map(({ host, plan, number, depth }): EdgeSite => {
      const certificate = certificates.get(host.name)!
      const { noRedirect, legacy, adminApp, ...site } = plan.site ?? {}
      return {
        ...site,
        ...(adminApp
          ? {
              html: shopPage(host.name),
              app: {
                ...adminAppAddress(layout),
                streamed: STREAMED_PATHS,
                uncompressed: UNCOMPRESSED_PATHS,
              },
            }
          : {}),
        name: host.name,
        address: addressAt(layout, number!, depth),
        certificate: certificate.files.served,
        key: certificate.files.key,
        legacy: certificate.legacy || legacy === true,
        redirectToHttps: !noRedirect,
        description: host.purpose,
      }
    })
  return {
    dir: join(dir, 'edge'),
    sites,
    httpPort: layout.httpPort,
    httpsPort: layout.httpsPort,
    program: options.programs?.nginx,
  }
}

function cdnOptions(inputs: ServerInputs, ca: string) {
  const { layout, placed, certificates } = inputs
  const sites = placed
    .filter((p) => p.plan.server === 'cdn')
    .map(({ host, number, depth }): CdnSite => {
      const { files } = certificates.get(host.name)!
      return {
        name: host.name,
        address: addressAt(layout, number!, depth - 1),
        origin: addressAt(layout, number!, depth),
        certificate: files.served,
        key: files.key,
      }
    })
  return {
    sites,
    httpPort: layout.httpPort,
    httpsPort: layout.httpsPort,
    ca,
  }
}

function misbehavingOptions(inputs: ServerInputs) {
  const { layout, placed, certificates } = inputs
  const sites = placed
    .filter((p) => p.plan.server === 'node')
    .map(({ host, plan, number, depth }) => {
      const { files } = certificates.get(host.name)!
      return {
        name: host.name,
        address: addressAt(layout, number!, depth),
        behaviour: plan.misbehaviour!,
        certificate: files.served,
        key: files.key,
      }
    })
  return { sites, httpPort: layout.httpPort, httpsPort: layout.httpsPort }
}

/**
 * With latency: a delaying proxy on every public address and port, in
 * front of whatever serves there. The dead DNS server gets none: it
 * never answers anyway.
 */
function latencyProxies(inputs: ServerInputs): (() => Promise<Stoppable>)[] {
  const { layout } = inputs
  if (layout.latencyMs === 0) return []
  const oneWay = layout.latencyMs / 2
  const route = (number: number, port: number): ProxyRoute => ({
    listen: { address: addressAt(layout, number), port },
    target: { address: addressAt(layout, number, 1), port },
  })
  const web = inputs.placed
    .filter((p) => p.number !== undefined && p.plan.server !== 'none')
    .flatMap((p) =>
      [layout.httpPort, layout.httpsPort].map((port) => route(p.number!, port)),
    )
  const dns = [SPECIAL_NUMBERS.ns1, SPECIAL_NUMBERS.ns2].map((n) =>
    route(n, layout.dnsPort),
  )
  return [
    ...[...web, ...dns].map((r) => () => startTcpDelay(r, oneWay)),
    ...dns.map((r) => () => startUdpDelay(r, oneWay)),
  ]
}

/** What the World object is made from. */
interface Assembly {
  readonly dir: string
  readonly layout: Layout
  readonly placed: readonly PlacedHost[]
  readonly caFile: string
  readonly options: WorldOptions
  readonly apiToken: string
  readonly app: AdminApp
}

/** Writes the workspaces and returns the running world. */
async function assemble(
  { dir, layout, placed, caFile, options, apiToken, app }: Assembly,
  stopAll: () => Promise<void>,
): Promise<World> {
  const hosts = placed.map((p) => p.host)
  const nameservers = (['ns1', 'ns2'] as const).map((ns) => {
    const address = addressAt(layout, SPECIAL_NUMBERS[ns])
    const endpoint = `${address}:${layout.dnsPort}`
    return { name: `${ns}.${WORLD_DOMAIN}`, address, endpoint }
  })
  const network: WorldNetwork = {
    resolvers: [nameservers[0]!.endpoint],
    caFile,
    caaIdentity: CAA_IDENTITY,
    httpPort: layout.httpPort,
    httpsPort: layout.httpsPort,
    dnsPort: layout.dnsPort,
  }
  const deadResolver = `${addressAt(layout, SPECIAL_NUMBERS.deadDns)}:${layout.dnsPort}`
  const files = await writeWorkspaces(
    dir,
    options,
    hosts,
    network,
    deadResolver,
  )
  let written = 0
  let stopping: Promise<void> | undefined
  return {
    dir,
    domain: WORLD_DOMAIN,
    net: layout.net,
    ...files,
    caFile,
    resolver: nameservers[0]!.endpoint,
    nameservers,
    deadResolver,
    lameNameserver: addressAt(layout, SPECIAL_NUMBERS.lameNs),
    httpPort: layout.httpPort,
    httpsPort: layout.httpsPort,
    dnsPort: layout.dnsPort,
    caaIdentity: CAA_IDENTITY,
    latencyMs: layout.latencyMs,
    hosts,
    apiToken,
    app: {
      origin: app.origin,
      calls: (path) => app.calls(path),
      setDelay: (path, ms) => app.setDelay(path, ms),
      reset: () => app.reset(),
    },
    workspaceFor: (domain, overrides) => {
      written += 1
      const file = join(
        dir,
        'workspaces',
        `${domain}-${written}.launchready.yaml`,
      )
      return writeWorkspace(file, draftFor(domain, hosts), network, overrides)
    },
    stop: () => (stopping ??= stopAll()),
  }
}

/** The main, hostile, dead-DNS and bad-endpoints workspace files. */
async function writeWorkspaces(
  dir: string,
  options: WorldOptions,
  hosts: readonly WorldHost[],
  network: WorldNetwork,
  deadResolver: string,
) {
  const workspaceFile = mainWorkspaceFile(dir, options)
  const main = { ...draftFor(WORLD_DOMAIN, hosts), name: 'Shop (test world)' }
  const hostile = draftFor(workspaceDomain('hostile'), hosts)
  const dead = { ...main, name: 'Shop behind a dead DNS server (test world)' }
  // Endpoint and asset URLs carry the port: they are fetched as written.
  const origin = `https://www.${WORLD_DOMAIN}:${network.httpsPort}`
  const api = {
    endpoints: endpointsFor(origin, 'main'),
    // The rest are found in the page; this one is listed by hand.
    assets: [`${origin}${STYLES_CSS}`],
  }
  const bad = { ...api, endpoints: endpointsFor(origin, 'bad') }
  return {
    workspaceFile: await writeWorkspace(workspaceFile, main, network, api),
    badEndpointsWorkspaceFile: await writeWorkspace(
      siblingFile(workspaceFile, '-bad-endpoints'),
      { ...main, name: 'Shop with misbehaving endpoints (test world)' },
      network,
      bad,
    ),
    hostileWorkspaceFile: await writeWorkspace(
      siblingFile(workspaceFile, '-hostile'),
      { ...hostile, name: 'Hostile shop (test world)' },
      network,
    ),
    deadDnsWorkspaceFile: await writeWorkspace(
      siblingFile(workspaceFile, '-dead-dns'),
      dead,
      { ...network, resolvers: [deadResolver] },
      api,
    ),
  }
}

/**
 * A workspace for `domain`: its hosts other than apex and www become the
 * subdomains — all but the far end of the CNAME loop, which a user would
 * not list.
 */
function draftFor(domain: string, hosts: readonly WorldHost[]) {
  const skip = new Set([domain, `www.${domain}`])
  const subdomains = hosts
    .filter((h) => h.domain === domain && !skip.has(h.name))
    .filter((h) => !h.name.startsWith('cname-loop-b.'))
    .map((h) => h.name)
  return { name: `${domain} (test world)`, domain, subdomains }
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
  const placed = placeHosts(layout)
  const web = placed
    .filter((p) => p.number !== undefined && p.plan.server !== 'none')
    .flatMap((p) =>
      depths(p.depth).flatMap((d) =>
        [layout.httpPort, layout.httpsPort].map((port) =>
          canBindTcp(addressAt(layout, p.number!, d), port),
        ),
      ),
    )
  const dns = [SPECIAL_NUMBERS.ns1, SPECIAL_NUMBERS.ns2]
    .flatMap((n) =>
      depths(frontDepth(layout)).map((d) => addressAt(layout, n, d)),
    )
    .concat(addressAt(layout, SPECIAL_NUMBERS.deadDns))
    .flatMap((address) => [
      canBindTcp(address, layout.dnsPort),
      canBindUdp(address, layout.dnsPort),
    ])
  const app = adminAppAddress(layout)
  const appFree = canBindTcp(app.address, app.port)
  return (await Promise.all([...web, ...dns, appFree])).every(Boolean)
}

/** 0, 1, … `deepest`. */
function depths(deepest: number): number[] {
  return Array.from({ length: deepest + 1 }, (_, d) => d)
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
