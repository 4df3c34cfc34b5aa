import CachePolicy from 'http-cache-semantics'
import { checkInfo } from '../../shared/catalogue'
import { header } from '../net/http'
import { finding, type Check, type Verdict } from './check'
import { cacheStatus } from './cache-static'
import {
  describeRequest,
  endpointNamed,
  endpointUnreachable,
  fetchEndpoint,
  isAuthenticated,
  type EndpointFetch,
} from './endpoints'

const info = checkInfo('cache.private-data')!

/**
 * cache.private-data: a response to a request with credentials must not
 * be storable by a shared cache (RFC 9111 §3, §3.5 — judged by
 * http-cache-semantics as a CDN would), or the edge can hand one
 * customer's data to the next visitor. That is a blocker.
 */
export const cachePrivateData: Check = {
  info,
  targets: (workspace) =>
    workspace.endpoints
      .filter((e) => e.kind === 'read' && isAuthenticated(e))
      .map((e) => e.name),
  async run(name, context) {
    const endpoint = endpointNamed(context.workspace, name)
    try {
      return [
        finding(
          info,
          name,
          judge(name, await fetchEndpoint(endpoint, context)),
        ),
      ]
    } catch (error) {
      return [
        finding(
          info,
          name,
          endpointUnreachable(name, describeRequest(endpoint), error),
        ),
      ]
    }
  },
}

function judge(name: string, fetched: EndpointFetch): Verdict {
  const { response } = fetched
  const policy = new CachePolicy(
    {
      url: new URL(response.url).pathname,
      method: 'GET',
      headers: lowerCase(fetched.headers),
    },
    {
      status: response.status,
      headers: response.headers as CachePolicy.Headers,
    },
    { shared: true },
  )
  const ttl = Math.floor(policy.maxAge())
  const cacheControl = header(response.headers, 'cache-control') ?? null
  const edge = cacheStatus(response.headers)
  const evidence = {
    request: fetched.request,
    status: response.status,
    cacheControl,
    vary: header(response.headers, 'vary') ?? null,
    sharedCacheMayStoreSeconds: policy.storable() ? ttl : 0,
    ...(edge.seen ? { edge: edge.seen } : {}),
  }
  if (response.status === 401 || response.status === 403) {
    return {
      status: 'error',
      severity: 'medium',
      title: `${name} refused the stored credential (${response.status})`,
      detail:
        'The request was not authenticated, so what a logged-in response looks like could not be checked.',
      evidence,
      fix: 'Replace the credential on the Credentials screen with a current one, then run the audit again.',
    }
  }
  if (policy.storable() && ttl > 0) {
    return {
      status: 'fail',
      severity: 'blocker',
      title: `${name} lets shared caches store logged-in data`,
      detail:
        `The response to an authenticated request says "${cacheControl ?? 'nothing'}", so your CDN or any ` +
        `proxy may keep it for ${ttl} s and serve it to whoever asks next.` +
        (edge.hit
          ? ` The edge already served it from cache (${edge.seen}).`
          : ''),
      evidence,
      fix:
        'Mark every authenticated response private and uncacheable:\n' +
        '  Cache-Control: private, no-store\n' +
        'With nginx, in the location of the API:\n' +
        '  add_header Cache-Control "private, no-store" always;\n' +
        'With Express: res.set("Cache-Control", "private, no-store"). On ' +
        'Cloudflare, also add a Cache Rule that bypasses the cache for /api/.',
    }
  }
  return {
    status: 'pass',
    severity: 'info',
    title: `${name} keeps logged-in data out of shared caches`,
    detail: `${cacheControl ? `Cache-Control: ${cacheControl}` : 'No Cache-Control, and nothing that lets a shared cache store it'}.`,
    evidence,
  }
}

function lowerCase(
  headers: Readonly<Record<string, string>>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]),
  )
}
