import { checkInfo } from '../../shared/catalogue'
import type { Evidence, Severity } from '../../shared/finding'
import { emailDomain } from '../email/records'
import { evaluateSpf, spfResolverOf, type SpfEvaluation } from '../email/spf'
import {
  renderSpfTree,
  SPF_LOOKUP_LIMIT,
  SPF_VOID_LIMIT,
  walkSpf,
  type SpfCost,
  type SpfTree,
} from '../email/spf-tree'
import { finding, type Check, type CheckContext, type Verdict } from './check'

const info = checkInfo('email.spf')!

/**
 * RFC 7208 §3.4: keep a record under 450 bytes, so that it and the other
 * TXT records at its name fit a 512-byte UDP answer.
 */
export const SPF_RECORD_BYTES = 450
export const UDP_ANSWER_BYTES = 512
/** One character-string of a TXT record holds at most 255 bytes. */
const TXT_STRING_BYTES = 255

/**
 * A client no sender authorizes: TEST-NET-3 (RFC 5737). Evaluating it
 * walks the whole record, so permerror and temperror show.
 */
export const STRANGER_IP = '203.0.113.1'

/** One thing wrong with the record. */
interface Problem {
  readonly status: 'fail' | 'warn'
  readonly severity: Severity
  readonly title: string
  readonly text: string
  /** Advice beyond the suggested record, one paragraph. */
  readonly advice?: string
}

/**
 * email.spf: the mail domain publishes exactly one valid SPF record
 * (RFC 7208) that stays within 10 DNS-querying terms and 2 void lookups
 * across its whole include tree (§4.6.4), ends in -all or ~all, uses no
 * ptr (§5.5), includes only the workspace's approved senders, and fits
 * the length limits (§3.4). Evaluated with mailauth for a stranger's
 * address, so permerror and temperror surface as receivers see them.
 */
export const emailSpf: Check = {
  info,
  targets: (workspace) => [emailDomain(workspace)],
  async run(domain, context) {
    const resolver = spfResolverOf(context.net.resolver)
    const [tree, evaluation] = await Promise.all([
      walkSpf(domain, resolver, context.signal),
      evaluateSpf(
        {
          ip: STRANGER_IP,
          sender: `postmaster@${domain}`,
          helo: domain,
          timeoutMs: context.net.timeoutMs * 2,
        },
        resolver,
      ),
    ])
    return [finding(info, domain, judge(domain, tree, evaluation, context))]
  },
}

function judge(
  domain: string,
  tree: SpfTree,
  evaluation: SpfEvaluation,
  context: CheckContext,
): Verdict {
  const root = tree.root
  const approved = context.workspace.email?.approvedSenders ?? []
  if (root.failed) {
    return {
      status: 'error',
      severity: 'medium',
      title: `Could not look up the SPF record of ${domain}`,
      detail: `${root.problem}. Receivers that meet this answer with a temperror and retry later.`,
      evidence: { error: root.problem ?? '' },
      fix: 'Check that DNS answers from this computer, then run the check again.',
    }
  }
  if (root.records) {
    return {
      status: 'fail',
      severity: 'high',
      title: `${domain} has ${root.records.length} SPF records`,
      detail:
        'RFC 7208 §4.5: with more than one, every receiver returns permerror and SPF fails for all your mail.',
      evidence: {
        records: [...root.records].sort().map((r) => `${domain} TXT "${r}"`),
        evaluation: evaluated(evaluation),
      },
      fix: `Delete all but one, and publish one record with only your approved senders:\n${suggestion(domain, approved, tree)}`,
    }
  }
  if (!root.record) {
    return {
      status: 'fail',
      severity: 'high',
      title: `${domain} has no SPF record`,
      detail: `Nothing at ${domain} starts with v=spf1, so receivers cannot tell your mail servers from a forger's, and Gmail and Yahoo junk or reject bulk mail without SPF or DKIM.`,
      evidence: { looked: `${domain} TXT`, evaluation: evaluated(evaluation) },
      fix: `Publish one record with only your approved senders:\n${suggestion(domain, approved, tree)}`,
    }
  }
  const problems = problemsOf(domain, tree, evaluation, approved)
  const evidence = evidenceOf(domain, tree, evaluation)
  if (evaluation.result === 'temperror' || tree.failures.length > 0) {
    return {
      status: 'error',
      severity: 'medium',
      title: `Could not evaluate the SPF record of ${domain}`,
      detail: `${[evaluation.reason, ...tree.failures].filter(Boolean).join('; ')}. Receivers that meet this defer your mail.`,
      evidence,
      fix: 'Check that DNS answers from this computer and that every include of the record resolves, then run the check again.',
    }
  }
  if (problems.length === 0) {
    return {
      status: 'pass',
      severity: 'info',
      title: `${domain} has one valid SPF record ending in ${allOf(tree)?.text ?? '-all'}`,
      detail: `${tree.lookups} of ${SPF_LOOKUP_LIMIT} DNS lookups, ${tree.voids} void; it includes only approved senders.${multiString(tree)}`,
      evidence,
    }
  }
  const worst = [...problems].sort(
    (a, b) => severities.indexOf(a.severity) - severities.indexOf(b.severity),
  )
  const failing = problems.some((p) => p.status === 'fail')
  return {
    status: failing ? 'fail' : 'warn',
    severity: worst[0]!.severity,
    title:
      problems.length === 1
        ? problems[0]!.title
        : `The SPF record of ${domain} has ${problems.length} problems`,
    detail: `${problems.map((p) => p.text).join(' ')}${multiString(tree)}`,
    evidence,
    fix: fixOf(domain, approved, tree, problems),
  }
}

const severities: readonly Severity[] = [
  'blocker',
  'high',
  'medium',
  'low',
  'info',
]

function problemsOf(
  domain: string,
  tree: SpfTree,
  evaluation: SpfEvaluation,
  approved: readonly string[],
): Problem[] {
  return [
    ...syntaxProblems(domain, tree, evaluation),
    ...budgetProblems(domain, tree),
    ...allProblems(domain, tree),
    ...ptrProblems(domain, tree),
    ...approvalProblems(domain, tree, approved),
    ...lengthProblems(domain, tree),
  ]
}

function syntaxProblems(
  domain: string,
  tree: SpfTree,
  evaluation: SpfEvaluation,
): Problem[] {
  const explained =
    tree.lookups > SPF_LOOKUP_LIMIT ||
    tree.voids > SPF_VOID_LIMIT ||
    tree.loop !== undefined
  if (tree.invalid.length === 0) {
    if (evaluation.result !== 'permerror' || explained) return []
    if (missingIncludes(tree).length > 0) return []
  }
  const reasons = tree.invalid.length
    ? tree.invalid
    : [evaluation.reason ?? 'permerror']
  return [
    {
      status: 'fail',
      severity: 'high',
      title: `The SPF record of ${domain} is invalid`,
      text: `${reasons.join('; ')}. Receivers return permerror for the whole record (RFC 7208 §4.6), so SPF fails for all your mail.`,
    },
  ]
}

function budgetProblems(domain: string, tree: SpfTree): Problem[] {
  const problems: Problem[] = []
  if (tree.loop) {
    problems.push({
      status: 'fail',
      severity: 'high',
      title: `The SPF includes of ${domain} form a loop`,
      text: `${tree.loop} leads back to a record already on the path; receivers follow it until they pass ${SPF_LOOKUP_LIMIT} lookups and return permerror.`,
      advice: 'Remove the include that points back up the chain.',
    })
  } else if (tree.lookups > SPF_LOOKUP_LIMIT) {
    const breaker = tree.breaker
    const heavy = heaviest(tree)
    problems.push({
      status: 'fail',
      severity: 'high',
      title: breaker
        ? `${breaker.text} takes the SPF of ${domain} past ${SPF_LOOKUP_LIMIT} DNS lookups`
        : `The SPF of ${domain} needs more than ${SPF_LOOKUP_LIMIT} DNS lookups`,
      text: `Evaluating it takes ${tree.lookups}${tree.truncated ? ' or more' : ''} DNS-querying terms across its include tree; RFC 7208 §4.6.4 allows ${SPF_LOOKUP_LIMIT}, and receivers return permerror past that.`,
      advice: heavy
        ? `${heavy.term.text} alone costs ${heavy.subtotal}: drop senders you no longer use, replace an include with the ip4:/ip6: ranges it lists, or ask its owner for a flatter one.`
        : undefined,
    })
  }
  if (tree.voids > SPF_VOID_LIMIT) {
    problems.push({
      status: 'fail',
      severity: 'high',
      title: `The SPF of ${domain} makes ${tree.voids} void lookups`,
      text: `${tree.voids} of its terms name hosts that do not exist or have no records; RFC 7208 §4.6.4 allows ${SPF_VOID_LIMIT}, and receivers return permerror past that.`,
      advice: 'Remove the terms marked void in the tree.',
    })
  }
  const missing = missingIncludes(tree)
  if (missing.length > 0) {
    problems.push({
      status: 'fail',
      severity: 'high',
      title: `The SPF of ${domain} includes a domain without SPF`,
      text: `${missing.map((c) => c.term.text).join(', ')} lead${missing.length === 1 ? 's' : ''} to no SPF record, a permerror (RFC 7208 §5.2).`,
      advice: 'Fix the name, or remove the include.',
    })
  }
  return problems
}

/** Includes and redirects anywhere in the tree whose target has no SPF. */
function missingIncludes(tree: SpfTree): SpfCost[] {
  const walk = (costs: readonly SpfCost[]): SpfCost[] =>
    costs.flatMap((c) => [
      ...(c.child?.problem === 'no SPF record' ? [c] : []),
      ...(c.child ? walk(c.child.terms) : []),
    ])
  return walk(tree.root.terms)
}

/** The top-level term that costs the most, when it costs more than 1. */
function heaviest(tree: SpfTree): SpfCost | undefined {
  const sorted = [...tree.root.terms].sort((a, b) => b.subtotal - a.subtotal)
  return sorted[0] && sorted[0].subtotal > 1 ? sorted[0] : undefined
}

/** The record's all, or the one its redirect= ends in (RFC 7208 §6.1). */
function allOf(tree: SpfTree): SpfCost['term'] | undefined {
  let node = tree.root
  for (let hops = 0; hops < SPF_LOOKUP_LIMIT; hops++) {
    const all = node.terms.find((c) => c.term.name === 'all')
    if (all) return all.term
    const redirect = node.terms.find((c) => c.term.name === 'redirect')
    if (!redirect?.child) return undefined
    node = redirect.child
  }
  return undefined
}

function allProblems(domain: string, tree: SpfTree): Problem[] {
  const all = allOf(tree)
  if (!all) {
    return [
      {
        status: 'fail',
        severity: 'medium',
        title: `The SPF record of ${domain} has no all`,
        text: 'Without an all at the end, mail from any other server gets neutral: SPF says nothing against forgers.',
      },
    ]
  }
  switch (all.qualifier) {
    case '+':
      return [
        {
          status: 'fail',
          severity: 'blocker',
          title: `The SPF record of ${domain} ends in +all`,
          text: '+all lets every server on the internet send as you, and their mail passes SPF — and so DMARC.',
        },
      ]
    case '?':
      return [
        {
          status: 'fail',
          severity: 'medium',
          title: `The SPF record of ${domain} ends in ?all`,
          text: '?all makes mail from any other server neutral: SPF says nothing against forgers.',
        },
      ]
    case '-':
    case '~':
      return []
  }
}

function ptrProblems(domain: string, tree: SpfTree): Problem[] {
  const ptr = tree.root.terms.filter((c) => c.term.name === 'ptr')
  if (ptr.length === 0) return []
  return [
    {
      status: 'warn',
      severity: 'medium',
      title: `The SPF record of ${domain} uses ptr`,
      text: `${ptr.map((c) => c.term.text).join(', ')}: RFC 7208 §5.5 says not to use ptr; it is slow, unreliable, and some receivers skip it.`,
      advice:
        'Replace ptr with the ip4:/ip6: ranges or the include of the servers it meant.',
    },
  ]
}

function approvalProblems(
  domain: string,
  tree: SpfTree,
  approved: readonly string[],
): Problem[] {
  const allowed = new Set(approved.map(normalized))
  const unapproved = tree.root.terms.filter(
    (c) =>
      (c.term.name === 'include' || c.term.name === 'redirect') &&
      !allowed.has(normalized(c.term.value)),
  )
  if (unapproved.length === 0) return []
  if (approved.length === 0) {
    return [
      {
        status: 'warn',
        severity: 'low',
        title: `The workspace lists no approved senders for ${domain}`,
        text: `The record includes ${unapproved.map((c) => c.term.value).join(', ')}, and nothing says whether they should.`,
        advice:
          "List the services that send mail for you in the workspace's email.approvedSenders.",
      },
    ]
  }
  const names = unapproved.map((c) => c.term.value)
  return [
    {
      status: 'fail',
      severity: 'high',
      title: `The SPF of ${domain} includes ${names.length === 1 ? `${names[0]}, which is not an approved sender` : `${names.length} senders that are not approved`}`,
      text: `${names.join(', ')} may send mail as ${domain} and pass SPF, but the workspace's approved senders are ${approved.join(', ')}.`,
      advice:
        'If a sender is yours after all, add it to email.approvedSenders; otherwise remove it from the record.',
    },
  ]
}

function lengthProblems(domain: string, tree: SpfTree): Problem[] {
  const problems: Problem[] = []
  const bytes = Buffer.byteLength(tree.root.record ?? '')
  if (bytes > SPF_RECORD_BYTES) {
    problems.push({
      status: 'warn',
      severity: 'low',
      title: `The SPF record of ${domain} is ${bytes} bytes`,
      text: `RFC 7208 §3.4 advises under ${SPF_RECORD_BYTES}, so the answer fits in one UDP packet; some receivers fail on longer ones.`,
      advice:
        'Shorten it: merge adjacent ranges into wider CIDR blocks, or move ranges into an include of your own.',
    })
  }
  const answer = tree.root.answerBytes ?? 0
  if (bytes <= SPF_RECORD_BYTES && answer > UDP_ANSWER_BYTES) {
    problems.push({
      status: 'warn',
      severity: 'low',
      title: `The TXT records at ${domain} outgrow a UDP answer`,
      text: `With the other TXT records there, the answer is about ${answer} bytes, over ${UDP_ANSWER_BYTES}: receivers must retry over TCP to read SPF, and a few never do (RFC 7208 §3.4).`,
      advice: `Remove TXT records at ${domain} that are no longer needed, such as old site verifications.`,
    })
  }
  return problems
}

/** A note on a record split into several strings, as DNS requires. */
function multiString(tree: SpfTree): string {
  const strings = tree.root.strings ?? []
  if (strings.length < 2) return ''
  return ` The record is published as ${strings.length} strings (${strings.map((s) => Buffer.byteLength(s)).join(' + ')} bytes), which receivers join without spaces (RFC 7208 §3.3).`
}

function evidenceOf(
  domain: string,
  tree: SpfTree,
  evaluation: SpfEvaluation,
): Evidence {
  const strings = tree.root.strings ?? []
  return {
    record: `${domain} TXT ${strings.map((s) => `"${s}"`).join(' ')}`,
    bytes: Buffer.byteLength(tree.root.record ?? ''),
    ...(strings.length > 1 ? { strings: strings.length } : {}),
    lookups: tree.lookups,
    voidLookups: tree.voids,
    tree: renderSpfTree(tree),
    evaluation: evaluated(evaluation),
  }
}

function evaluated(evaluation: SpfEvaluation): string {
  return `A stranger at ${STRANGER_IP} gets ${evaluation.result}${evaluation.reason ? ` (${evaluation.reason})` : ''}`
}

function fixOf(
  domain: string,
  approved: readonly string[],
  tree: SpfTree,
  problems: readonly Problem[],
): string {
  const advice = problems.map((p) => p.advice).filter(Boolean)
  return [
    ...advice,
    `A record with only your approved senders:\n${suggestion(domain, approved, tree)}`,
  ].join('\n\n')
}

/**
 * The record to publish: the approved senders (includes, or ip4:/ip6:
 * ranges as given), ending in -all; without approved senders, the
 * record's own includes and ranges. Split into 255-byte strings when
 * longer (RFC 7208 §3.3).
 */
export function suggestion(
  domain: string,
  approved: readonly string[],
  tree: SpfTree,
): string {
  const own = tree.root.terms
    .map((c) => c.term)
    .filter((t) => ['include', 'ip4', 'ip6', 'a', 'mx'].includes(t.name))
    .map((t) => t.text.replace(/^\+/, ''))
  const terms = approved.length
    ? approved.map((s) => (/^ip[46]:/i.test(s) ? s : `include:${s}`))
    : own
  const record = ['v=spf1', ...terms, '-all'].join(' ')
  const line = `  ${domain}. 3600 IN TXT ${quoted(record)}`
  const cost = suggestedCost(terms, tree)
  return cost > SPF_LOOKUP_LIMIT
    ? `${line}\nThese senders alone need ${cost} DNS lookups (limit ${SPF_LOOKUP_LIMIT}): trim the list first.`
    : line
}

/** What the suggested terms cost, from what the walk measured of them. */
function suggestedCost(terms: readonly string[], tree: SpfTree): number {
  return terms.reduce((sum, text) => {
    if (/^ip[46]:/i.test(text)) return sum
    const seen = tree.root.terms.find(
      (c) => normalized(c.term.text.replace(/^\+/, '')) === normalized(text),
    )
    return sum + (seen?.subtotal ?? 1)
  }, 0)
}

/** A TXT value in quoted strings of at most 255 bytes. */
function quoted(record: string): string {
  const parts: string[] = []
  for (let at = 0; at < record.length; at += TXT_STRING_BYTES) {
    parts.push(`"${record.slice(at, at + TXT_STRING_BYTES)}"`)
  }
  return parts.join(' ')
}

function normalized(name: string): string {
  return name.toLowerCase().replace(/\.$/, '')
}
