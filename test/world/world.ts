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
import { freshSerial, startDnsServer, type DnsRecord } from './dns'
import { startEdge, type EdgeAnswer, type EdgeSite } from './edge'
import { startTcpDelay, startUdpDelay, type ProxyRoute } from './latency'
import {
  createDkimKeys,
  isWebHost,
  mailStarts,
  needsCertificate,
  type DkimKeys,
} from './mail'
import {
  DKIM_SELECTOR,
  MAIL_DOMAINS,
  MAIL_HOSTS,
  mailDomainOf,
  mailZones,
  MTA_STS_PATH,
  MTA_STS_POLICY,
  SHOP_MAIL,
  SMTP_PASSWORD_SECRET,
  SMTP_USERNAME,
  TEST_RECIPIENT,
  type MailContext,
  type MailHostKind,
  type MailHostPlan,
  type MailZone,
} from './mail-plan'
import { Mailbox, type ReceivedMail } from './mailbox'
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
import { startWebhookReceiver } from './webhook'
import { worldZones, type NamedRecords, type WorldZones } from './zones'
import type { WorkspaceInput } from '../../src/shared/workspace'

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
  ADMIN_PAGES,
  ADMIN_USER,
  DASHBOARD_TEXT,
  KNOWN_ORDER,
} from './admin-pages'
export {
  BIG_TXT_BYTES,
  BROKEN_MAIL_ZONES,
  BULK_MAILER_DOMAIN,
  DKIM_SELECTOR,
  MAILER_DOMAIN,
  MAILER_MX,
  MAILER_SPF,
  MTA_STS_ID,
  MTA_STS_PATH,
  MTA_STS_POLICY,
  REPORTS_DOMAIN,
  SMTP_PASSWORD_SECRET,
  SMTP_USERNAME,
  SPF_DEEP_LEVELS,
  TEST_RECIPIENT,
  type BrokenMailZone,
  type MailHostKind,
} from './mail-plan'
export { MAIL_CONTROL, mailControl, type MailControl } from './mail-control'
export type { ReceivedMail } from './mailbox'
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

/**
 * The environment variable that hands the vault the SMTP password
 * headless (secret:smtp-password).
 */
export const SMTP_PASSWORD_ENV = 'LAUNCH_READY_SECRET_SMTP_PASSWORD'

/** The keychain name of the admin login password (secret:admin-password). */
export const ADMIN_PASSWORD_SECRET = 'admin-password'

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
  /**
   * Explicit ports; otherwise 18080, 18443, 10053, 10025 (MX) and 10587
   * (submission) plus the offset.
   */
  readonly httpPort?: number
  readonly httpsPort?: number
  readonly dnsPort?: number
  readonly smtpPort?: number
  readonly submissionPort?: number
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

/** A host of the world's mail (mail-plan.ts MAIL_HOSTS). */
export interface WorldMailHost {
  readonly name: string
  readonly address: string
  readonly kind: MailHostKind
  /** The port it serves: smtpPort, submissionPort or (MTA-STS) httpsPort. */
  readonly port: number
  readonly purpose: string
}

/** A mail domain of the world: shop.test, or one that shows a mistake. */
export interface WorldMailDomain {
  /** Its zone: what `workspaceFor` takes. */
  readonly zone: string
  /** Its workspace's email.domain. */
  readonly domain: string
  /** 'good', or the zone's first label ("spf-void"). */
  readonly kind: string
  readonly purpose: string
  readonly approvedSenders: readonly string[]
}

/** The world's mail: its hosts and domains, and what its MXs took. */
export interface WorldMail {
  /**
   * "http://address:port" of the mail control: `mailControl(origin)`
   * reads and empties the mailbox from another process.
   */
  readonly origin: string
  readonly hosts: readonly WorldMailHost[]
  readonly domains: readonly WorldMailDomain[]
  /** What every receiver took since start or reset(), oldest first. */
  received(): ReceivedMail[]
  reset(): void
}

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
  /**
   * The password of the admin pages' login form (user ADMIN_USER), new on
   * every start; workspaces refer to it as `secret:admin-password`.
   */
  readonly adminPassword: string
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
  /** The port MX hosts listen on: every workspace's network.smtpPort. */
  readonly smtpPort: number
  /** smtp.shop.test's submission port (the main email.smtp.port). */
  readonly submissionPort: number
  /**
   * alerts@shop.test's password at smtp.shop.test, new on every start.
   * Workspaces hold only `secret:smtp-password` and no file of the world
   * holds the value: a test hands it to the vault as SMTP_PASSWORD_ENV
   * or as a keychain entry named SMTP_PASSWORD_SECRET.
   */
  readonly smtpPassword: string
  /** The world's mail: hosts, domains, received messages. */
  readonly mail: WorldMail
  /**
   * "http://address:port" of the Slack-compatible webhook receiver;
   * `webhookControl(origin)` (webhook.ts) reads and scripts it.
   */
  readonly webhookOrigin: string
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
  readonly smtpPort: number
  readonly submissionPort: number
  readonly latencyMs: number
}

// No two bases meet mod 100, so no two worlds' ports ever coincide.
const BASE_PORTS = {
  http: 18080,
  https: 18443,
  dns: 10053,
  smtp: 10025,
  submission: 10587,
} as const
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
    smtpPort: options.smtpPort ?? BASE_PORTS.smtp + offset,
    submissionPort: options.submissionPort ?? BASE_PORTS.submission + offset,
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

/** A mail host as placed on this world's addresses. */
interface PlacedMail {
  readonly plan: MailHostPlan
  /** X of 127.D.N.X: SPECIAL_NUMBERS.mail upwards, in plan order. */
  readonly number: number
  /**
   * Depth its own server listens at. The latency proxies carry DNS,
   * HTTP and HTTPS only, so SMTP servers always listen at depth 0; the
   * MTA-STS hosts are nginx sites like the others.
   */
  readonly depth: number
}

function placeMail(layout: Layout): PlacedMail[] {
  return MAIL_HOSTS.map((plan, i) => {
    const number = SPECIAL_NUMBERS.mail + i
    if (number >= SPECIAL_NUMBERS.manyA) {
      throw new RangeError(`too many mail hosts: ${plan.name} gets .${number}`)
    }
    const depth = isWebHost(plan.kind) ? frontDepth(layout) : 0
    return { plan, number, depth }
  })
}

/** The world's mail, decided before anything starts. */
interface MailSetup {
  readonly placed: readonly PlacedMail[]
  readonly keys: DkimKeys
  /** alerts@shop.test's password: random, so a leak is found by grep. */
  readonly password: string
  /** shop.test's mail records, which go in its zone. */
  readonly shopRecords: readonly DnsRecord[]
  /** mailer.test, bulk-mailer.test and every broken mail domain. */
  readonly zones: readonly MailZone[]
  readonly mailbox: Mailbox
}

function mailSetup(
  layout: Layout,
  placed: readonly PlacedMail[],
  keys: DkimKeys,
): MailSetup {
  const context: MailContext = {
    net: layout.net,
    addressOf: (name) => {
      const found = placed.find((p) => p.plan.name === name)
      if (!found) throw new RangeError(`no mail host ${name}`)
      return addressAt(layout, found.number)
    },
    dkim: { rsa2048: keys.rsa2048.publicKey, rsa1024: keys.rsa1024.publicKey },
  }
  return {
    placed,
    keys,
    password: randomBytes(18).toString('base64url'),
    shopRecords: SHOP_MAIL.records(context),
    zones: mailZones(context),
    mailbox: new Mailbox(),
  }
}

/** Every mail record of the world, whichever zone holds it. */
function allMailRecords(mail: MailSetup): DnsRecord[] {
  return [...mail.shopRecords, ...mail.zones.flatMap((z) => z.records)]
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
    const mailPlaced = placeMail(layout)
    // The 2048-bit DKIM key takes a while: made beside the PKI.
    const [pki, keys] = await Promise.all([createTestPki(), createDkimKeys()])
    const certificates = await writeCertificates(
      join(dir, 'certs'),
      pki,
      certified(placed, mailPlaced),
    )
    const caFile = await writeCaFile(dir, pki, options)
    // Random, so a value that leaks into a file or log is found by grep.
    const apiToken = `Bearer ${randomBytes(24).toString('base64url')}`
    const adminPassword = randomBytes(18).toString('base64url')
    const mail = mailSetup(layout, mailPlaced, keys)
    const app = await startServers(
      {
        dir,
        layout,
        placed,
        certificates,
        caFile,
        options,
        apiToken,
        adminPassword,
        mail,
      },
      running,
    )
    return await assemble(
      {
        dir,
        layout,
        placed,
        caFile,
        options,
        apiToken,
        adminPassword,
        app,
        mail,
      },
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

/** A name that needs a certificate, and of what kind. */
interface Certified {
  readonly name: string
  readonly certificate: CertificateKind
}

/** Every host that serves, and every mail host that speaks TLS. */
function certified(
  placed: readonly PlacedHost[],
  mail: readonly PlacedMail[],
): Certified[] {
  return [
    ...placed.filter((p) => p.plan.server !== 'none').map((p) => p.host),
    ...mail
      .filter((m) => needsCertificate(m.plan.kind))
      .map((m) => ({ name: m.plan.name, certificate: 'valid' as const })),
  ]
}

/** Issues each certificate and writes it. */
async function writeCertificates(
  dir: string,
  pki: TestPki,
  hosts: readonly Certified[],
): Promise<Map<string, HostCertificate>> {
  await mkdir(dir, { recursive: true })
  const entries = await Promise.all(
    hosts.map(async (host) => {
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
  readonly adminPassword: string
  readonly mail: MailSetup
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
    ...mailStarts(mailInputs(inputs, ca)),
    async () =>
      (app = await startAdminApp({
        ...adminAppAddress(inputs.layout),
        token: inputs.apiToken,
        adminPassword: inputs.adminPassword,
      })),
    () => startWebhookReceiver(webhookAddress(inputs.layout)),
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

/** Where the webhook receiver listens: an address of its own. */
function webhookAddress(layout: Layout) {
  return {
    address: addressAt(layout, SPECIAL_NUMBERS.webhook),
    port: layout.httpPort,
  }
}

/** Where the admin app listens: an address of its own, the HTTP port. */
function adminAppAddress(layout: Layout) {
  return {
    address: addressAt(layout, SPECIAL_NUMBERS.adminApp),
    port: layout.httpPort,
  }
}

/** Where the mail control listens: an address of its own, the HTTP port. */
function mailControlAddress(layout: Layout) {
  return {
    address: addressAt(layout, SPECIAL_NUMBERS.mailControl),
    port: layout.httpPort,
  }
}

/** What the SMTP servers and the mail control start from. */
function mailInputs(inputs: ServerInputs, ca: string) {
  const { layout, mail, certificates } = inputs
  return {
    hosts: mail.placed.map((p) => {
      const files = certificates.get(p.plan.name)?.files
      return {
        name: p.plan.name,
        kind: p.plan.kind,
        address: addressAt(layout, p.number, p.depth),
        ...(files ? { tls: { cert: files.served, key: files.key } } : {}),
      }
    }),
    smtpPort: layout.smtpPort,
    submissionPort: layout.submissionPort,
    resolver: `${addressAt(layout, SPECIAL_NUMBERS.ns1)}:${layout.dnsPort}`,
    ca,
    keys: mail.keys,
    password: mail.password,
    records: allMailRecords(mail),
    mailbox: mail.mailbox,
    control: mailControlAddress(layout),
  }
}

/** knotd twice: ns1 and ns2, on the same port at their own addresses. */
function dnsServers(inputs: ServerInputs): (() => Promise<Stoppable>)[] {
  const { layout, placed, dir, options } = inputs
  const zones = zonesOf(layout, placed, inputs.mail)
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

function zonesOf(
  layout: Layout,
  placed: readonly PlacedHost[],
  mail: MailSetup,
): WorldZones {
  const at = (n: number) => addressAt(layout, n)
  const shopMail = mail.shopRecords.map(
    ({ name, ...record }): NamedRecords => ({ name, records: [record] }),
  )
  return worldZones(
    [
      ...placed.map((p) => ({
        name: p.host.name,
        records: recordsOf(layout, p),
      })),
      ...shopMail,
    ],
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
    mail.zones,
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
    sites: [...sites, ...mailSites(inputs)],
    httpPort: layout.httpPort,
    httpsPort: layout.httpsPort,
    program: options.programs?.nginx,
  }
}

/** The MTA-STS hosts: the policy (RFC 8461 section 3.2), or a 404. */
function mailSites(inputs: ServerInputs): EdgeSite[] {
  const { layout, mail, certificates } = inputs
  return mail.placed
    .filter((p) => isWebHost(p.plan.kind))
    .map(({ plan, number, depth }): EdgeSite => {
      const { files } = certificates.get(plan.name)!
      const policy: EdgeAnswer =
        plan.kind === 'mta-sts'
          ? { kind: 'text', status: 200, body: MTA_STS_POLICY }
          : { kind: 'text', status: 404, body: 'Not found.\n' }
      return {
        name: plan.name,
        address: addressAt(layout, number, depth),
        certificate: files.served,
        key: files.key,
        redirectToHttps: true,
        description: plan.purpose,
        routes: { [MTA_STS_PATH]: policy },
      }
    })
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
  const web = webNumbers(inputs.placed, inputs.mail.placed).flatMap((n) =>
    [layout.httpPort, layout.httpsPort].map((port) => route(n, port)),
  )
  const dns = [SPECIAL_NUMBERS.ns1, SPECIAL_NUMBERS.ns2].map((n) =>
    route(n, layout.dnsPort),
  )
  return [
    ...[...web, ...dns].map((r) => () => startTcpDelay(r, oneWay)),
    ...dns.map((r) => () => startUdpDelay(r, oneWay)),
  ]
}

/** The host numbers with a web server: plain hosts and MTA-STS hosts. */
function webNumbers(
  placed: readonly PlacedHost[],
  mail: readonly PlacedMail[],
): number[] {
  return [
    ...placed
      .filter((p) => p.number !== undefined && p.plan.server !== 'none')
      .map((p) => p.number!),
    ...mail.filter((m) => isWebHost(m.plan.kind)).map((m) => m.number),
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
  readonly adminPassword: string
  readonly app: AdminApp
  readonly mail: MailSetup
}

/** Writes the workspaces and returns the running world. */
async function assemble(
  {
    dir,
    layout,
    placed,
    caFile,
    options,
    apiToken,
    adminPassword,
    app,
    mail,
  }: Assembly,
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
    smtpPort: layout.smtpPort,
  }
  const deadResolver = `${addressAt(layout, SPECIAL_NUMBERS.deadDns)}:${layout.dnsPort}`
  const emailOf = (domain: string) => emailFor(domain, layout)
  const files = await writeWorkspaces(
    dir,
    options,
    hosts,
    network,
    deadResolver,
    emailOf(WORLD_DOMAIN)!,
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
    smtpPort: layout.smtpPort,
    submissionPort: layout.submissionPort,
    caaIdentity: CAA_IDENTITY,
    latencyMs: layout.latencyMs,
    hosts,
    apiToken,
    adminPassword,
    smtpPassword: mail.password,
    mail: worldMail(layout, mail),
    webhookOrigin: `http://${webhookAddress(layout).address}:${layout.httpPort}`,
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
      const email = emailOf(domain)
      return writeWorkspace(file, draftFor(domain, hosts), network, {
        ...(email ? { email } : {}),
        ...overrides,
      })
    },
    stop: () => (stopping ??= stopAll()),
  }
}

/** The mail part of the World: where things are, and the mailbox. */
function worldMail(layout: Layout, mail: MailSetup): WorldMail {
  const portOf = (kind: MailHostKind) => {
    if (isWebHost(kind)) return layout.httpsPort
    return kind === 'submission' ? layout.submissionPort : layout.smtpPort
  }
  const control = mailControlAddress(layout)
  return {
    origin: `http://${control.address}:${control.port}`,
    hosts: mail.placed.map(({ plan, number }) => ({
      name: plan.name,
      address: addressAt(layout, number),
      kind: plan.kind,
      port: portOf(plan.kind),
      purpose: plan.purpose,
    })),
    domains: MAIL_DOMAINS.map(
      ({ zone, domain, kind, purpose, approvedSenders }) => ({
        zone,
        domain,
        kind,
        purpose,
        approvedSenders,
      }),
    ),
    received: () => mail.mailbox.list(),
    reset: () => mail.mailbox.clear(),
  }
}

type EmailInput = NonNullable<WorkspaceInput['email']>

/**
 * The email section of a workspace for `domain` (a mail domain's zone or
 * email domain); undefined for a domain without mail. The main one has
 * the SMTP account, its password by reference only; the broken ones
 * have the records to look at and no account.
 */
function emailFor(domain: string, layout: Layout): EmailInput | undefined {
  const plan = mailDomainOf(domain)
  if (!plan) return undefined
  const records: EmailInput = {
    domain: plan.domain,
    approvedSenders: [...plan.approvedSenders],
    dkimSelectors: [DKIM_SELECTOR],
  }
  if (plan !== SHOP_MAIL) return records
  return {
    ...records,
    smtp: {
      host: `smtp.${WORLD_DOMAIN}`,
      port: layout.submissionPort,
      security: 'starttls',
      username: SMTP_USERNAME,
      password: `secret:${SMTP_PASSWORD_SECRET}`,
      from: SMTP_USERNAME,
    },
    testRecipient: TEST_RECIPIENT,
  }
}

/** The main, hostile, dead-DNS and bad-endpoints workspace files. */
async function writeWorkspaces(
  dir: string,
  options: WorldOptions,
  hosts: readonly WorldHost[],
  network: WorldNetwork,
  deadResolver: string,
  email: EmailInput,
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
    email,
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
  const control = mailControlAddress(layout)
  const mail = placeMail(layout).flatMap((m) =>
    mailPorts(layout, m).map(([address, port]) => canBindTcp(address, port)),
  )
  const apps = [
    canBindTcp(app.address, app.port),
    canBindTcp(control.address, control.port),
    canBindTcp(webhookAddress(layout).address, layout.httpPort),
  ]
  return (await Promise.all([...web, ...dns, ...apps, ...mail])).every(Boolean)
}

/** [address, port] of every listener a mail host has. */
function mailPorts(layout: Layout, mail: PlacedMail): [string, number][] {
  const at = (depth: number) => addressAt(layout, mail.number, depth)
  if (isWebHost(mail.plan.kind)) {
    return depths(mail.depth).flatMap((d) => [
      [at(d), layout.httpPort],
      [at(d), layout.httpsPort],
    ])
  }
  const port =
    mail.plan.kind === 'submission' ? layout.submissionPort : layout.smtpPort
  return [[at(0), port]]
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
