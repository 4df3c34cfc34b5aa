import CachePolicy from 'http-cache-semantics'
import { checkInfo } from '../../shared/catalogue'
import type { Severity } from '../../shared/finding'
import {
  header,
  HttpError,
  type HttpHeaders,
  type HttpResponse,
} from '../net/http'
import { DnsError } from '../net/resolver'
import { finding, type Check, type CheckContext, type Verdict } from './check'
import { canonicalUrl, isHashedName, siteAssets } from './assets'

const info = checkInfo('cache.static')!

const YEAR_S = 365 * 86_400

/** The headers that say whether an edge cache served a response. */
export function cacheStatus(headers: HttpHeaders): {
  readonly hit: boolean
  readonly seen?: string
} {
  const cf = header(headers, 'cf-cache-status')
  if (cf)
    return {
      hit: /^(hit|revalidated|updating|stale)$/i.test(cf),
      seen: `cf-cache-status: ${cf}`,
    }
  const xCache = header(headers, 'x-cache')
  if (xCache)
    return { hit: /\bhit\b/i.test(xCache), seen: `x-cache: ${xCache}` }
  const age = header(headers, 'age')
  if (age) return { hit: Number(age) > 0, seen: `age: ${age}` }
  return { hit: false }
}

/**
 * cache.static: each static asset (the workspace's, and those the
 * canonical page references) is cacheable by browsers and the edge for
 * long enough — a year and `immutable` for content-hashed names — carries
 * validators, and comes from the edge cache when fetched again.
 */
export const cacheStatic: Check = {
  info,
  targets: (workspace) => [workspace.canonicalOrigin],
  async run(_origin, context) {
    const assets = await siteAssets(context)
    if (assets.length === 0) {
      return [
        finding(info, canonicalUrl(context.workspace, context), {
          status: 'skip',
          severity: 'info',
          title: 'No static assets to check',
          detail:
            'The canonical page references no scripts, styles or images on your domain, and the workspace lists none (assets).',
          evidence: { page: canonicalUrl(context.workspace, context) },
        }),
      ]
    }
    return Promise.all(
      assets.map(async (url) =>
        finding(info, url, await judgeAsset(url, context)),
      ),
    )
  },
}

async function judgeAsset(
  url: string,
  context: CheckContext,
): Promise<Verdict> {
  let first: HttpResponse
  let repeat: HttpResponse
  try {
    first = await context.net.http.request(url, {
      signal: context.signal,
      maxBodyBytes: 64 * 1024,
    })
    repeat = await context.net.http.request(url, {
      signal: context.signal,
      maxBodyBytes: 64 * 1024,
    })
  } catch (error) {
    if (error instanceof HttpError || error instanceof DnsError) {
      return {
        status: 'error',
        severity: 'medium',
        title: `Could not fetch ${url}`,
        detail: `${error.message}.`,
        evidence: { request: `GET ${url}`, error: error.reason },
      }
    }
    throw error
  }
  const headers = first.headers
  const policy = new CachePolicy(
    { url: new URL(url).pathname, method: 'GET', headers: {} },
    { status: first.status, headers: headers as CachePolicy.Headers },
    { shared: true },
  )
  // The lifetime the headers grant (max-age, s-maxage), not what is left
  // of it: a copy the edge has held for a while is just as well cached.
  const ttl = Math.floor(policy.maxAge())
  const hashed = isHashedName(url)
  const cacheControl = header(headers, 'cache-control') ?? null
  const validators = ['etag', 'last-modified'].filter(
    (h) => header(headers, h) !== undefined,
  )
  const edge = cacheStatus(repeat.headers)
  const evidence = {
    request: `GET ${url} (twice)`,
    status: first.status,
    cacheControl,
    edgeCacheLifetimeSeconds: policy.storable() ? ttl : 0,
    hashedName: hashed,
    validators,
    repeat: edge.seen ?? 'no cache status header',
  }
  if (first.status >= 400) {
    return {
      status: 'fail',
      severity: 'medium',
      title: `${pathOf(url)} answers ${first.status}`,
      detail: `The page references ${url}, which is missing: part of the page does not load.`,
      evidence,
      fix: 'Deploy the file, or remove the reference from the page.',
    }
  }
  const problems: { severity: Severity; text: string; fix: string }[] = []
  if (!policy.storable() || ttl === 0) {
    problems.push({
      severity: 'medium',
      text: `it is not cacheable (${cacheControl ?? 'no Cache-Control'}): every page view downloads it again`,
      fix: hashed
        ? `  Cache-Control: public, max-age=${YEAR_S}, immutable`
        : '  Cache-Control: public, max-age=300\n  (and an ETag, which most servers add by themselves)',
    })
  } else if (
    hashed &&
    (ttl < YEAR_S || !/\bimmutable\b/i.test(cacheControl ?? ''))
  ) {
    problems.push({
      severity: 'low',
      text: `its name carries a content hash, so it can be cached for a year and marked immutable (it is cached for ${ttl} s${/immutable/i.test(cacheControl ?? '') ? '' : ', not immutable'})`,
      fix: `  Cache-Control: public, max-age=${YEAR_S}, immutable`,
    })
  }
  if (!hashed && validators.length === 0) {
    problems.push({
      severity: 'low',
      text: 'it has no ETag or Last-Modified, so once stale it is downloaded in full again',
      fix: 'Let the server send an ETag (nginx: etag on; the default for static files).',
    })
  }
  if (policy.storable() && ttl > 0 && !edge.hit) {
    problems.push({
      severity: 'medium',
      text: edge.seen
        ? `the second request still came from the origin (${edge.seen})`
        : 'no edge cache answered the second request (no cache status header)',
      fix: 'Serve static files through your CDN and let it cache them (Cloudflare caches .js, .css and images by default when the record is Proxied).',
    })
  }
  if (problems.length === 0) {
    return {
      status: 'pass',
      severity: 'info',
      title: `${pathOf(url)} is cached for ${describeTtl(ttl)}${edge.hit ? ' and served from the edge' : ''}`,
      detail: `${cacheControl}${validators.length ? `; validators: ${validators.join(', ')}` : ''}${edge.seen ? `; repeat: ${edge.seen}` : ''}.`,
      evidence,
    }
  }
  const severity = problems.some((p) => p.severity === 'medium')
    ? 'medium'
    : 'low'
  return {
    status: 'warn',
    severity,
    title: `${pathOf(url)} is not cached as well as it could be`,
    detail: `For ${url}: ${problems.map((p) => p.text).join('; ')}.`,
    evidence,
    fix: problems.map((p) => p.fix).join('\n'),
  }
}

function pathOf(url: string): string {
  return new URL(url).pathname
}

function describeTtl(seconds: number): string {
  if (seconds >= YEAR_S) return `${Math.round(seconds / YEAR_S)} year(s)`
  if (seconds >= 86_400) return `${Math.round(seconds / 86_400)} day(s)`
  if (seconds >= 3600) return `${Math.round(seconds / 3600)} hour(s)`
  return `${seconds} s`
}
