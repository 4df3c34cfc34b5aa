import { randomBytes } from 'node:crypto'
import { checkInfo } from '../../shared/catalogue'
import { header, HttpError, type HttpHeaders } from '../net/http'
import { DnsError } from '../net/resolver'
import { finding, type Check, type CheckContext, type Verdict } from './check'
import { canonicalUrl } from './assets'
import { pageProbe, unreachablePage } from './http-probe'

const info = checkInfo('http.request-id')!

/** Headers that identify one request in the logs of the app or its edge. */
export const REQUEST_ID_HEADERS: readonly string[] = [
  'x-request-id',
  'x-correlation-id',
  'request-id',
  'traceparent',
  'x-amzn-trace-id',
  'x-amz-cf-id',
  'x-cloud-trace-context',
  'cf-ray',
  'x-vercel-id',
  'x-nf-request-id',
  'fly-request-id',
]

/** The first request-id header a response carries, as "name: value". */
export function requestIdOf(headers: HttpHeaders): string | undefined {
  const name = REQUEST_ID_HEADERS.find((h) => header(headers, h) !== undefined)
  return name && `${name}: ${header(headers, name)}`
}

/**
 * http.request-id: both the canonical page and an error response (a
 * page that does not exist) carry a request id, so a customer's error
 * can be traced in the logs.
 */
export const requestId: Check = {
  info,
  targets: (workspace) => [workspace.canonicalOrigin],
  async run(origin, context) {
    const url = canonicalUrl(context.workspace, context)
    const page = await pageProbe(new URL(url).hostname, context)
    const last = page.hops.at(-1)
    if (!last || page.problem)
      return [
        finding(info, origin, unreachablePage(new URL(url).hostname, page)),
      ]
    const missing = new URL(
      `/launch-ready-missing-${randomBytes(4).toString('hex')}`,
      last.url,
    ).href
    return [finding(info, origin, await judge(last.headers, missing, context))]
  },
}

async function judge(
  pageHeaders: HttpHeaders,
  missingUrl: string,
  context: CheckContext,
): Promise<Verdict> {
  let errorHeaders: HttpHeaders
  let errorStatus: number
  try {
    const response = await context.net.http.request(missingUrl, {
      signal: context.signal,
      maxBodyBytes: 16 * 1024,
    })
    errorHeaders = response.headers
    errorStatus = response.status
  } catch (error) {
    if (error instanceof HttpError || error instanceof DnsError) {
      return {
        status: 'error',
        severity: 'medium',
        title: 'Could not fetch an error page',
        detail: `${error.message}.`,
        evidence: { request: `GET ${missingUrl}` },
      }
    }
    throw error
  }
  const onPage = requestIdOf(pageHeaders)
  const onError = requestIdOf(errorHeaders)
  const evidence = {
    page: onPage ?? 'none',
    errorRequest: `GET ${missingUrl}`,
    errorStatus,
    error: onError ?? 'none',
  }
  const fix =
    'Give every response, errors included, an id your logs record: with nginx,\n' +
    '  add_header X-Request-ID $request_id always;\n' +
    'and pass it to the app (proxy_set_header X-Request-ID $request_id;) so the app logs it too.'
  if (onPage && onError) {
    return {
      status: 'pass',
      severity: 'info',
      title: 'Pages and errors carry a request id',
      detail: `The page sends ${onPage}; an error (${errorStatus}) sends ${onError}.`,
      evidence,
    }
  }
  return {
    status: 'warn',
    severity: 'medium',
    title: onPage
      ? `Error responses (${errorStatus}) carry no request id`
      : 'Responses carry no request id',
    detail: onPage
      ? `The page sends ${onPage}, but the error page does not: exactly when a customer reports a problem, there is nothing to look up.`
      : 'Neither the page nor an error response says which request it was, so a reported error cannot be found in the logs.',
    evidence,
    fix,
  }
}
