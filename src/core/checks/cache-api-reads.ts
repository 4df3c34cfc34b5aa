import CachePolicy from 'http-cache-semantics'
import { checkInfo } from '../../shared/catalogue'
import { header, HttpError } from '../net/http'
import { DnsError } from '../net/resolver'
import { finding, type Check, type CheckContext, type Verdict } from './check'
import {
  describeRequest,
  endpointNamed,
  endpointUnreachable,
  fetchEndpoint,
  readEndpoints,
  type EndpointFetch,
} from './endpoints'

const info = checkInfo('cache.api-reads')!

/**
 * cache.api-reads: a read endpoint either carries validators (ETag or
 * Last-Modified) that a conditional repeat honours with 304 Not
 * Modified, or states an explicit caching policy.
 */
export const cacheApiReads: Check = {
  info,
  targets: readEndpoints,
  async run(name, context) {
    const endpoint = endpointNamed(context.workspace, name)
    try {
      const fetched = await fetchEndpoint(endpoint, context)
      return [finding(info, name, await judge(name, fetched, context))]
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

async function judge(
  name: string,
  fetched: EndpointFetch,
  context: CheckContext,
): Promise<Verdict> {
  const { response } = fetched
  const request = {
    url: new URL(response.url).pathname,
    method: 'GET',
    headers: { ...fetched.headers },
  }
  // A browser's view: a private cache may revalidate private responses.
  const policy = new CachePolicy(
    request,
    {
      status: response.status,
      headers: response.headers as CachePolicy.Headers,
    },
    { shared: false },
  )
  const validators = ['etag', 'last-modified'].filter(
    (h) => header(response.headers, h) !== undefined,
  )
  const cacheControl = header(response.headers, 'cache-control')
  const evidence = {
    request: fetched.request,
    status: response.status,
    cacheControl: cacheControl ?? null,
    validators,
  }
  if (response.status >= 400) {
    return {
      status: 'error',
      severity: 'medium',
      title: `${name} answers ${response.status}`,
      detail: 'An error response says nothing about how its data is cached.',
      evidence,
      fix: 'Fix the endpoint (see perf.latency for how often it fails), then run the audit again.',
    }
  }
  if (validators.length > 0) {
    const conditional = policy.revalidationHeaders(request) as Record<
      string,
      string
    >
    let status: number
    try {
      status = (
        await context.net.http.request(response.url, {
          headers: {
            'accept-encoding': 'br, gzip',
            ...fetched.headers,
            ...conditional,
          },
          signal: context.signal,
          maxBodyBytes: 64 * 1024,
        })
      ).status
    } catch (error) {
      if (error instanceof HttpError || error instanceof DnsError) {
        return {
          status: 'error',
          severity: 'medium',
          title: `Could not repeat the request to ${name}`,
          detail: `${error.message}.`,
          evidence,
        }
      }
      throw error
    }
    const sent = Object.keys(conditional).filter((h) => h.startsWith('if-'))
    const repeat = {
      ...evidence,
      conditionalRequest: sent,
      conditionalStatus: status,
    }
    if (status === 304) {
      return {
        status: 'pass',
        severity: 'info',
        title: `${name} answers 304 Not Modified to a repeat`,
        detail: `With ${sent.join(' and ')}, the unchanged data is not sent again.`,
        evidence: repeat,
      }
    }
    return {
      status: 'warn',
      severity: 'medium',
      title: `${name} sends validators but ignores them`,
      detail: `It sends ${validators.join(' and ')}, but a request with ${sent.join(' and ')} got ${status} and the whole body again.`,
      evidence: repeat,
      fix: 'Answer 304 when If-None-Match matches the ETag (most frameworks do this for you: Express with etag enabled, Rails with stale?/fresh_when, Django with ConditionalGetMiddleware).',
    }
  }
  if (cacheControl) {
    return {
      status: 'pass',
      severity: 'info',
      title: `${name} states its caching policy`,
      detail: `Cache-Control: ${cacheControl}. Without validators, repeats download it in full, which is fine for small responses.`,
      evidence,
    }
  }
  return {
    status: 'warn',
    severity: 'medium',
    title: `${name} cannot be revalidated`,
    detail: `It sends neither ETag nor Last-Modified nor Cache-Control, so every repeat downloads all ${fetched.decoded.bytes} bytes and caches guess.`,
    evidence,
    fix:
      'Send an ETag (a hash of the body; most frameworks do it with one setting) and answer 304 to If-None-Match, and state the policy, e.g.:\n' +
      '  Cache-Control: private, no-cache\n' +
      '  ETag: "<hash of the body>"',
  }
}
