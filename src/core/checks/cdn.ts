import { BlockList, isIP } from 'node:net'
import cloudflareIps from '../../../resources/cloudflare-ips.json'
import { checkInfo } from '../../shared/catalogue'
import { workspaceHosts } from '../../shared/workspace'
import { header, type HttpHeaders } from '../net/http'
import { DnsError } from '../net/resolver'
import { finding, type Check, type CheckContext, type Verdict } from './check'
import { pageProbe } from './http-probe'
import { plainHttpProbe } from './https-redirect'

const info = checkInfo('edge.cdn')!

/** An edge network and the response headers that give it away. */
interface EdgeSignature {
  readonly edge: string
  readonly matches: (headers: HttpHeaders) => string | undefined
}

const has = (name: string) => (h: HttpHeaders) =>
  header(h, name) !== undefined ? `${name} header` : undefined
const server = (pattern: RegExp) => (h: HttpHeaders) => {
  const value = header(h, 'server')
  return value && pattern.test(value) ? `server: ${value}` : undefined
}
const either =
  (...tests: ((h: HttpHeaders) => string | undefined)[]) =>
  (h: HttpHeaders) =>
    tests.map((t) => t(h)).find(Boolean)

/** Edges recognised by their headers; Cloudflare also by address and DNS. */
export const EDGE_SIGNATURES: readonly EdgeSignature[] = [
  {
    edge: 'Cloudflare',
    matches: either(has('cf-ray'), server(/^cloudflare$/i)),
  },
  {
    edge: 'Fastly',
    matches: either(has('x-fastly-request-id'), (h) =>
      /\bcache-[a-z0-9]+/i.test(header(h, 'x-served-by') ?? '')
        ? 'x-served-by: cache-…'
        : undefined,
    ),
  },
  {
    edge: 'Amazon CloudFront',
    matches: either(has('x-amz-cf-id'), (h) =>
      /cloudfront/i.test(header(h, 'via') ?? '')
        ? 'via: CloudFront'
        : undefined,
    ),
  },
  {
    edge: 'Akamai',
    matches: either(
      has('akamai-grn'),
      has('x-akamai-transformed'),
      server(/^akamai/i),
    ),
  },
  { edge: 'Vercel', matches: either(has('x-vercel-id'), server(/^vercel$/i)) },
  {
    edge: 'Netlify',
    matches: either(has('x-nf-request-id'), server(/^netlify$/i)),
  },
  { edge: 'Azure Front Door', matches: has('x-azure-ref') },
  { edge: 'Bunny CDN', matches: server(/^bunnycdn/i) },
  { edge: 'Sucuri', matches: has('x-sucuri-id') },
  {
    edge: 'Imperva',
    matches: either(has('x-iinfo'), (h) =>
      /imperva|incapsula/i.test(header(h, 'x-cdn') ?? '')
        ? 'x-cdn: Imperva'
        : undefined,
    ),
  },
]

const cloudflareRanges = new BlockList()
for (const cidr of cloudflareIps.ipv4) addSubnet(cidr, 'ipv4')
for (const cidr of cloudflareIps.ipv6) addSubnet(cidr, 'ipv6')

function addSubnet(cidr: string, type: 'ipv4' | 'ipv6') {
  const [prefix, bits] = cidr.split('/')
  cloudflareRanges.addSubnet(prefix!, Number(bits), type)
}

/** True for an address in Cloudflare's published ranges. */
export function isCloudflareAddress(address: string): boolean {
  const family = isIP(address)
  return (
    family !== 0 &&
    cloudflareRanges.check(address, family === 6 ? 'ipv6' : 'ipv4')
  )
}

/**
 * edge.cdn: each host's traffic goes through an edge network, seen in
 * its response headers or, for Cloudflare, in its addresses. Cloudflare
 * nameservers with no proxy in front mean "DNS only": the origin is open.
 */
export const cdn: Check = {
  info,
  targets: workspaceHosts,
  async run(host, context) {
    const [headers, addresses, nameservers] = await Promise.all([
      responseHeaders(host, context),
      context.net.resolver
        .resolve(host)
        .then((r) => [...r.a, ...r.aaaa].map((x) => x.address)),
      domainNameservers(context),
    ])
    return [finding(info, host, judge(host, headers, addresses, nameservers))]
  },
}

async function responseHeaders(
  host: string,
  context: CheckContext,
): Promise<HttpHeaders | undefined> {
  const page = await pageProbe(host, context)
  if (page.hops[0]) return page.hops[0].headers
  // No HTTPS: the plain-HTTP answer still shows who sits in front.
  const plain = await plainHttpProbe(host, context)
  return plain.hops[0]?.headers
}

function domainNameservers(context: CheckContext): Promise<string[]> {
  const domain = context.workspace.domain
  return context.probe(`ns:${domain}`, () =>
    context.net.resolver.query(domain, 'NS').catch((error: unknown) => {
      if (error instanceof DnsError) return []
      throw error
    }),
  )
}

function judge(
  host: string,
  headers: HttpHeaders | undefined,
  addresses: readonly string[],
  nameservers: readonly string[],
): Verdict {
  const signals = new Map<string, string[]>()
  const add = (edge: string, signal: string) =>
    signals.set(edge, [...(signals.get(edge) ?? []), signal])
  for (const { edge, matches } of headers ? EDGE_SIGNATURES : []) {
    const signal = matches(headers!)
    if (signal) add(edge, signal)
  }
  for (const address of addresses.filter(isCloudflareAddress))
    add('Cloudflare', `address ${address} in Cloudflare's ranges`)
  const cloudflareDns = nameservers.filter((ns) =>
    /\.ns\.cloudflare\.com\.?$/i.test(ns),
  )
  const evidence = {
    edges: Object.fromEntries(signals),
    addresses: [...addresses],
    nameservers: [...nameservers],
    cloudflareRangesTaken: cloudflareIps.taken,
  }
  if (signals.size > 0) {
    const edges = [...signals.keys()]
    return {
      status: 'pass',
      severity: 'info',
      title: `${host} is behind ${edges.join(' and ')}`,
      detail:
        [...signals].map(([edge, s]) => `${edge}: ${s.join(', ')}`).join('; ') +
        '.',
      evidence,
    }
  }
  if (cloudflareDns.length > 0) {
    return {
      status: 'fail',
      severity: 'high',
      title: `${host} uses Cloudflare DNS but bypasses its proxy`,
      detail:
        'The domain is on Cloudflare, but this host answers directly from your server (its record is "DNS only"), ' +
        'so attacks and traffic spikes reach the origin and its address is public.',
      evidence,
      fix: `In Cloudflare's DNS settings, switch the record of ${host} to Proxied (orange cloud).`,
    }
  }
  return {
    status: 'fail',
    severity: 'high',
    title: `No edge network in front of ${host}`,
    detail: `${host} answers straight from the origin: nothing absorbs floods or caches static files, and the server's address is public.`,
    evidence,
    fix:
      'Put the site behind an edge. With Cloudflare (free plan): add the domain, let it import the DNS records, ' +
      'mark the site records Proxied (orange cloud), then switch your registrar to the two Cloudflare nameservers ' +
      'it assigns. Afterwards allow only Cloudflare addresses to reach the origin.',
  }
}
