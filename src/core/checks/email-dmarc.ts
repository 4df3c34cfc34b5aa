import { getDomain } from 'tldts'
import { checkInfo } from '../../shared/catalogue'
import {
  emailDomain,
  parseTags,
  txtRecords,
  type TagList,
} from '../email/records'
import { DnsError, type Resolver } from '../net/resolver'
import { finding, type Check, type CheckContext, type Verdict } from './check'

const info = checkInfo('email.dmarc')!

/** The tags RFC 7489 §6.3 defines. */
const KNOWN_TAGS = new Set([
  'v',
  'p',
  'sp',
  'pct',
  'rua',
  'ruf',
  'adkim',
  'aspf',
  'fo',
  'rf',
  'ri',
  'np',
  'psd',
  't',
])
const POLICIES = ['none', 'quarantine', 'reject'] as const
type Policy = (typeof POLICIES)[number]

/** Where a DMARC record was found, and for which domain it speaks. */
interface Located {
  readonly name: string
  readonly record: string
  readonly inherited: boolean
}

/**
 * email.dmarc: one valid DMARC record (RFC 7489) governs the mail
 * domain — its own, or its organizational domain's (§6.6.3, found with
 * the public suffix list). The policy ramp is none → quarantine →
 * reject; reports need an address, and a report address on another
 * domain must be authorized by it (§7.1).
 */
export const emailDmarc: Check = {
  info,
  targets: (workspace) => [emailDomain(workspace)],
  async run(domain, context) {
    let located: Located | Verdict
    try {
      located = await locate(domain, context.net.resolver)
    } catch (error) {
      if (!(error instanceof DnsError)) throw error
      return [
        finding(info, domain, {
          status: 'error',
          severity: 'medium',
          title: `Could not look up DMARC for ${domain}`,
          detail: `${error.message}.`,
          evidence: { error: error.reason },
        }),
      ]
    }
    if (!('record' in located)) return [finding(info, domain, located)]
    return [finding(info, domain, await judge(domain, located, context))]
  },
}

async function locate(
  domain: string,
  resolver: Resolver,
): Promise<Located | Verdict> {
  const own = await dmarcRecords(resolver, `_dmarc.${domain}`)
  const organization = getDomain(domain) ?? domain
  const inherited = own.length === 0 && organization !== domain
  const records = inherited
    ? await dmarcRecords(resolver, `_dmarc.${organization}`)
    : own
  const name = `_dmarc.${inherited ? organization : domain}`
  if (records.length === 0) {
    return {
      status: 'fail',
      severity: 'blocker',
      title: `${domain} has no DMARC record`,
      detail:
        `Nothing at _dmarc.${domain}${inherited ? ` or _dmarc.${organization}` : ''}. Anyone can send mail as ${domain}, ` +
        'and Gmail and Yahoo now reject or junk bulk mail from domains without DMARC: your order alerts and password resets go missing.',
      evidence: {
        looked: [
          `_dmarc.${domain}`,
          ...(inherited ? [`_dmarc.${organization}`] : []),
        ],
      },
      fix: `Start the ramp with a monitoring policy and a report address:\n  _dmarc.${domain}. 3600 IN TXT "v=DMARC1; p=none; rua=mailto:dmarc-reports@${organization}"`,
    }
  }
  if (records.length > 1) {
    return {
      status: 'fail',
      severity: 'high',
      title: `${name} has ${records.length} DMARC records`,
      detail:
        'RFC 7489 §6.6.3: with more than one, receivers apply none of them.',
      evidence: { name, records },
      fix: 'Merge them into one TXT record at this name.',
    }
  }
  return { name, record: records[0]!, inherited }
}

async function dmarcRecords(
  resolver: Resolver,
  name: string,
): Promise<string[]> {
  return (await txtRecords(resolver, name)).filter((r) =>
    /^v\s*=\s*DMARC1\s*(;|$)/i.test(r.trim()),
  )
}

async function judge(
  domain: string,
  located: Located,
  context: CheckContext,
): Promise<Verdict> {
  const parsed = parseTags(located.record)
  const tags = parsed.tags
  const policy = (
    located.inherited ? (tags.get('sp') ?? tags.get('p')) : tags.get('p')
  )?.toLowerCase()
  const pct = Number(tags.get('pct') ?? '100')
  const rua = (tags.get('rua') ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean)
  const organization = getDomain(domain) ?? domain
  const external = await unauthorizedDestinations(rua, organization, context)
  const evidence = {
    record: `${located.name} TXT "${located.record}"`,
    ...(located.inherited ? { inheritedFrom: located.name } : {}),
    policy: policy ?? null,
    subdomainPolicy: tags.get('sp') ?? null,
    pct,
    alignment: `DKIM ${tags.get('adkim') === 's' ? 'strict' : 'relaxed'}, SPF ${tags.get('aspf') === 's' ? 'strict' : 'relaxed'}`,
    reports: rua,
    ...(external.length ? { unauthorizedReportDestinations: external } : {}),
  }
  const syntax = syntaxProblems(parsed)
  if (!POLICIES.includes(policy as Policy)) {
    return {
      status: 'fail',
      severity: 'high',
      title: `The DMARC record of ${domain} has no valid policy`,
      detail: `p=${tags.get('p') ?? '(missing)'}: receivers treat the record as if it were absent.${syntax.length ? ` Also: ${syntax.join('; ')}.` : ''}`,
      evidence,
      fix: ramp(domain, 'none', located, tags),
    }
  }
  if (syntax.length > 0) {
    return {
      status: 'fail',
      severity: 'medium',
      title: `The DMARC record of ${domain} is malformed`,
      detail: `${syntax.join('; ')}. Receivers may reject the whole record.`,
      evidence,
      fix: `Rewrite it with each tag once, and only RFC 7489 tags:\n  ${located.name}. 3600 IN TXT "${canonical(tags, policy as Policy, organization)}"`,
    }
  }
  const problems: { severity: Verdict['severity']; text: string }[] = []
  if (policy === 'none')
    problems.push({
      severity: 'medium',
      text: 'p=none only monitors: mail that fails DMARC is still delivered, including forgeries',
    })
  if (policy !== 'none' && pct < 100)
    problems.push({
      severity: 'low',
      text: `pct=${pct} applies the policy to only ${pct}% of failing mail`,
    })
  if (rua.length === 0)
    problems.push({
      severity: 'low',
      text: 'there is no rua address, so you never learn who sends as your domain',
    })
  if (external.length > 0)
    problems.push({
      severity: 'medium',
      text: `${external.join(', ')} ${external.length === 1 ? 'has' : 'have'} not authorized your reports (RFC 7489 §7.1), so receivers will not send them`,
    })
  if (problems.length === 0) {
    return {
      status: 'pass',
      severity: 'info',
      title: `${domain} enforces DMARC with p=${policy}`,
      detail: `${located.inherited ? `Inherited from ${located.name}. ` : ''}Reports go to ${rua.join(', ')}.`,
      evidence,
      ...(policy === 'quarantine'
        ? { fix: ramp(domain, 'reject', located, tags) }
        : {}),
    }
  }
  const severity = problems.some((p) => p.severity === 'medium')
    ? 'medium'
    : 'low'
  const next: Policy =
    policy === 'none'
      ? 'quarantine'
      : policy === 'quarantine'
        ? 'reject'
        : 'reject'
  return {
    status: 'warn',
    severity,
    title:
      policy === 'none'
        ? `The DMARC policy of ${domain} is p=none`
        : `The DMARC record of ${domain} needs attention`,
    detail: `${problems.map((p) => p.text).join('; ')}.`,
    evidence,
    fix:
      external.length > 0
        ? `Ask each report destination to publish its authorization, e.g.:\n${external.map((d) => `  ${organization}._report._dmarc.${d}. 3600 IN TXT "v=DMARC1"`).join('\n')}\n\n${ramp(domain, next, located, tags)}`
        : ramp(domain, next, located, tags),
  }
}

/** Report destinations on other domains that have not authorized us. */
async function unauthorizedDestinations(
  rua: readonly string[],
  organization: string,
  context: CheckContext,
): Promise<string[]> {
  const domains = rua
    .map((uri) => /^mailto:[^@]+@([^!,\s]+)/i.exec(uri)?.[1]?.toLowerCase())
    .filter(
      (d): d is string =>
        d !== undefined && (getDomain(d) ?? d) !== organization,
    )
  const checks = await Promise.all(
    [...new Set(domains)].map(async (d) => {
      const records = await txtRecords(
        context.net.resolver,
        `${organization}._report._dmarc.${d}`,
      ).catch(() => [])
      return records.some((r) => /^v\s*=\s*DMARC1/i.test(r)) ? undefined : d
    }),
  )
  return checks.filter((d): d is string => d !== undefined)
}

function syntaxProblems(parsed: TagList): string[] {
  const unknown = [...parsed.tags.keys()].filter((t) => !KNOWN_TAGS.has(t))
  return [
    ...(parsed.repeated.length
      ? [
          `${parsed.repeated.join(', ')} ${parsed.repeated.length === 1 ? 'is' : 'are'} given more than once`,
        ]
      : []),
    ...(unknown.length
      ? [`unknown tag${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')}`]
      : []),
    ...(parsed.malformed.length
      ? [`"${parsed.malformed.join('", "')}" is not tag=value`]
      : []),
  ]
}

/** The next step of the ramp, as a record to paste. */
function ramp(
  domain: string,
  next: Policy,
  located: Located,
  tags: ReadonlyMap<string, string>,
): string {
  const name = located.inherited ? `_dmarc.${domain}` : located.name
  const steps: Readonly<Record<Policy, string>> = {
    none: 'Publish a monitoring policy first and read the reports for a week or two:',
    quarantine:
      'Once the reports show only your own senders passing, move to quarantine (failing mail goes to spam):',
    reject:
      'When quarantine has run cleanly for a few weeks, finish the ramp with reject:',
  }
  const organization = getDomain(domain) ?? domain
  return `${steps[next]}\n  ${name}. 3600 IN TXT "${canonical(tags, next, organization)}"`
}

/** A clean record with the given policy, keeping the useful tags. */
function canonical(
  tags: ReadonlyMap<string, string>,
  policy: Policy,
  organization: string,
): string {
  const keep = ['rua', 'ruf', 'adkim', 'aspf', 'sp'].filter(
    (t) => tags.has(t) && !(t === 'sp' && policy !== 'reject'),
  )
  const reports = tags.has('rua')
    ? []
    : [`rua=mailto:dmarc-reports@${organization}`]
  return [
    'v=DMARC1',
    `p=${policy}`,
    ...keep.map((t) => `${t}=${tags.get(t)}`),
    ...reports,
  ].join('; ')
}
