import type { MonitorKind } from '../../shared/monitoring'
import { workspaceHosts, type Workspace } from '../../shared/workspace'
import { siteUrl } from '../net/network'

export type { MonitorKind }

/** One monitor of a workspace, as its settings define it. */
export interface MonitorSpec {
  /** Stable: "uptime https://…/", "tls host", "records domain". */
  readonly id: string
  readonly kind: MonitorKind
  /** The page, host or domain it watches. */
  readonly target: string
  readonly intervalMs: number
}

/**
 * The pages the uptime monitors watch: by default the canonical page, on
 * the workspace's ports unless the origin names its own.
 */
export function uptimeUrls(workspace: Workspace): readonly string[] {
  const urls = workspace.monitoring.uptime.urls
  if (urls.length > 0) return urls
  const origin = new URL(workspace.canonicalOrigin)
  if (origin.port) return [`${origin.origin}/`]
  const scheme = origin.protocol === 'https:' ? 'https' : 'http'
  return [siteUrl(workspace.network, scheme, origin.hostname, '/')]
}

/**
 * The monitors a workspace asks for: one uptime monitor per page (every
 * 1–5 min), the scripted admin login when there is one, and daily the
 * certificate of every host the domain checks look at (apex, www,
 * subdomains) and the DNS and mail records (drift).
 */
export function monitorsFor(workspace: Workspace): readonly MonitorSpec[] {
  const m = workspace.monitoring
  const daily = m.daily.intervalHours * 3_600_000
  const specs: MonitorSpec[] = uptimeUrls(workspace).map((url) => ({
    id: `uptime ${url}`,
    kind: 'uptime',
    target: url,
    intervalMs: m.uptime.intervalSeconds * 1000,
  }))
  if (m.syntheticLogin) {
    specs.push({
      id: `synthetic-login ${m.syntheticLogin.url}`,
      kind: 'synthetic-login',
      target: m.syntheticLogin.url,
      intervalMs: m.syntheticLogin.intervalMinutes * 60_000,
    })
  }
  const canonical = new URL(workspace.canonicalOrigin)
  if (m.daily.tls && canonical.protocol === 'https:') {
    const hosts = new Set([canonical.hostname, ...workspaceHosts(workspace)])
    for (const host of hosts) {
      specs.push({
        id: `tls ${host}`,
        kind: 'tls',
        target: host,
        intervalMs: daily,
      })
    }
  }
  if (m.daily.records) {
    specs.push({
      id: `records ${workspace.domain}`,
      kind: 'records',
      target: workspace.domain,
      intervalMs: daily,
    })
  }
  return specs
}
