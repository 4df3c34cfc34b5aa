import { checkInfo } from '../../shared/catalogue'
import { workspaceHosts } from '../../shared/workspace'
import { header } from '../net/http'
import { finding, type Check, type CheckContext, type Verdict } from './check'
import { pageProbe, unreachablePage } from './http-probe'
import { tlsProbe } from './tls-probe'

const info = checkInfo('edge.hsts')!

const DAY = 86_400
/** PRODUCT.md: max-age of a year passes; under 180 days is a warning. */
export const HSTS_GOOD_SECONDS = 365 * DAY
export const HSTS_WARN_SECONDS = 180 * DAY

/** A Strict-Transport-Security header, parsed per RFC 6797 §6.1. */
export interface HstsPolicy {
  readonly maxAge: number
  readonly includeSubDomains: boolean
  readonly preload: boolean
}

/**
 * Parses an STS header value; a string says why it is invalid. Directive
 * names are case-insensitive, max-age is required, and a directive may
 * appear only once (§6.1).
 */
export function parseHsts(value: string): HstsPolicy | string {
  const seen = new Map<string, string | undefined>()
  for (const part of value.split(';')) {
    const trimmed = part.trim()
    if (!trimmed) continue
    const [rawName, ...rest] = trimmed.split('=')
    const name = rawName!.trim().toLowerCase()
    if (seen.has(name)) return `the ${name} directive appears twice`
    seen.set(
      name,
      rest.length
        ? rest
            .join('=')
            .trim()
            .replace(/^"(.*)"$/, '$1')
        : undefined,
    )
  }
  const maxAge = seen.get('max-age')
  if (maxAge === undefined) return 'it has no max-age'
  if (!/^\d+$/.test(maxAge))
    return `max-age "${maxAge}" is not a number of seconds`
  return {
    maxAge: Number(maxAge),
    includeSubDomains: seen.has('includesubdomains'),
    preload: seen.has('preload'),
  }
}

/**
 * edge.hsts: each host's HTTPS answer carries Strict-Transport-Security
 * with max-age of a year; on the bare domain, includeSubDomains is judged
 * against whether every subdomain really serves valid HTTPS.
 */
export const hsts: Check = {
  info,
  targets: workspaceHosts,
  async run(host, context) {
    const probe = await pageProbe(host, context)
    const first = probe.hops[0]
    if (!first) return [finding(info, host, unreachablePage(host, probe))]
    const value = header(first.headers, 'strict-transport-security')
    const verdict = await judge(host, value, context)
    return [
      finding(info, host, {
        ...verdict,
        evidence: {
          request: `GET ${probe.url}`,
          status: first.status,
          header: value ?? null,
          ...verdict.evidence,
        },
      }),
    ]
  },
}

async function judge(
  host: string,
  value: string | undefined,
  context: CheckContext,
): Promise<Verdict> {
  const recommended = `  Strict-Transport-Security: max-age=${HSTS_GOOD_SECONDS}${host === context.workspace.domain ? '; includeSubDomains' : ''}`
  const fix =
    'Send this header on every HTTPS response of the host (on Cloudflare: ' +
    'SSL/TLS › Edge Certificates › HTTP Strict Transport Security):\n' +
    recommended +
    '\nWith nginx, in the server block for port 443:\n' +
    `  add_header Strict-Transport-Security "max-age=${HSTS_GOOD_SECONDS}" always;`
  if (value === undefined) {
    return {
      status: 'fail',
      severity: 'medium',
      title: `${host} sends no HSTS header`,
      detail:
        'Browsers will keep trying plain HTTP first, where a visit can be intercepted.',
      fix,
    }
  }
  const policy = parseHsts(value)
  if (typeof policy === 'string') {
    return {
      status: 'fail',
      severity: 'medium',
      title: `The HSTS header of ${host} is invalid`,
      detail: `Browsers ignore it: ${policy}.`,
      fix,
    }
  }
  const days = Math.floor(policy.maxAge / DAY)
  const evidence = {
    maxAgeDays: days,
    includeSubDomains: policy.includeSubDomains,
    preload: policy.preload,
  }
  if (policy.maxAge < HSTS_GOOD_SECONDS) {
    const short = policy.maxAge < HSTS_WARN_SECONDS
    return {
      status: 'warn',
      severity: short ? 'medium' : 'low',
      title: `The HSTS max-age of ${host} is only ${days} day(s)`,
      detail: short
        ? 'Browsers forget the rule quickly, so returning visitors are exposed again.'
        : 'A year is the norm, and what HSTS preload lists require.',
      evidence,
      fix,
    }
  }
  if (host === context.workspace.domain) {
    const subdomains = await subdomainsWithoutHttps(context)
    if (policy.includeSubDomains && subdomains.length > 0) {
      return {
        status: 'fail',
        severity: 'high',
        title: `includeSubDomains will lock visitors out of ${subdomains.length} subdomain(s)`,
        detail:
          `The HSTS header of ${host} covers every subdomain, but ${subdomains.join(', ')} ` +
          'do not serve valid HTTPS; browsers that saw the header refuse them outright.',
        evidence: { ...evidence, subdomainsWithoutValidHttps: subdomains },
        fix: `Give ${subdomains.join(', ')} valid certificates, or drop includeSubDomains until they have them.`,
      }
    }
    if (!policy.includeSubDomains && subdomains.length === 0) {
      return {
        status: 'warn',
        severity: 'low',
        title: `${host} could protect its subdomains with includeSubDomains`,
        detail:
          'Every subdomain serves valid HTTPS, so the header can cover them too.',
        evidence,
        fix,
      }
    }
  }
  return {
    status: 'pass',
    severity: 'info',
    title: `${host} sends HSTS for ${days} days`,
    detail: `max-age=${policy.maxAge}${policy.includeSubDomains ? '; includeSubDomains' : ''}${policy.preload ? '; preload' : ''}.`,
    evidence,
  }
}

/** The workspace's subdomains that lack a valid, trusted certificate. */
async function subdomainsWithoutHttps(
  context: CheckContext,
): Promise<string[]> {
  const domain = context.workspace.domain
  const subdomains = workspaceHosts(context.workspace).filter(
    (h) => h !== domain,
  )
  const verdicts = await Promise.all(
    subdomains.map(async (host) => {
      const report = await tlsProbe(host, context).catch(() => undefined)
      const leaf = report?.chain[0]
      const now = context.now().getTime()
      const valid =
        report?.trusted &&
        report.hostnameMatches &&
        leaf !== undefined &&
        Date.parse(leaf.validFrom) <= now &&
        now < Date.parse(leaf.validTo)
      return valid ? undefined : host
    }),
  )
  return verdicts.filter((h): h is string => h !== undefined)
}
