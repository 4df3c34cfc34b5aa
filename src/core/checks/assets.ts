import { Parser } from 'htmlparser2'
import type { Workspace } from '../../shared/workspace'
import { siteUrl } from '../net/network'
import type { CheckContext } from './check'
import { decodeBody } from './endpoints'
import { pageProbe } from './http-probe'

/** How many assets one audit looks at; enough to see the pattern. */
export const MAX_ASSETS = 30

/** The canonical page: where assets are found, and what is judged. */
export function canonicalUrl(
  workspace: Workspace,
  context: CheckContext,
): string {
  const canonical = new URL(workspace.canonicalOrigin)
  return siteUrl(
    context.net,
    canonical.protocol === 'http:' ? 'http' : 'https',
    canonical.hostname,
  )
}

/**
 * The URLs of the scripts, styles, images and icons an HTML page
 * references, resolved against the page. Order kept, duplicates dropped.
 */
export function assetUrls(html: string, pageUrl: string): string[] {
  const found: string[] = []
  const add = (value: string | undefined) => {
    if (!value || value.startsWith('data:')) return
    try {
      found.push(new URL(value, pageUrl).href)
    } catch {
      // A malformed reference is the page's problem, not an asset.
    }
  }
  const parser = new Parser({
    onopentag(name, attributes) {
      const rel = (attributes['rel'] ?? '').toLowerCase().split(/\s+/)
      if (name === 'script') add(attributes['src'])
      else if (name === 'img') add(attributes['src'])
      else if (
        name === 'link' &&
        rel.some((r) =>
          ['stylesheet', 'preload', 'modulepreload', 'icon'].includes(r),
        )
      ) {
        add(attributes['href'])
      }
    },
  })
  parser.write(html)
  parser.end()
  return [...new Set(found)]
}

/**
 * The static assets an audit checks: the workspace's own list, then those
 * the canonical page references on the site's domain (another site's
 * files are theirs to cache), at most MAX_ASSETS.
 */
export function siteAssets(context: CheckContext): Promise<string[]> {
  return context.probe('assets', async () => {
    const { workspace } = context
    const page = await pageProbe(
      new URL(workspace.canonicalOrigin).hostname,
      context,
    )
    const last = page.hops.at(-1)
    const html =
      last && !page.problem
        ? (await decodeBody(last, workspace.budgets.payloadBytes * 5)).text
        : ''
    const discovered = last ? assetUrls(html, last.url) : []
    const own = (url: string) => {
      const host = new URL(url).hostname
      return host === workspace.domain || host.endsWith(`.${workspace.domain}`)
    }
    return [...new Set([...workspace.assets, ...discovered.filter(own)])].slice(
      0,
      MAX_ASSETS,
    )
  })
}

/**
 * A name with a content hash, e.g. app.3f9a8c1e.js or index-BxT3ab9Q.css:
 * a segment of 8+ letters and digits (at least one digit) before the
 * extension, the way bundlers name build output.
 */
export function isHashedName(url: string): boolean {
  const file = new URL(url).pathname.split('/').pop() ?? ''
  return /[.-](?=\w*\d)\w{8,}\.[a-z0-9]+$/i.test(file)
}
