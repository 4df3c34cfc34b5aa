import { checkInfo, type CheckInfo } from '../../shared/catalogue'
import type { Evidence } from '../../shared/finding'
import { workspaceHosts, type Workspace } from '../../shared/workspace'
import {
  CNAME_DANGLING,
  CNAME_LOOP,
  CNAME_TOO_LONG,
  type AddressRecord,
  type Resolution,
} from '../net/resolver'
import { finding, type Check, type CheckContext, type Verdict } from './check'

/** The records of a resolution as a person reads them. */
export function resolutionEvidence(
  r: Resolution,
  servers: readonly string[],
): Evidence {
  const record = (type: string) => (x: AddressRecord) =>
    `${type} ${x.address} (TTL ${x.ttl} s)`
  return {
    records: [
      ...r.cnames.map((c) => `${c.name} CNAME ${c.target}`),
      ...r.a.map(record('A')),
      ...r.aaaa.map(record('AAAA')),
    ],
    resolver: servers.length > 0 ? servers.join(', ') : 'the system resolver',
  }
}

/**
 * A dns.* resolution check over some of the workspace's hosts. A name
 * that resolves passes; one that does not fails with `missing`
 * severity; a dangling or looping CNAME is a takeover risk.
 */
function resolutionCheck(
  info: CheckInfo,
  targets: (workspace: Workspace) => readonly string[],
  missing: Verdict['severity'],
): Check {
  return {
    info,
    targets,
    async run(host, context) {
      const resolution = await context.net.resolver.resolve(host)
      const verdict = judge(resolution, missing, context)
      return [finding(info, host, verdict)]
    },
  }
}

function judge(
  r: Resolution,
  missing: Verdict['severity'],
  context: CheckContext,
): Verdict {
  const evidence = resolutionEvidence(r, context.net.resolver.servers)
  const host = r.host
  const error = r.error
  if (!error) {
    const addresses = [...r.a, ...r.aaaa].map((x) => x.address)
    const via = r.cnames.map((c) => c.target).join(' → ')
    return {
      status: 'pass',
      severity: 'info',
      title: `${host} resolves`,
      detail: `${via ? `Through ${via}, to` : 'To'} ${addresses.join(', ')}.`,
      evidence,
    }
  }
  const failed = { ...evidence, error: error.reason }
  const target = r.cnames.at(-1)?.target ?? host
  switch (error.code) {
    case CNAME_DANGLING:
      return {
        status: 'fail',
        severity: 'high',
        title: `${host} points at ${target}, which does not exist`,
        detail:
          `${host} is a CNAME to ${target}, a name that no longer exists. ` +
          'Whoever registers that name at its provider (an old app, bucket ' +
          `or page) would serve pages under ${host}: a subdomain takeover.`,
        evidence: failed,
        fix:
          `Delete the CNAME record of ${host} if it is no longer used, or ` +
          `recreate ${target} at the provider before anyone else does.`,
      }
    case CNAME_LOOP:
    case CNAME_TOO_LONG:
      return {
        status: 'fail',
        severity: missing,
        title:
          error.code === CNAME_LOOP
            ? `The CNAMEs of ${host} form a loop`
            : `${host} has too long a chain of CNAMEs`,
        detail: `Resolving ${host}: ${error.reason}, so it never reaches an address.`,
        evidence: failed,
        fix: `Point ${host} at a real address (A/AAAA) or straight at your edge with one CNAME.`,
      }
    case 'ENOTFOUND':
    case 'ENODATA':
      return {
        status: 'fail',
        severity: missing,
        title: `${host} does not resolve`,
        detail: `${error.reason}: nobody can reach ${host}.`,
        evidence: failed,
        fix:
          `Add a record for ${host} at your DNS provider, pointing at your ` +
          'edge or server (on Cloudflare: an A or CNAME record, Proxied), e.g.:\n' +
          `  ${host}. 300 IN CNAME ${host === context.workspace.domain ? `www.${host}` : context.workspace.domain}.`,
      }
    default:
      return {
        status: 'error',
        severity: 'high',
        title: `Could not resolve ${host}`,
        detail: `${error.message}.`,
        evidence: failed,
        fix:
          'Check that the DNS servers answer (network.resolvers, or your ' +
          'connection), then run the check again.',
      }
  }
}

const subdomainsOf = (workspace: Workspace) =>
  workspaceHosts(workspace).slice(2)

/** dns.apex: the bare domain resolves. */
export const dnsApex = resolutionCheck(
  checkInfo('dns.apex')!,
  (w) => [w.domain],
  'blocker',
)

/** dns.www: www resolves. */
export const dnsWww = resolutionCheck(
  checkInfo('dns.www')!,
  (w) => [`www.${w.domain}`],
  'high',
)

/** dns.subdomains: every declared subdomain resolves. */
export const dnsSubdomains = resolutionCheck(
  checkInfo('dns.subdomains')!,
  subdomainsOf,
  'high',
)
