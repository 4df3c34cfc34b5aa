import { checkInfo } from '../../shared/catalogue'
import type { Severity } from '../../shared/finding'
import { workspaceHosts } from '../../shared/workspace'
import { header, isRedirect, type HttpHeaders } from '../net/http'
import { finding, type Check, type Verdict } from './check'
import { pageProbe, unreachablePage } from './http-probe'

const info = checkInfo('http.security-headers')!

/** One header rule: present or not, and what its absence costs. */
interface Rule {
  readonly name: string
  readonly severity: Severity
  readonly present: (headers: HttpHeaders) => boolean
  readonly why: string
  readonly add: string
}

const RULES: readonly Rule[] = [
  {
    name: 'frame protection',
    severity: 'medium',
    present: (h) =>
      /(^|;)\s*frame-ancestors\s/i.test(
        header(h, 'content-security-policy') ?? '',
      ) ||
      /^(deny|sameorigin)$/i.test(header(h, 'x-frame-options')?.trim() ?? ''),
    why: 'other sites can frame the admin pages and trick clicks (clickjacking)',
    add: `Content-Security-Policy: frame-ancestors 'none'`,
  },
  {
    name: 'X-Content-Type-Options',
    severity: 'low',
    present: (h) =>
      header(h, 'x-content-type-options')?.trim().toLowerCase() === 'nosniff',
    why: 'browsers may guess content types and run an upload as a script',
    add: 'X-Content-Type-Options: nosniff',
  },
  {
    name: 'Referrer-Policy',
    severity: 'info',
    present: (h) => header(h, 'referrer-policy') !== undefined,
    why: 'full admin URLs (with order ids or search terms) leak to other sites in the Referer header',
    add: 'Referrer-Policy: strict-origin-when-cross-origin',
  },
]

/**
 * http.security-headers: the page each host serves carries clickjacking
 * protection, nosniff and a referrer policy. These harden the admin app;
 * they never block a launch, so the worst is a warning.
 */
export const securityHeaders: Check = {
  info,
  targets: workspaceHosts,
  async run(host, context) {
    const probe = await pageProbe(host, context)
    const page = probe.hops.at(-1)
    if (!page || probe.problem) {
      return [finding(info, host, unreachablePage(host, probe))]
    }
    if (isRedirect(page.status)) {
      const to = header(page.headers, 'location') ?? 'elsewhere'
      return [
        finding(info, host, {
          status: 'skip',
          severity: 'info',
          title: `${host} redirects to ${to}`,
          detail:
            'It serves no page of its own; the headers of the page it redirects to are what count.',
          evidence: {
            request: `GET ${page.url}`,
            status: page.status,
            location: to,
          },
        }),
      ]
    }
    return [finding(info, host, judge(host, page.url, page.headers))]
  },
}

function judge(host: string, url: string, headers: HttpHeaders): Verdict {
  const missing = RULES.filter((r) => !r.present(headers))
  const evidence = {
    request: `GET ${url}`,
    headers: Object.fromEntries(
      [
        'content-security-policy',
        'x-frame-options',
        'x-content-type-options',
        'referrer-policy',
      ].map((n) => [n, header(headers, n) ?? null]),
    ),
  }
  if (missing.length === 0) {
    return {
      status: 'pass',
      severity: 'info',
      title: `${host} sends the admin security headers`,
      detail: 'Frame protection, nosniff and a referrer policy are all set.',
      evidence,
    }
  }
  const worst = missing[0]!.severity
  return {
    status: 'warn',
    severity: worst,
    title: `${host} lacks ${missing.map((r) => r.name).join(', ')}`,
    detail: missing.map((r) => `Without ${r.name}, ${r.why}.`).join(' '),
    evidence,
    fix:
      'Add these response headers (Cloudflare: Rules › Transform Rules › ' +
      'Modify Response Header; nginx: add_header … always;):\n' +
      missing.map((r) => `  ${r.add}`).join('\n'),
  }
}
