import type { CaaRecord } from 'node:dns'
import { X509Certificate } from 'node:crypto'
import caaIssuers from '../../../resources/caa-issuers.json'
import { checkInfo } from '../../shared/catalogue'
import { workspaceHosts } from '../../shared/workspace'
import type { Network } from '../net/network'
import { DnsError } from '../net/resolver'
import type { TlsReport } from '../net/tls'
import { finding, type Check, type CheckContext, type Verdict } from './check'
import { tlsProbe } from './tls-probe'

const info = checkInfo('dns.caa')!

/** The CAA set that governs a host, and where it was found. */
interface RelevantCaa {
  readonly at: string
  readonly records: readonly CaaRecord[]
}

/**
 * dns.caa: the CAA records that govern each host (RFC 8659 §3: the first
 * non-empty set climbing from the host towards the domain) exist and
 * allow the CA that issued the certificate the host actually serves.
 */
export const caa: Check = {
  info,
  targets: workspaceHosts,
  async run(host, context) {
    let relevant: RelevantCaa | undefined
    try {
      relevant = await relevantCaa(host, context)
    } catch (error) {
      if (!(error instanceof DnsError)) throw error
      return [finding(info, host, lookupFailed(host, error))]
    }
    const report = await tlsProbe(host, context).catch(() => undefined)
    return [
      finding(
        info,
        host,
        judge(host, context.workspace.domain, relevant, report, context.net),
      ),
    ]
  },
}

async function relevantCaa(
  host: string,
  context: CheckContext,
): Promise<RelevantCaa | undefined> {
  const domain = context.workspace.domain
  const labels = host.split('.')
  for (let i = 0; i < labels.length; i++) {
    const name = labels.slice(i).join('.')
    const records = await context.probe(`caa:${name}`, () =>
      context.net.resolver.query(name, 'CAA').catch((error: unknown) => {
        if (error instanceof DnsError && error.isAbsent) return []
        throw error
      }),
    )
    if (records.length > 0) return { at: name, records }
    // The registered domain is as far up as a site's own records go.
    if (name === domain) break
  }
  return undefined
}

/** The CAA issuer domains allowed for a non-wildcard or wildcard name. */
export function allowedIssuers(
  records: readonly CaaRecord[],
  wildcard: boolean,
): string[] {
  const wild = records.filter((r) => r.issuewild !== undefined)
  const governing =
    wildcard && wild.length > 0
      ? wild.map((r) => r.issuewild!)
      : records.flatMap((r) => (r.issue !== undefined ? [r.issue] : []))
  // "letsencrypt.org; accounturi=…" allows letsencrypt.org; ";" allows no one.
  return governing
    .map((value) => value.split(';')[0]!.trim().toLowerCase())
    .filter(Boolean)
}

/** The CAA issuer domains of the CA behind a served chain, if known. */
export function issuerIdentifiers(
  report: TlsReport,
  net: Pick<Network, 'extraCa' | 'caaIdentity'>,
): string[] {
  const own = new Set(
    net.extraCa.map((pem) => new X509Certificate(pem).fingerprint256),
  )
  if (report.chain.some((c) => own.has(c.fingerprint256))) {
    return net.caaIdentity ? [net.caaIdentity] : []
  }
  const organizations = report.chain
    .slice(1, 3)
    .map((c) => /(?:^|, )O=([^,]+)/.exec(c.subject)?.[1])
  return [
    ...new Set(
      caaIssuers.issuers
        .filter((i) => organizations.includes(i.organization))
        .flatMap((i) => i.identifiers),
    ),
  ]
}

function judge(
  host: string,
  domain: string,
  relevant: RelevantCaa | undefined,
  report: TlsReport | undefined,
  net: Network,
): Verdict {
  const leaf = report?.chain[0]
  const issuer = report?.chain[1]?.subject ?? leaf?.issuer ?? 'unknown'
  const identifiers = report ? issuerIdentifiers(report, net) : []
  const wildcard =
    leaf?.subjectAltNames.some((n) => n.startsWith('*.')) ?? false
  const evidence = {
    caa: relevant
      ? relevant.records.map((r) => `${relevant.at} CAA ${formatCaa(r)}`)
      : [],
    certificateIssuer: issuer,
    issuerCaaIdentifiers: identifiers,
  }
  const recordName = relevant?.at ?? domain
  const suggestion = identifiers[0]
    ? 'Add a record that allows your CA, e.g.:\n' +
      `  ${recordName}. 3600 IN CAA 0 issue "${identifiers[0]}"`
    : 'Add a CAA record naming the CA that issues your certificates ' +
      '(its documentation gives the exact value).'

  if (!relevant) {
    return {
      status: 'warn',
      severity: 'low',
      title: `No CAA records govern ${host}`,
      detail: `Any certificate authority may issue certificates for ${host}.`,
      evidence,
      fix: suggestion,
    }
  }
  const allowed = allowedIssuers(relevant.records, wildcard)
  if (!report || !leaf) {
    return {
      status: 'error',
      severity: 'medium',
      title: `Could not read the certificate of ${host} to compare with CAA`,
      detail: `CAA at ${relevant.at} allows ${allowed.join(', ') || 'no CA'}, but the certificate could not be read (see tls.valid).`,
      evidence,
      fix: 'Fix the TLS problem of this host first, then run the check again.',
    }
  }
  if (!report.trusted) {
    return {
      status: 'skip',
      severity: 'info',
      title: `CAA not compared: ${host} serves an untrusted certificate`,
      detail:
        'CAA concerns publicly trusted CAs; tls.valid reports this certificate.',
      evidence,
    }
  }
  if (identifiers.length === 0) {
    return {
      status: 'warn',
      severity: 'low',
      title: `Could not tell whether CAA allows the CA of ${host}`,
      detail: `CAA at ${relevant.at} allows ${allowed.join(', ') || 'no CA'}; the certificate comes from ${issuer}, whose CAA name is not known here.`,
      evidence,
      fix: `Check that your CA's CAA name is among: ${allowed.join(', ') || '(none)'}.`,
    }
  }
  if (!identifiers.some((id) => allowed.includes(id))) {
    return {
      status: 'fail',
      severity: 'high',
      title: `CAA forbids the CA that issued the certificate of ${host}`,
      detail:
        `CAA at ${relevant.at} allows only ${allowed.join(', ') || 'no CA at all'}, but the certificate ` +
        `comes from ${issuer} (${identifiers.join(', ')}). Its next renewal will be refused.`,
      evidence,
      fix: suggestion,
    }
  }
  return {
    status: 'pass',
    severity: 'info',
    title: `CAA allows the CA of ${host}`,
    detail: `CAA at ${relevant.at} allows ${allowed.join(', ')}, which includes ${identifiers.find((id) => allowed.includes(id))}.`,
    evidence,
  }
}

function formatCaa(record: CaaRecord): string {
  const [tag, value] = Object.entries(record).find(
    ([key]) => key !== 'critical',
  ) ?? ['?', '']
  return `${record.critical} ${tag} "${value}"`
}

function lookupFailed(host: string, error: DnsError): Verdict {
  return {
    status: 'error',
    severity: 'medium',
    title: `Could not look up the CAA records of ${host}`,
    detail: `${error.message}.`,
    evidence: { error: error.reason },
    fix: 'Check that DNS answers from this computer, then run the check again.',
  }
}
