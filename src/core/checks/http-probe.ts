import { header, HttpError, isRedirect, type HttpResponse } from '../net/http'
import { siteUrl } from '../net/network'
import { DnsError } from '../net/resolver'
import type { CheckContext, Verdict } from './check'

/** How far a page may redirect within its own origin (/ → /login → …). */
const SAME_ORIGIN_HOPS = 5

/** The HTTPS front page of a host, with its same-origin redirects. */
export interface PageProbe {
  readonly url: string
  /** Every response, first to last; empty when the first request failed. */
  readonly hops: readonly HttpResponse[]
  /** Why no page was reached: a failed request, a loop, too many hops. */
  readonly problem?: string
}

/**
 * One fetch of https://host/ per audit, shared by the header, asset,
 * compression and size checks; compression is accepted, as browsers do.
 * Redirects are followed while they stay on the same origin, so the last
 * hop is the page that answers, or the redirect that leaves for another.
 */
export function pageProbe(
  host: string,
  context: CheckContext,
): Promise<PageProbe> {
  return context.probe(`page:${host}`, async (signal) => {
    const url = siteUrl(context.net, 'https', host)
    const hops: HttpResponse[] = []
    const seen = new Set<string>()
    let next = url
    for (;;) {
      seen.add(next)
      try {
        hops.push(
          await context.net.http.request(next, {
            signal,
            headers: { 'accept-encoding': 'br, gzip' },
            maxBodyBytes: context.workspace.budgets.payloadBytes * 5 + 1,
          }),
        )
      } catch (error) {
        if (error instanceof HttpError || error instanceof DnsError) {
          return { url, hops, problem: `${error.message}` }
        }
        throw error
      }
      const location = header(hops.at(-1)!.headers, 'location')
      if (!isRedirect(hops.at(-1)!.status) || !location) break
      const target = new URL(location, next)
      if (target.origin !== new URL(url).origin) break
      if (seen.has(target.href)) {
        return {
          url,
          hops,
          problem: `${url} redirects in a loop (back to ${target.href})`,
        }
      }
      if (hops.length > SAME_ORIGIN_HOPS) {
        return {
          url,
          hops,
          problem: `${url} redirects more than ${SAME_ORIGIN_HOPS} times without reaching a page`,
        }
      }
      next = target.href
    }
    return { url, hops }
  })
}

/** The verdict for a host whose front page could not be reached. */
export function unreachablePage(host: string, probe: PageProbe): Verdict {
  return {
    status: 'error',
    severity: 'medium',
    title: `Could not load the page of https://${host}/`,
    detail: `${probe.problem ?? 'No response'}.`,
    evidence: {
      request: `GET ${probe.url}`,
      chain: probe.hops.map((h) => `${h.status} ${h.url}`),
      error: probe.problem ?? null,
    },
    fix: 'Fix what stops the page from loading (see edge.https-redirect and tls.valid), then run the check again.',
  }
}
