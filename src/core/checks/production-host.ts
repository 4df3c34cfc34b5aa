import { isIP } from 'node:net'
import { checkInfo } from '../../shared/catalogue'
import { finding, type Check, type Verdict } from './check'

const info = checkInfo('domain.production-host')!

/**
 * Hosting providers' preview and default domains (PRODUCT.md): a site
 * served from one of these is not yet on the team's own domain.
 */
export const PREVIEW_SUFFIXES: readonly string[] = [
  'vercel.app',
  'netlify.app',
  'pages.dev',
  'herokuapp.com',
  'onrender.com',
  'fly.dev',
  'up.railway.app',
]

/** Why `host` is not a production host, or undefined when it is one. */
export function previewReason(host: string): string | undefined {
  const name = host.toLowerCase().replace(/\.$/, '')
  if (isIP(name.replace(/^\[|\]$/g, ''))) return 'it is a bare IP address'
  if (name === 'localhost' || name.endsWith('.localhost')) {
    return 'it is localhost'
  }
  const suffix = PREVIEW_SUFFIXES.find((s) => name.endsWith(`.${s}`))
  return suffix && `it is a preview host of ${suffix}`
}

/**
 * domain.production-host: the canonical origin is on the workspace's own
 * domain, not a provider's preview host, an address or localhost.
 */
export const productionHost: Check = {
  info,
  targets: (workspace) => [new URL(workspace.canonicalOrigin).hostname],
  async run(host, context) {
    return [finding(info, host, judge(host, context.workspace.domain))]
  },
}

function judge(host: string, domain: string): Verdict {
  const evidence = { canonicalHost: host, domain }
  const reason = previewReason(host)
  if (reason) {
    return {
      status: 'fail',
      severity: 'blocker',
      title: `Production runs on ${host}, not on your own domain`,
      detail: `The canonical address uses ${host}: ${reason}.`,
      evidence,
      fix:
        `Add your own domain (${domain}) to the hosting project, point its ` +
        'DNS at the provider as they instruct, and set canonicalOrigin to ' +
        `it, e.g.:\n  canonicalOrigin: https://www.${domain}`,
    }
  }
  const own = host === domain || host.endsWith(`.${domain}`)
  if (!own) {
    return {
      status: 'fail',
      severity: 'high',
      title: `The canonical address ${host} is outside ${domain}`,
      detail:
        `canonicalOrigin names ${host}, which is not ${domain} or one of ` +
        'its subdomains, so the domain checks look at a different site.',
      evidence,
      fix: `Set canonicalOrigin to an address on ${domain}, or set domain to the domain of ${host}.`,
    }
  }
  return {
    status: 'pass',
    severity: 'info',
    title: `Production runs on your own domain (${host})`,
    detail: `${host} is on ${domain}.`,
    evidence,
  }
}
