import { checkInfo } from '../../shared/catalogue'
import type { Evidence } from '../../shared/finding'
import { workspaceHosts } from '../../shared/workspace'
import {
  header,
  isRedirect,
  type HttpError,
  type HttpResponse,
  type RedirectChain,
} from '../net/http'
import { siteUrl, type Network } from '../net/network'
import { finding, type Check, type CheckContext, type Verdict } from './check'

const info = checkInfo('edge.https-redirect')!

/** Statuses a browser and a search engine treat as "moved for good". */
const PERMANENT = new Set([301, 308])

/**
 * edge.https-redirect: `http://host/` answers with a permanent redirect
 * to `https://host/` — the same host, first. That first hop is what HSTS
 * preloading requires and what keeps a session from ever going plain.
 */
export const httpsRedirect: Check = {
  info,
  targets: workspaceHosts,
  async run(host, context) {
    const url = siteUrl(context.net, 'http', host)
    const chain = await plainHttpProbe(host, context)
    const [first] = chain.hops
    if (!first) {
      const error =
        chain.problem?.kind === 'error' ? chain.problem.error : undefined
      return [finding(info, host, failedRequest(host, url, error))]
    }
    const verdict = endless(host, chain) ?? judge(host, url, first, context.net)
    return [
      finding(info, host, {
        ...verdict,
        evidence: {
          ...verdict.evidence,
          chain: chain.hops.map((h) => `${h.status} ${h.url}`),
        },
      }),
    ]
  },
}

/** The chain that never ends, whatever its first hop looked like. */
function endless(host: string, chain: RedirectChain): Verdict | undefined {
  const problem = chain.problem
  if (problem?.kind !== 'loop' && problem?.kind !== 'too-many') return undefined
  return {
    status: 'fail',
    severity: 'high',
    title:
      problem.kind === 'loop'
        ? `The redirects from http://${host} go round in a loop`
        : `The redirects from http://${host} go on for more than ${problem.limit} hops`,
    detail:
      problem.kind === 'loop'
        ? `The chain comes back to ${problem.url}; browsers stop with "too many redirects".`
        : 'Browsers give up on chains this long, so the site never loads.',
    fix: 'Send http://HOST/… straight to https://HOST/… with one 301, and make the HTTPS site answer without redirecting back.'.replaceAll(
      'HOST',
      host,
    ),
  }
}

function judge(
  host: string,
  url: string,
  response: HttpResponse,
  net: Network,
): Verdict {
  const location = header(response.headers, 'location')
  const evidence: Evidence = {
    request: `GET ${url}`,
    status: response.status,
    location: location ?? null,
    server: header(response.headers, 'server') ?? null,
    contentLength: header(response.headers, 'content-length') ?? null,
    ...(response.truncated
      ? { bodyRead: `first ${response.body.length} bytes only` }
      : {}),
    timingsMs: { ...response.timings },
  }
  const expected = siteUrl(net, 'https', host)
  const ruleFix = redirectRule(host, net)

  if (!isRedirect(response.status) || !location) {
    return {
      status: 'fail',
      severity: 'high',
      title: `http://${host} serves the site without redirecting to HTTPS`,
      detail:
        `${url} answered ${response.status} instead of a redirect, so ` +
        'visitors who type the address stay on unencrypted HTTP.',
      evidence,
      fix: ruleFix,
    }
  }

  const target = new URL(location, url)
  if (target.protocol !== 'https:') {
    return {
      status: 'fail',
      severity: 'high',
      title: `http://${host} redirects, but not to HTTPS`,
      detail: `${url} redirects to ${target.href}, which is still plain HTTP.`,
      evidence,
      fix: ruleFix,
    }
  }
  if (target.origin !== new URL(expected).origin) {
    return {
      status: 'warn',
      severity: 'medium',
      title: `http://${host} redirects to another host before HTTPS`,
      detail:
        `${url} redirects to ${target.href}. The first hop should stay on ` +
        `${host} and only switch to HTTPS, so HSTS for ${host} is set ` +
        'before any move to the canonical host.',
      evidence,
      fix: ruleFix,
    }
  }
  if (!PERMANENT.has(response.status)) {
    return {
      status: 'warn',
      severity: 'medium',
      title: `http://${host} redirects to HTTPS with a temporary status`,
      detail:
        `${url} answers ${response.status}; browsers and search engines ` +
        'do not remember a temporary redirect, so every visit starts on HTTP.',
      evidence,
      fix: `Use 301 (or 308) instead of ${response.status}.\n\n${ruleFix}`,
    }
  }
  return {
    status: 'pass',
    severity: 'info',
    title: `http://${host} redirects permanently to HTTPS`,
    detail: `${url} answers ${response.status} with Location ${target.href}.`,
    evidence,
  }
}

function failedRequest(
  host: string,
  url: string,
  error: HttpError | undefined,
): Verdict {
  if (error?.code === 'ECONNREFUSED') {
    return {
      status: 'fail',
      severity: 'medium',
      title: `Nothing answers on http://${host}`,
      detail:
        `${url}: ${error.reason}. Visitors who type the address without ` +
        'https:// get a connection error instead of the site.',
      evidence: { request: `GET ${url}`, error: error.reason },
      fix:
        `Listen on port 80 for ${host} and answer every request with a ` +
        'permanent redirect to HTTPS (on Cloudflare: SSL/TLS › Edge ' +
        'Certificates › Always Use HTTPS).',
    }
  }
  return {
    status: 'error',
    severity: 'high',
    title: `Could not check the HTTP redirect of ${host}`,
    detail: `${error?.message ?? 'No response'}.`,
    evidence: { request: `GET ${url}`, error: error?.reason ?? null },
    fix: 'Run the check again once the host answers from this computer.',
  }
}

/**
 * The redirect chain from http://host/, fetched once per audit and shared
 * with edge.cdn (whose fallback is the first response's headers).
 */
export function plainHttpProbe(
  host: string,
  context: CheckContext,
): Promise<RedirectChain> {
  const url = siteUrl(context.net, 'http', host)
  return context.probe(`http:${host}`, (signal) =>
    context.net.http.follow(url, { signal, maxHops: 10 }),
  )
}

/** Copy-paste redirect rules for the common edges and servers. */
function redirectRule(host: string, net: Network): string {
  const https = siteUrl(net, 'https', host, '')
  return [
    `Make http://${host} answer every request with a 301 to ${https} on the same path.`,
    'On Cloudflare: SSL/TLS › Edge Certificates › Always Use HTTPS: On.',
    'With nginx:',
    '  server {',
    '    listen 80;',
    `    server_name ${host};`,
    `    return 301 ${https}$request_uri;`,
    '  }',
  ].join('\n')
}
