import type { CertificateKind } from './certificates'
import type { EdgeAnswer, EdgeSite } from './edge'
import type { Misbehaviour } from './misbehaving'

/**
 * What the world holds, as data: every host with what it serves and why,
 * and the sites and workspaces they make up. world.ts turns this into
 * running servers, zones and workspace files.
 */

/** The main site's domain, the zone every world serves. */
export const WORLD_DOMAIN = 'shop.test'
/** The site of bad inputs: loops, endless answers, broken DNS. */
export const HOSTILE_DOMAIN = `hostile.${WORLD_DOMAIN}`
/** A zone whose second nameserver serves an older copy. */
export const STALE_DOMAIN = 'stale.test'
/** A zone one of whose nameservers never answers. */
export const LAME_DOMAIN = 'lame.test'
/**
 * The CAA issuer domain (RFC 8659 section 4.2) of the world's private CA,
 * as `network.caaIdentity` names it and the zone's CAA records allow it.
 */
export const CAA_IDENTITY = 'ca.launch-ready.test'

/** Sites whose http/https × apex/www matrix goes wrong in one way each. */
export const CANONICAL_SCENARIOS = [
  'split',
  'downgrade',
  'loop',
  'temporary',
] as const
export type CanonicalScenario = (typeof CANONICAL_SCENARIOS)[number]

/** The domain of a canonical scenario site: "split.shop.test". */
export function scenarioDomain(scenario: CanonicalScenario): string {
  return `${scenario}.${WORLD_DOMAIN}`
}

/**
 * The workspace a host belongs to: the main site, the hostile site, one
 * of the canonical scenario sites, or a DNS-only domain.
 */
export type WorkspaceKey =
  'main' | 'hostile' | CanonicalScenario | 'stale' | 'lame'

/** The domain of each workspace. */
export function workspaceDomain(key: WorkspaceKey): string {
  switch (key) {
    case 'main':
      return WORLD_DOMAIN
    case 'hostile':
      return HOSTILE_DOMAIN
    case 'stale':
      return STALE_DOMAIN
    case 'lame':
      return LAME_DOMAIN
    default:
      return scenarioDomain(key)
  }
}

/** What a host of the world is there to show. */
export type HostKind =
  | CertificateKind
  | 'no-redirect'
  | 'legacy-tls'
  | 'tls12-only'
  | 'caa-forbidden'
  | `canonical-${CanonicalScenario}`
  | 'redirect-loop'
  | 'long-chain'
  | 'silent-tls'
  | 'trickle'
  | 'huge-body'
  | 'cname-loop'
  | 'dangling-cname'
  | 'many-a'
  | 'stale-zone'
  | 'lame-zone'

/** What answers on a host's address. */
export type HostServer =
  /** nginx, the edge. */
  | 'nginx'
  /** nginx behind a Cloudflare-like front (test/world/cdn.ts). */
  | 'cdn'
  /** A misbehaving Node server (test/world/misbehaving.ts). */
  | 'node'
  /** Nothing: the host exists in DNS only. */
  | 'none'

/** How nginx answers a host: the EdgeSite fields a plan may set. */
export type SitePlan = Pick<
  EdgeSite,
  'http' | 'https' | 'routes' | 'headers' | 'httpsHeaders' | 'tlsProtocols'
> & {
  /** Plain HTTP serves the page (no redirect to HTTPS). */
  readonly noRedirect?: boolean
  /** TLS 1.0/1.1 need OpenSSL's security level 0. */
  readonly legacy?: boolean
  /**
   * The admin app (admin-app.ts) sits behind it: its page refers to the
   * app's assets, and nginx passes /api/ and /static/ to the app.
   */
  readonly adminApp?: boolean
}

/** The DNS records of a host that has no plain A record of its own. */
export type DnsPlan =
  | { readonly cname: string }
  | { readonly aRecords: number }
  | { readonly caa: string }
  /** The apex of a DNS-only zone, whose records zones.ts writes. */
  | { readonly zoneApex: 'stale' | 'lame' }

/** One host, as planned. */
export interface HostPlan {
  readonly name: string
  readonly workspace: WorkspaceKey
  readonly kind: HostKind
  readonly purpose: string
  readonly certificate?: CertificateKind
  readonly server: HostServer
  readonly site?: SitePlan
  readonly misbehaviour?: Misbehaviour
  readonly dns?: DnsPlan
}

/** A year, the HSTS max-age preload lists ask for. */
const YEAR_S = 31_536_000

const redirect = (
  status: 301 | 302,
  scheme: 'http' | 'https',
  host?: string,
  path?: string,
): EdgeAnswer => ({ kind: 'redirect', status, scheme, host, path })

const MAIN_HOSTS: readonly HostPlan[] = [
  {
    name: WORLD_DOMAIN,
    workspace: 'main',
    kind: 'valid',
    server: 'cdn',
    purpose: 'the apex: redirects to www, HSTS with includeSubDomains',
    site: {
      https: redirect(301, 'https', `www.${WORLD_DOMAIN}`),
      httpsHeaders: {
        'Strict-Transport-Security': `max-age=${YEAR_S}; includeSubDomains`,
      },
    },
  },
  {
    name: `www.${WORLD_DOMAIN}`,
    workspace: 'main',
    kind: 'valid',
    server: 'cdn',
    purpose:
      'the canonical origin, with the security headers and the admin app',
    site: {
      adminApp: true,
      headers: {
        'Content-Security-Policy': "frame-ancestors 'none'",
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'strict-origin-when-cross-origin',
      },
      httpsHeaders: { 'Strict-Transport-Security': `max-age=${YEAR_S}` },
    },
  },
  {
    name: `admin.${WORLD_DOMAIN}`,
    workspace: 'main',
    kind: 'valid',
    server: 'nginx',
    purpose: 'the admin app behind Fastly, 1-day HSTS, X-Frame-Options only',
    site: {
      headers: {
        'X-Frame-Options': 'DENY',
        // What Fastly adds: the cache node that served, and Varnish.
        'X-Served-By': 'cache-lhr7380-LHR',
        Via: '1.1 varnish',
      },
      httpsHeaders: { 'Strict-Transport-Security': 'max-age=86400' },
    },
  },
  certificateHost('expired', 'expired', 'its certificate expired 10 days ago'),
  certificateHost(
    'wrong-host',
    'wrong-host',
    'its certificate names only elsewhere.test',
  ),
  certificateHost(
    'self-signed',
    'self-signed',
    'its certificate is signed by itself',
  ),
  certificateHost(
    'no-intermediate',
    'missing-intermediate',
    'it sends its certificate without the intermediate',
  ),
  {
    name: `no-redirect.${WORLD_DOMAIN}`,
    workspace: 'main',
    kind: 'no-redirect',
    server: 'nginx',
    purpose: 'plain HTTP serves the page instead of redirecting',
    site: { noRedirect: true },
  },
  certificateHost(
    'short-lived',
    'short-lived',
    'a 6-day certificate, judged by the share of life left',
  ),
  certificateHost(
    'not-yet-valid',
    'not-yet-valid',
    'its certificate becomes valid in 10 days',
  ),
  certificateHost('weak-key', 'weak-key', 'a 1024-bit RSA key'),
  certificateHost('sha1', 'sha1-signature', 'its certificate is signed SHA-1'),
  {
    name: `legacy-tls.${WORLD_DOMAIN}`,
    workspace: 'main',
    kind: 'legacy-tls',
    server: 'nginx',
    purpose: 'still accepts TLS 1.0 and 1.1',
    site: { tlsProtocols: ['TLSv1', 'TLSv1.1', 'TLSv1.2'], legacy: true },
  },
  {
    name: `tls12-only.${WORLD_DOMAIN}`,
    workspace: 'main',
    kind: 'tls12-only',
    server: 'nginx',
    purpose: 'TLS 1.2 only, no TLS 1.3',
    site: { tlsProtocols: ['TLSv1.2'] },
  },
  certificateHost(
    'expiring-intermediate',
    'expiring-intermediate',
    'signed by an intermediate that expires in 5 days',
  ),
  {
    name: `caa-forbidden.${WORLD_DOMAIN}`,
    workspace: 'main',
    kind: 'caa-forbidden',
    server: 'nginx',
    purpose: 'its own CAA allows only letsencrypt.org, not the CA in use',
    dns: { caa: '0 issue "letsencrypt.org"' },
  },
]

/** A main-site host whose one difference is its certificate. */
function certificateHost(
  label: string,
  certificate: CertificateKind,
  purpose: string,
): HostPlan {
  return {
    name: `${label}.${WORLD_DOMAIN}`,
    workspace: 'main',
    kind: certificate,
    certificate,
    server: 'nginx',
    purpose,
  }
}

/**
 * The apex and www of each canonical scenario. Each starts from "http
 * redirects to https on the same host, https serves the page" and
 * changes what the scenario is about.
 */
const SCENARIOS: Record<
  CanonicalScenario,
  { purpose: string; apex: SitePlan; www: SitePlan }
> = {
  split: {
    purpose: 'apex and www both serve the page over https: sessions split',
    apex: {},
    www: {},
  },
  downgrade: {
    purpose: 'https apex → http www → https www: a downgrade on the way',
    apex: { https: redirect(301, 'http', 'www.downgrade.shop.test') },
    www: {},
  },
  loop: {
    purpose: 'https apex → https www → https apex → …',
    apex: { https: redirect(301, 'https', 'www.loop.shop.test') },
    www: { https: redirect(301, 'https', 'loop.shop.test') },
  },
  temporary: {
    purpose: 'every redirect is 302; http apex → http www → https www',
    apex: {
      http: redirect(302, 'http', 'www.temporary.shop.test'),
      https: redirect(302, 'https', 'www.temporary.shop.test'),
    },
    www: { http: redirect(302, 'https') },
  },
}

function scenarioHosts(scenario: CanonicalScenario): HostPlan[] {
  const { purpose, apex, www } = SCENARIOS[scenario]
  const domain = scenarioDomain(scenario)
  const host = (name: string, site: SitePlan): HostPlan => ({
    name,
    workspace: scenario,
    kind: `canonical-${scenario}`,
    server: 'nginx',
    purpose,
    site,
  })
  return [host(domain, apex), host(`www.${domain}`, www)]
}

/** Zero bytes the huge-body host sends: 50 MB. */
export const HUGE_BODY_BYTES = 50 * 1024 * 1024
/** Redirects the long-chain host makes before it answers. */
export const LONG_CHAIN_HOPS = 30
/** A records of the many-a host: too many for one UDP answer. */
export const MANY_A_RECORDS = 150

/** /0 → /1 → … → /30, and / counts as /0; /30 serves the page. */
function longChainRoutes(): Record<string, EdgeAnswer> {
  const routes: Record<string, EdgeAnswer> = {}
  for (let hop = 0; hop < LONG_CHAIN_HOPS; hop++) {
    const next: EdgeAnswer = {
      kind: 'redirect',
      status: 301,
      path: `/${hop + 1}`,
    }
    routes[`/${hop}`] = next
    if (hop === 0) routes['/'] = next
  }
  return routes
}

const sameHost = (path: string): EdgeAnswer => ({
  kind: 'redirect',
  status: 301,
  path,
})

const HOSTILE_HOSTS: readonly HostPlan[] = [
  {
    name: HOSTILE_DOMAIN,
    workspace: 'hostile',
    kind: 'valid',
    server: 'nginx',
    purpose: 'the hostile site’s healthy apex: redirects to www',
    site: {
      https: redirect(301, 'https', `www.${HOSTILE_DOMAIN}`),
      httpsHeaders: { 'Strict-Transport-Security': `max-age=${YEAR_S}` },
    },
  },
  {
    name: `www.${HOSTILE_DOMAIN}`,
    workspace: 'hostile',
    kind: 'valid',
    server: 'nginx',
    purpose: 'the hostile site’s healthy canonical origin',
    site: {
      httpsHeaders: { 'Strict-Transport-Security': `max-age=${YEAR_S}` },
    },
  },
  {
    name: `redirect-loop.${HOSTILE_DOMAIN}`,
    workspace: 'hostile',
    kind: 'redirect-loop',
    server: 'nginx',
    purpose: '/ → /a → /b → /a … for ever, on http and on https',
    site: {
      http: sameHost('/a'),
      https: sameHost('/a'),
      routes: { '/a': sameHost('/b'), '/b': sameHost('/a') },
    },
  },
  {
    name: `long-chain.${HOSTILE_DOMAIN}`,
    workspace: 'hostile',
    kind: 'long-chain',
    server: 'nginx',
    purpose: `/0 → /1 → … → /${LONG_CHAIN_HOPS}: ${LONG_CHAIN_HOPS} hops on http and on https`,
    site: {
      http: { kind: 'page' },
      https: { kind: 'page' },
      routes: longChainRoutes(),
    },
  },
  {
    name: `silent-tls.${HOSTILE_DOMAIN}`,
    workspace: 'hostile',
    kind: 'silent-tls',
    server: 'node',
    misbehaviour: 'silent',
    purpose: 'accepts TCP on both ports and never sends a byte',
  },
  {
    name: `trickle.${HOSTILE_DOMAIN}`,
    workspace: 'hostile',
    kind: 'trickle',
    server: 'node',
    misbehaviour: 'trickle',
    purpose: 'a status line, then one header every 200 ms for ever',
  },
  {
    name: `huge-body.${HOSTILE_DOMAIN}`,
    workspace: 'hostile',
    kind: 'huge-body',
    server: 'nginx',
    purpose: '200 with a 50 MB body (and its Content-Length), both schemes',
    site: {
      http: { kind: 'file', bytes: HUGE_BODY_BYTES },
      https: { kind: 'file', bytes: HUGE_BODY_BYTES },
    },
  },
  {
    name: `cname-loop.${HOSTILE_DOMAIN}`,
    workspace: 'hostile',
    kind: 'cname-loop',
    server: 'none',
    purpose: 'CNAME to cname-loop-b, which CNAMEs back',
    dns: { cname: `cname-loop-b.${HOSTILE_DOMAIN}` },
  },
  {
    name: `cname-loop-b.${HOSTILE_DOMAIN}`,
    workspace: 'hostile',
    kind: 'cname-loop',
    server: 'none',
    purpose: 'the other half of the CNAME loop',
    dns: { cname: `cname-loop.${HOSTILE_DOMAIN}` },
  },
  {
    name: `dangling-cname.${HOSTILE_DOMAIN}`,
    workspace: 'hostile',
    kind: 'dangling-cname',
    server: 'none',
    purpose: 'CNAME to a name that does not exist',
    dns: { cname: `gone.${HOSTILE_DOMAIN}` },
  },
  {
    name: `many-a.${HOSTILE_DOMAIN}`,
    workspace: 'hostile',
    kind: 'many-a',
    server: 'none',
    purpose: `${MANY_A_RECORDS} A records: UDP truncates, TCP has them all`,
    dns: { aRecords: MANY_A_RECORDS },
  },
]

/** Domains that exist for the nameserver checks alone. */
const DNS_ONLY_HOSTS: readonly HostPlan[] = [
  {
    name: STALE_DOMAIN,
    workspace: 'stale',
    kind: 'stale-zone',
    server: 'none',
    purpose: 'ns2 serves an older serial and another apex address',
    dns: { zoneApex: 'stale' },
  },
  {
    name: LAME_DOMAIN,
    workspace: 'lame',
    kind: 'lame-zone',
    server: 'none',
    purpose: 'its NS set names ns1 and ns3.lame.test, where nothing listens',
    dns: { zoneApex: 'lame' },
  },
]

/**
 * Every host, in address order: the first host with an address of its
 * own gets 127.0.N.1, the next .2, … — so add new hosts at the end.
 */
export const HOST_PLANS: readonly HostPlan[] = [
  ...MAIN_HOSTS,
  ...CANONICAL_SCENARIOS.flatMap(scenarioHosts),
  ...HOSTILE_HOSTS,
  ...DNS_ONLY_HOSTS,
]

/** The host numbers (127.0.N.x) that are not hosts'. */
export const SPECIAL_NUMBERS = {
  /** The first and second authoritative servers. */
  ns1: 53,
  ns2: 54,
  /** lame.test's second nameserver: nothing listens there. */
  lameNs: 55,
  /** The DNS server that never answers (the dead-DNS workspace). */
  deadDns: 56,
  /** The admin app, behind nginx: no name of the zone points here. */
  adminApp: 57,
  /** The mail control (received mail over HTTP): no name points here. */
  mailControl: 58,
  /** The Slack-compatible webhook receiver: no name points here. */
  webhook: 59,
  /** The mail hosts (mail-plan.ts MAIL_HOSTS): .60 upwards. */
  mail: 60,
  /** many-a's A records: .100 upwards. */
  manyA: 100,
  /** stale.test's apex as ns1 and as ns2 give it; lame.test's apex. */
  staleNs1: 250,
  staleNs2: 251,
  lame: 252,
} as const

/** True for plans that get an address of their own. */
export function hasAddress(plan: HostPlan): boolean {
  return plan.dns === undefined || 'caa' in plan.dns
}
