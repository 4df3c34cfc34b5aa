import { checkInfo } from '../../shared/catalogue'
import type { Workspace } from '../../shared/workspace'
import { header, HttpError, type HttpResponse } from '../net/http'
import { DnsError } from '../net/resolver'
import { finding, type Check, type CheckContext, type Verdict } from './check'
import { canonicalUrl, siteAssets } from './assets'
import {
  decodeBody,
  describeRequest,
  endpointNamed,
  endpointUnreachable,
  fetchEndpoint,
  isTextual,
  readEndpoints,
  type DecodedBody,
} from './endpoints'
import { pageProbe, unreachablePage } from './http-probe'

const info = checkInfo('http.compression')!

/** PRODUCT.md: text responses over 1 KB should be compressed. */
export const COMPRESS_ABOVE_BYTES = 1024

/**
 * http.compression: the canonical page, its text assets (scripts,
 * styles) and the read endpoints come gzip- or Brotli-compressed when
 * they are text over 1 KB and the client accepts it.
 */
export const compression: Check = {
  info,
  targets: (workspace: Workspace) => [
    workspace.canonicalOrigin,
    ...readEndpoints(workspace),
  ],
  async run(target, context) {
    if (target === context.workspace.canonicalOrigin)
      return pageAndAssets(context)
    const endpoint = endpointNamed(context.workspace, target)
    try {
      const fetched = await fetchEndpoint(endpoint, context)
      return [
        finding(
          info,
          target,
          judge(target, fetched.request, fetched.response, fetched.decoded),
        ),
      ]
    } catch (error) {
      return [
        finding(
          info,
          target,
          endpointUnreachable(target, describeRequest(endpoint), error),
        ),
      ]
    }
  },
}

async function pageAndAssets(context: CheckContext) {
  const url = canonicalUrl(context.workspace, context)
  const host = new URL(url).hostname
  const page = await pageProbe(host, context)
  const last = page.hops.at(-1)
  const limit = context.workspace.budgets.payloadBytes * 5
  const pageVerdict =
    !last || page.problem
      ? unreachablePage(host, page)
      : judge(url, `GET ${last.url}`, last, await decodeBody(last, limit))
  const assets = await Promise.all(
    (await siteAssets(context)).map(async (asset) =>
      finding(info, asset, await judgeAsset(asset, context)),
    ),
  )
  return [
    finding(info, url, pageVerdict),
    ...assets.filter((f) => f.status !== 'skip'),
  ]
}

async function judgeAsset(
  url: string,
  context: CheckContext,
): Promise<Verdict> {
  try {
    const response = await context.net.http.request(url, {
      headers: { 'accept-encoding': 'br, gzip' },
      signal: context.signal,
      maxBodyBytes: 8 * 1024 * 1024,
    })
    return judge(
      url,
      `GET ${url}`,
      response,
      await decodeBody(response, 8 * 1024 * 1024),
    )
  } catch (error) {
    if (error instanceof HttpError || error instanceof DnsError) {
      return {
        status: 'error',
        severity: 'low',
        title: `Could not fetch ${url}`,
        detail: `${error.message}.`,
        evidence: { error: error.reason },
      }
    }
    throw error
  }
}

function judge(
  target: string,
  request: string,
  response: HttpResponse,
  decoded: DecodedBody,
): Verdict {
  const type = header(response.headers, 'content-type')
  const encoding = decoded.encoding
  const evidence = {
    request: `${request} (Accept-Encoding: br, gzip)`,
    contentType: type ?? null,
    contentEncoding: encoding ?? null,
    transferredBytes: response.body.length,
    bytes: decoded.bytes,
  }
  if (!isTextual(type) || decoded.bytes <= COMPRESS_ABOVE_BYTES) {
    return {
      status: 'skip',
      severity: 'info',
      title: `${target} needs no compression`,
      detail: isTextual(type)
        ? `It is ${decoded.bytes} bytes, under ${COMPRESS_ABOVE_BYTES}.`
        : `${type ?? 'Its type'} does not compress well.`,
      evidence,
    }
  }
  if (!encoding || encoding === 'identity') {
    return {
      status: 'warn',
      severity: 'medium',
      title: `${target} is sent uncompressed`,
      detail: `${decoded.bytes} bytes of ${type} went over the wire as they are, though the request accepted gzip and Brotli.`,
      evidence,
      fix:
        'Turn on compression for text types. On Cloudflare it is on by default for proxied records. With nginx:\n' +
        '  gzip on;\n' +
        '  gzip_proxied any;\n' +
        '  gzip_types text/css application/javascript application/json image/svg+xml;',
    }
  }
  const ratio = Math.round((1 - response.body.length / decoded.bytes) * 100)
  const breach = /^text\/html/i.test(type ?? '')
    ? ' If this page shows user input next to a secret such as a CSRF token, compression opens the BREACH attack: mask such tokens per response.'
    : ''
  return {
    status: 'pass',
    severity: 'info',
    title: `${target} is compressed with ${encoding}`,
    detail: `${decoded.bytes} bytes sent as ${response.body.length} (${ratio}% smaller).${breach}`,
    evidence,
  }
}
