import { isIP } from 'node:net'
import type { Workspace } from '../../shared/workspace'
import { previewReason } from '../checks/production-host'

/**
 * Subdomain labels teams give their non-production deployments. Only the
 * first label counts: "staging.shop.com", not "shop-staging.com".
 */
const PREVIEW_LABELS = new Set(['staging', 'preview', 'stage', 'dev', 'test'])

/** Hosts the workspace names as preview: listed ones, other environments'. */
export function workspacePreviewHosts(workspace: Workspace): Set<string> {
  const hosts = new Set(workspace.previewHosts)
  for (const env of workspace.environments) {
    if (env.url && !isProduction(env)) hosts.add(new URL(env.url).hostname)
  }
  return hosts
}

/** The production environment: marked so, or by default named so. */
export function isProduction(env: {
  readonly name: string
  readonly production?: boolean
}): boolean {
  return env.production ?? env.name.toLowerCase() === 'production'
}

/**
 * Why a production setting's value points at a preview host, or
 * undefined when it does not. Values are URLs ("https://x.vercel.app"),
 * host:port pairs or bare hosts; anything else is left alone.
 */
export function previewValueReason(
  value: string,
  previewHosts: ReadonlySet<string>,
): string | undefined {
  const host = hostOf(value.trim())
  if (!host) return undefined
  if (host === 'localhost' || host.endsWith('.localhost')) {
    return `it points at ${host}, this computer`
  }
  if (isIP(host)) {
    // A private database address is normal in production; only loopback
    // and the unspecified address mean "this machine".
    return /^(?:127\.|0\.0\.0\.0$|::1?$)/.test(host)
      ? `it points at ${host}, this computer`
      : undefined
  }
  const listed = [...previewHosts].find(
    (p) => host === p || host.endsWith(`.${p}`),
  )
  if (listed) return `it points at ${host}, listed as a preview host`
  const provider = previewReason(host)
  if (provider) return `it points at ${host}: ${provider}`
  const label = host.split('.')[0] ?? ''
  if (host.includes('.') && PREVIEW_LABELS.has(label)) {
    return `it points at ${host}, a ${label} subdomain`
  }
  return undefined
}

/** The host a URL, host:port or bare host names, lower-cased. */
function hostOf(value: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    try {
      const host = new URL(value).hostname.replace(/^\[|\]$/g, '')
      return host.toLowerCase() || undefined
    } catch {
      return undefined
    }
  }
  const bare = /^([a-z0-9.-]+|\[[0-9a-f:]+\])(?::\d{1,5})?(?:\/\S*)?$/i.exec(
    value,
  )?.[1]
  if (!bare) return undefined
  const host = bare.replace(/^\[|\]$/g, '').toLowerCase()
  // A bare word ("true", "production") is not a host; a dotted name or an
  // address is.
  return host.includes('.') || host.includes(':') || host === 'localhost'
    ? host
    : undefined
}
