import { checkInfo } from '../../shared/catalogue'
import type { Workspace } from '../../shared/workspace'
import type { HttpResponse, RedirectChain } from '../net/http'
import { siteUrl, type Network } from '../net/network'
import { finding, type Check, type Verdict } from './check'

const info = checkInfo('edge.canonical')!

/** PRODUCT.md: every variant reaches the canonical origin in two hops. */
export const MAX_CANONICAL_HOPS = 2
/** Past this many redirects the chain is broken, not just long. */
const FOLLOW_LIMIT = 10

const PERMANENT = new Set([301, 308])

/**
 * edge.canonical: http and https, with and without www, each end on the
 * workspace's canonical origin, in at most two permanent redirects,
 * never dropping back to http, never looping.
 */
export const canonical: Check = {
  info,
  targets: (w: Workspace) =>
    ['http', 'https'].flatMap((scheme) => [
      `${scheme}://${w.domain}`,
      `${scheme}://www.${w.domain}`,
    ]),
  async run(variant, context) {
    const start = new URL(variant)
    const url = siteUrl(
      context.net,
      start.protocol === 'http:' ? 'http' : 'https',
      start.hostname,
    )
    const chain = await context.net.http.follow(url, {
      signal: context.signal,
      maxHops: FOLLOW_LIMIT,
    })
    return [
      finding(
        info,
        variant,
        judge(variant, chain, context.workspace, context.net),
      ),
    ]
  },
}

/** Where the canonical origin is reached, on the workspace's ports. */
function expectedOrigin(workspace: Workspace, net: Network): string {
  const canonicalUrl = new URL(workspace.canonicalOrigin)
  const scheme = canonicalUrl.protocol === 'http:' ? 'http' : 'https'
  return new URL(siteUrl(net, scheme, canonicalUrl.hostname)).origin
}

function judge(
  variant: string,
  chain: RedirectChain,
  workspace: Workspace,
  net: Network,
): Verdict {
  const expected = expectedOrigin(workspace, net)
  const hops = chain.hops
  const last = hops.at(-1)
  const redirects = hops.slice(0, -1)
  const evidence = {
    canonicalOrigin: workspace.canonicalOrigin,
    chain: hops.map(describeHop),
    ...(chain.problem?.kind === 'error'
      ? { error: chain.problem.error.reason }
      : {}),
  }
  const fix = canonicalFix(workspace)
  const fail = (
    severity: Verdict['severity'],
    title: string,
    detail: string,
  ): Verdict => ({
    status: 'fail',
    severity,
    title,
    detail,
    evidence,
    fix,
  })

  switch (chain.problem?.kind) {
    case 'loop':
      return fail(
        'high',
        `${variant} redirects in a loop`,
        `The chain comes back to ${chain.problem.url}: browsers stop with "too many redirects".`,
      )
    case 'too-many':
      return fail(
        'high',
        `${variant} redirects more than ${chain.problem.limit} times`,
        'Browsers and crawlers give up long before the end.',
      )
    case 'error':
      if (hops.length > 0) {
        return fail(
          'high',
          `The redirects from ${variant} lead to a dead end`,
          `After ${hops.length} hop(s): ${chain.problem.error.message}.`,
        )
      }
      if (
        chain.problem.error.code === 'ETIMEDOUT' ||
        chain.problem.error.phase === 'dns'
      ) {
        return {
          status: 'error',
          severity: 'medium',
          title: `Could not reach ${variant}`,
          detail: `${chain.problem.error.message}.`,
          evidence,
          fix: 'Run the check again once the host answers.',
        }
      }
      return fail(
        'medium',
        `${variant} does not answer`,
        `${chain.problem.error.message}. Visitors who use this address get an error.`,
      )
  }

  const downgrade = hops.findIndex(
    (h, i) =>
      i > 0 &&
      h.url.startsWith('http:') &&
      hops.slice(0, i).some((p) => p.url.startsWith('https:')),
  )
  if (downgrade > 0) {
    return fail(
      'high',
      `The redirects from ${variant} drop back to plain HTTP`,
      `${hops[downgrade - 1]!.url} redirects to ${hops[downgrade]!.url}: the session cookie and the visit are exposed on the way.`,
    )
  }
  const finalOrigin = new URL(last!.url).origin
  if (finalOrigin !== expected) {
    const serves = last!.status >= 200 && last!.status < 300
    return fail(
      'high',
      serves
        ? `${variant} serves the site instead of redirecting to ${workspace.canonicalOrigin}`
        : `${variant} ends on ${finalOrigin}, not ${workspace.canonicalOrigin}`,
      serves
        ? `${last!.url} answers ${last!.status} itself, so the site lives on two hosts: logins and carts split between them, and search engines see duplicates.`
        : `The chain stops at ${last!.url} with ${last!.status}.`,
    )
  }
  if (last!.status >= 400) {
    return fail(
      'medium',
      `${variant} ends on an error page`,
      `The canonical address answers ${last!.status} at ${last!.url}.`,
    )
  }
  const temporary = redirects.filter((h) => !PERMANENT.has(h.status))
  if (redirects.length > MAX_CANONICAL_HOPS || temporary.length > 0) {
    const problems = [
      ...(redirects.length > MAX_CANONICAL_HOPS
        ? [
            `it takes ${redirects.length} redirects (at most ${MAX_CANONICAL_HOPS})`,
          ]
        : []),
      ...(temporary.length > 0
        ? [
            `${temporary.map((h) => h.status).join(', ')} ${temporary.length === 1 ? 'is a temporary status' : 'are temporary statuses'} (browsers and search engines do not remember them)`,
          ]
        : []),
    ]
    return {
      status: 'warn',
      severity: 'medium',
      title: `${variant} reaches the canonical address the long way`,
      detail: `It ends on ${workspace.canonicalOrigin}, but ${problems.join(', and ')}.`,
      evidence,
      fix,
    }
  }
  return {
    status: 'pass',
    severity: 'info',
    title:
      redirects.length === 0
        ? `${variant} is the canonical address`
        : `${variant} reaches ${workspace.canonicalOrigin} in ${redirects.length} permanent redirect(s)`,
    detail: hops.map(describeHop).join(' → '),
    evidence,
  }
}

function describeHop(hop: HttpResponse): string {
  return `${hop.status} ${hop.url}`
}

/** Copy-paste rules that send every variant to the canonical origin. */
function canonicalFix(workspace: Workspace): string {
  const target = new URL(workspace.canonicalOrigin)
  const other =
    target.hostname === workspace.domain
      ? `www.${workspace.domain}`
      : workspace.domain
  return [
    `Make every variant answer with one 301 to ${target.origin}, keeping the path:`,
    `http://${other} and http://${target.hostname} → https://… on the same host first, then`,
    `https://${other} → ${target.origin}.`,
    'On Cloudflare: SSL/TLS › Edge Certificates › Always Use HTTPS: On, and',
    `Rules › Redirect Rules › "Redirect from ${other === workspace.domain ? 'root to WWW' : 'WWW to root'}" (301, preserve query string).`,
    'With nginx:',
    '  server {',
    '    listen 443 ssl;',
    `    server_name ${other};`,
    `    return 301 ${target.origin}$request_uri;`,
    '  }',
  ].join('\n')
}
