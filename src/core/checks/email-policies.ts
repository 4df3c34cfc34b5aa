import { checkInfo } from '../../shared/catalogue'
import { messageOf } from '../errors'
import { emailDomain, parseTags, txtRecords } from '../email/records'
import { HttpError } from '../net/http'
import { siteUrl } from '../net/network'
import { DnsError } from '../net/resolver'
import { finding, type Check, type CheckContext, type Verdict } from './check'

const mtaStsInfo = checkInfo('email.mta-sts')!
const tlsRptInfo = checkInfo('email.tls-rpt')!

/**
 * email.mta-sts: the domain publishes an MTA-STS policy (RFC 8461): a
 * TXT record at _mta-sts and the policy file over HTTPS, whose mx
 * patterns cover the real MX hosts. Optional hardening: its absence is
 * information, not a problem.
 */
export const emailMtaSts: Check = {
  info: mtaStsInfo,
  targets: (workspace) => [emailDomain(workspace)],
  async run(domain, context) {
    return [
      finding(
        mtaStsInfo,
        domain,
        await judgeMtaSts(domain, context).catch((e: unknown) =>
          lookupError(domain, e),
        ),
      ),
    ]
  },
}

async function judgeMtaSts(
  domain: string,
  context: CheckContext,
): Promise<Verdict> {
  const records = (
    await txtRecords(context.net.resolver, `_mta-sts.${domain}`)
  ).filter((r) => /^v\s*=\s*STSv1/i.test(r))
  if (records.length === 0) {
    return {
      status: 'warn',
      severity: 'info',
      title: `${domain} publishes no MTA-STS policy`,
      detail:
        'Without it, mail sent to you can be downgraded to unencrypted by an attacker on the path. Optional, but cheap.',
      evidence: { looked: `_mta-sts.${domain}` },
      fix:
        'Publish a policy: a TXT record and a small file served over HTTPS.\n' +
        `  _mta-sts.${domain}. 3600 IN TXT "v=STSv1; id=${new Date().toISOString().slice(0, 10).replace(/-/g, '')}01"\n` +
        `At https://mta-sts.${domain}/.well-known/mta-sts.txt:\n  version: STSv1\n  mode: testing\n  mx: <your MX host>\n  max_age: 86400`,
    }
  }
  const url = siteUrl(
    context.net,
    'https',
    `mta-sts.${domain}`,
    '/.well-known/mta-sts.txt',
  )
  const evidence = {
    record: `_mta-sts.${domain} TXT "${records[0]}"`,
    policyUrl: url,
  }
  let text: string
  try {
    const response = await context.net.http.request(url, {
      signal: context.signal,
      maxBodyBytes: 64 * 1024,
    })
    if (response.status !== 200) throw new Error(`HTTP ${response.status}`)
    text = response.body.toString('utf8')
  } catch (error) {
    return {
      status: 'warn',
      severity: 'low',
      title: `The MTA-STS policy of ${domain} cannot be fetched`,
      detail: `The TXT record announces a policy, but ${url} could not be read (${error instanceof HttpError ? error.reason : messageOf(error)}). Senders ignore the announcement.`,
      evidence,
      fix: `Serve the policy file at https://mta-sts.${domain}/.well-known/mta-sts.txt (with a valid certificate for mta-sts.${domain}), or remove the TXT record.`,
    }
  }
  const policy = Object.fromEntries(
    text
      .split(/\r?\n/)
      .map((line) => line.split(':').map((p) => p.trim()))
      .filter((p) => p.length >= 2 && p[0]),
  ) as Record<string, string>
  const mx = text
    .split(/\r?\n/)
    .filter((l) => /^mx\s*:/.test(l))
    .map((l) => l.split(':')[1]!.trim())
  const exchangers = await context.net.resolver
    .query(domain, 'MX')
    .catch(() => [])
  const uncovered = exchangers
    .map((e) => e.exchange)
    .filter((host) => host && !mx.some((pattern) => matchesMx(pattern, host)))
  const withPolicy = {
    ...evidence,
    mode: policy['mode'] ?? null,
    mx,
    maxAge: policy['max_age'] ?? null,
  }
  if (
    policy['version'] !== 'STSv1' ||
    !['enforce', 'testing', 'none'].includes(policy['mode'] ?? '')
  ) {
    return {
      status: 'warn',
      severity: 'low',
      title: `The MTA-STS policy of ${domain} is invalid`,
      detail:
        'It needs "version: STSv1" and a mode of enforce, testing or none.',
      evidence: withPolicy,
    }
  }
  if (uncovered.length > 0) {
    return {
      status: 'warn',
      severity: 'medium',
      title: `The MTA-STS policy of ${domain} does not cover ${uncovered.join(', ')}`,
      detail:
        'In enforce mode, senders would refuse to deliver to those MX hosts.',
      evidence: withPolicy,
      fix: `Add an mx: line for each MX host to the policy file, and change the id in the TXT record.`,
    }
  }
  return {
    status: 'pass',
    severity: 'info',
    title: `${domain} publishes an MTA-STS policy (mode ${policy['mode']})`,
    detail: `It covers ${mx.join(', ')}.`,
    evidence: withPolicy,
  }
}

/** RFC 8461 §4.1: "*.example.com" matches one leftmost label. */
function matchesMx(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase().replace(/\.$/, '')
  const h = host.toLowerCase().replace(/\.$/, '')
  return p.startsWith('*.')
    ? h.endsWith(p.slice(1)) && h.split('.').length === p.split('.').length
    : p === h
}

/**
 * email.tls-rpt: the domain asks for TLS failure reports (RFC 8460), so
 * a broken certificate on its mail servers is reported rather than
 * silently costing mail. Optional: its absence is information.
 */
export const emailTlsRpt: Check = {
  info: tlsRptInfo,
  targets: (workspace) => [emailDomain(workspace)],
  async run(domain, context) {
    const verdict = await txtRecords(
      context.net.resolver,
      `_smtp._tls.${domain}`,
    ).then(
      (records) =>
        judgeTlsRpt(
          domain,
          records.filter((r) => /^v\s*=\s*TLSRPTv1/i.test(r)),
        ),
      (error: unknown) => lookupError(domain, error),
    )
    return [finding(tlsRptInfo, domain, verdict)]
  },
}

function judgeTlsRpt(domain: string, records: readonly string[]): Verdict {
  const evidence = {
    records: records.map((r) => `_smtp._tls.${domain} TXT "${r}"`),
  }
  if (records.length === 0) {
    return {
      status: 'warn',
      severity: 'info',
      title: `${domain} asks for no TLS reports`,
      detail:
        'Mail servers that fail to reach yours over TLS will not tell you.',
      evidence,
      fix: `  _smtp._tls.${domain}. 3600 IN TXT "v=TLSRPTv1; rua=mailto:tls-reports@${domain}"`,
    }
  }
  const rua = parseTags(records[0]!).tags.get('rua') ?? ''
  const valid = rua
    .split(',')
    .some((u) => /^(mailto:[^@\s]+@[^@\s]+|https:\/\/\S+)$/i.test(u.trim()))
  if (records.length > 1 || !valid) {
    return {
      status: 'warn',
      severity: 'low',
      title: `The TLS-RPT record of ${domain} is invalid`,
      detail:
        records.length > 1
          ? 'There is more than one.'
          : `rua="${rua}" is not a mailto: or https: address.`,
      evidence,
      fix: `  _smtp._tls.${domain}. 3600 IN TXT "v=TLSRPTv1; rua=mailto:tls-reports@${domain}"`,
    }
  }
  return {
    status: 'pass',
    severity: 'info',
    title: `${domain} asks for TLS reports`,
    detail: `They go to ${rua}.`,
    evidence,
  }
}

function lookupError(domain: string, error: unknown): Verdict {
  if (!(error instanceof DnsError)) throw error
  return {
    status: 'error',
    severity: 'low',
    title: `Could not look up the mail policies of ${domain}`,
    detail: `${error.message}.`,
    evidence: { error: error.reason },
  }
}
