import type { SpfResolver } from './spf'
import {
  hasMacro,
  isAbsent,
  LOOKUP_TERMS,
  isSpfRecord,
  parseSpfRecord,
  type SpfTerm,
} from './spf-record'

/** RFC 7208 §4.6.4: at most 10 DNS-querying terms, 2 void lookups. */
export const SPF_LOOKUP_LIMIT = 10
export const SPF_VOID_LIMIT = 2
/** §4.6.4: an mx mechanism may name at most 10 mail hosts. */
export const SPF_MX_LIMIT = 10
/**
 * Where the walk stops: far enough past the limit to show what breaks
 * it, short of following a loop or a long chain for ever.
 */
export const SPF_WALK_LIMIT = 30

/** The SPF record of one domain and what its terms cost. */
export interface SpfNode {
  readonly domain: string
  /** The record, its strings joined (RFC 7208 §3.3). */
  readonly record?: string
  /** The record's character-strings as published. */
  readonly strings?: readonly string[]
  /** Every SPF record at the name, when there is more than one. */
  readonly records?: readonly string[]
  readonly terms: readonly SpfCost[]
  /** Why the domain gives no usable record: absent, several, DNS error. */
  readonly problem?: string
  /** True when that problem is a DNS failure (a temperror). */
  readonly failed?: boolean
  /** Why the TXT lookup was void (NXDOMAIN, no records), if it was. */
  readonly void?: string
  /** About how large the whole TXT answer at the name is, in bytes. */
  readonly answerBytes?: number
}

/** One term, what it costs, and where the count stands after it. */
export interface SpfCost {
  readonly term: SpfTerm
  /** DNS-querying terms this one adds itself: 0 or 1. */
  readonly cost: number
  /** Its own cost plus everything below it (an include's record). */
  readonly subtotal: number
  /**
   * The running count after it (an include: after everything below it),
   * in evaluation order; 0 for terms that cost nothing.
   */
  readonly total: number
  /** What its lookup found void (NXDOMAIN or no records), if it did. */
  readonly void?: string
  /** The running void count after it, when it was void. */
  readonly voidTotal?: number
  /** What else the reader should know: a macro, a loop, a DNS error. */
  readonly note?: string
  /** The record an include or redirect leads to. */
  readonly child?: SpfNode
  /** True for the term at which the count first passes the limit. */
  readonly overLimit?: boolean
}

/** The whole include tree of a domain's SPF, counted. */
export interface SpfTree {
  readonly root: SpfNode
  readonly lookups: number
  readonly voids: number
  /** An include or redirect that leads back to a domain on its own path. */
  readonly loop?: string
  /** The walk stopped at SPF_WALK_LIMIT lookups. */
  readonly truncated: boolean
  /** A DNS failure met on the way (an evaluation would temperror). */
  readonly failures: readonly string[]
  /** Invalid terms anywhere in the tree, "domain: why". */
  readonly invalid: readonly string[]
  /** The first top-level include or redirect the limit is passed in. */
  readonly breaker?: SpfTerm
}

interface Walk {
  readonly resolver: SpfResolver
  readonly signal?: AbortSignal
  lookups: number
  voids: number
  loop?: string
  truncated: boolean
  overMarked: boolean
  readonly failures: string[]
  readonly invalid: string[]
}

/**
 * Walks the SPF record of `domain` and every include and redirect below
 * it the way check_host() would meet them (mechanisms in order, then
 * redirect, RFC 7208 §4.6.2 and §6.1), counting DNS-querying terms and
 * void lookups. Terms whose target depends on the sender (macros) and
 * ptr are counted but not looked up: they need a real client.
 */
export async function walkSpf(
  domain: string,
  resolver: SpfResolver,
  signal?: AbortSignal,
): Promise<SpfTree> {
  const walk: Walk = {
    resolver,
    signal,
    lookups: 0,
    voids: 0,
    truncated: false,
    overMarked: false,
    failures: [],
    invalid: [],
  }
  const root = await visit(walk, domain.toLowerCase(), [])
  const breaker = root.terms.find((t) => containsOver(t))?.term
  return {
    root,
    lookups: walk.lookups,
    voids: walk.voids,
    ...(walk.loop ? { loop: walk.loop } : {}),
    truncated: walk.truncated,
    failures: walk.failures,
    invalid: walk.invalid,
    ...(breaker ? { breaker } : {}),
  }
}

function containsOver(cost: SpfCost): boolean {
  return (
    cost.overLimit === true ||
    (cost.child?.terms.some((t) => containsOver(t)) ?? false)
  )
}

async function visit(
  walk: Walk,
  domain: string,
  path: readonly string[],
): Promise<SpfNode> {
  let answer: string[][]
  try {
    answer = await walk.resolver.query(domain, 'TXT')
  } catch (error) {
    if (isAbsent(error)) {
      return { domain, terms: [], problem: NO_RECORD, void: describe(error) }
    }
    const problem = `its TXT lookup failed (${describe(error)})`
    walk.failures.push(`${domain}: ${problem}`)
    return { domain, terms: [], problem, failed: true }
  }
  const found = answer.filter((strings) => isSpfRecord(strings.join('')))
  const answerBytes = txtAnswerBytes(domain, answer)
  if (found.length === 0) {
    return { domain, terms: [], problem: NO_RECORD, answerBytes }
  }
  if (found.length > 1) {
    return {
      domain,
      records: found.map((s) => s.join('')),
      terms: [],
      problem: `${found.length} SPF records (permerror)`,
      answerBytes,
    }
  }
  const strings = found[0]!
  const record = strings.join('')
  const terms = parseSpfRecord(record)
  for (const t of terms) {
    if (t.invalid) walk.invalid.push(`${domain}: ${t.invalid}`)
  }
  const costs = await costsOf(walk, domain, terms, [...path, domain])
  return { domain, record, strings, terms: costs, answerBytes }
}

const NO_RECORD = 'no SPF record'

/**
 * About how many bytes the TXT answer at `name` takes on the wire: the
 * header, the question, and each record (RFC 1035 §4.1), names
 * compressed. RFC 7208 §3.4 asks that it fit in 512 bytes of UDP.
 */
function txtAnswerBytes(name: string, answer: readonly string[][]): number {
  const question = name.length + 2 + 4
  const records = answer.reduce(
    (sum, strings) =>
      sum + 12 + strings.reduce((n, s) => n + 1 + Buffer.byteLength(s), 0),
    0,
  )
  return 12 + question + records
}

/** The terms in evaluation order, counted; returned in record order. */
async function costsOf(
  walk: Walk,
  domain: string,
  terms: readonly SpfTerm[],
  path: readonly string[],
): Promise<SpfCost[]> {
  const hasAll = terms.some((t) => t.name === 'all')
  const order = [
    ...terms.filter((t) => t.kind === 'mechanism'),
    ...terms.filter((t) => t.kind === 'modifier'),
  ]
  const costs = new Map<SpfTerm, SpfCost>()
  for (const term of order) {
    walk.signal?.throwIfAborted()
    costs.set(term, await costOf(walk, domain, term, path, hasAll))
  }
  return terms.map((t) => costs.get(t)!)
}

async function costOf(
  walk: Walk,
  domain: string,
  term: SpfTerm,
  path: readonly string[],
  hasAll: boolean,
): Promise<SpfCost> {
  const free = { term, cost: 0, subtotal: 0, total: 0 }
  if (!LOOKUP_TERMS.has(term.name) || term.invalid) return free
  if (term.name === 'redirect' && hasAll) {
    return { ...free, note: 'ignored: the record has all (RFC 7208 §6.1)' }
  }
  if (walk.lookups >= SPF_WALK_LIMIT) {
    walk.truncated = true
    return { ...free, note: `not followed: past ${SPF_WALK_LIMIT} lookups` }
  }
  walk.lookups += 1
  const before = walk.lookups
  const over = overMark(walk)
  const target = (term.value || domain).toLowerCase()
  if (hasMacro(target)) {
    return counted(walk, term, before, over, {
      note: 'depends on the sender (macro); not looked up',
    })
  }
  if (term.name === 'ptr') {
    return counted(walk, term, before, over, {
      note: "depends on the client's address; not looked up",
    })
  }
  if (term.name === 'include' || term.name === 'redirect') {
    return include(walk, term, target, path, before, over)
  }
  const found = await lookUp(walk, term.name, target)
  return counted(walk, term, before, over, found)
}

/** Marks the first term that takes the count past the limit. */
function overMark(walk: Walk): boolean {
  if (walk.overMarked || walk.lookups <= SPF_LOOKUP_LIMIT) return false
  walk.overMarked = true
  return true
}

function counted(
  walk: Walk,
  term: SpfTerm,
  total: number,
  over: boolean,
  extra: { void?: string; note?: string; child?: SpfNode },
): SpfCost {
  const below = extra.child ? subtotalOf(extra.child) : 0
  return {
    term,
    cost: 1,
    subtotal: 1 + below,
    total,
    ...extra,
    ...(extra.void ? { voidTotal: walk.voids } : {}),
    ...(over ? { overLimit: true } : {}),
  }
}

function subtotalOf(node: SpfNode): number {
  return node.terms.reduce((sum, t) => sum + t.subtotal, 0)
}

async function include(
  walk: Walk,
  term: SpfTerm,
  target: string,
  path: readonly string[],
  total: number,
  over: boolean,
): Promise<SpfCost> {
  if (path.includes(target)) {
    walk.loop ??= `${path.at(-1)} → ${term.text}`
    return counted(walk, term, total, over, {
      note: `loops back to ${target}: receivers go round until the limit (permerror)`,
    })
  }
  const child = await visit(walk, target, path)
  if (child.problem === NO_RECORD) {
    if (child.void) walk.voids += 1
    return counted(walk, term, walk.lookups, over, {
      child,
      ...(child.void ? { void: child.void } : {}),
      note: `no SPF record at ${target}: ${term.name} of it is a permerror (RFC 7208 §5.2, §6.1)`,
    })
  }
  return counted(walk, term, walk.lookups, over, { child })
}

/** The lookup of a, mx or exists: void or not, and what was found. */
async function lookUp(
  walk: Walk,
  name: string,
  target: string,
): Promise<{ void?: string; note?: string }> {
  try {
    if (name === 'mx') return await mxHosts(walk, target)
    if (name === 'exists') {
      await walk.resolver.query(target, 'A')
      return {}
    }
    return await addresses(walk, target)
  } catch (error) {
    if (!isAbsent(error)) {
      const note = `lookup failed: ${describe(error)} (temperror)`
      walk.failures.push(`${name}:${target}: ${describe(error)}`)
      return { note }
    }
    walk.voids += 1
    return { void: describe(error) }
  }
}

/** a: void only when the name has neither A nor AAAA records. */
async function addresses(
  walk: Walk,
  target: string,
): Promise<{ note?: string }> {
  const [a, aaaa] = await Promise.allSettled([
    walk.resolver.query(target, 'A'),
    walk.resolver.query(target, 'AAAA'),
  ])
  if (a.status === 'fulfilled' || aaaa.status === 'fulfilled') return {}
  if (!isAbsent(a.reason)) throw a.reason
  throw aaaa.reason
}

async function mxHosts(walk: Walk, target: string): Promise<{ note: string }> {
  const hosts = await walk.resolver.query(target, 'MX')
  const count = hosts.length
  if (count > SPF_MX_LIMIT) {
    walk.invalid.push(
      `${target}: ${count} MX hosts, over the ${SPF_MX_LIMIT} an mx mechanism may name`,
    )
  }
  return {
    note: `${count} mail host${count === 1 ? '' : 's'}, their addresses not counted`,
  }
}

/** A DNS error's code in words a reader knows. */
function describe(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code
  switch (code) {
    case 'ENOTFOUND':
      return 'NXDOMAIN'
    case 'ENODATA':
      return 'no records'
    case 'ETIMEOUT':
      return 'timed out'
    default:
      return typeof code === 'string' ? code : String(error)
  }
}

/**
 * The tree as lines of text for a finding's evidence: each term with
 * its own cost and the running count, an include's record indented
 * under it by "· ", runs of terms that cost nothing on one line, and
 * the term that passes the limit marked.
 */
export function renderSpfTree(tree: SpfTree): string[] {
  const head =
    `${tree.root.domain}: ${tree.lookups}${tree.truncated ? '+' : ''} DNS lookups of ${SPF_LOOKUP_LIMIT}, ` +
    `${tree.voids} void of ${SPF_VOID_LIMIT}`
  return [head, ...nodeLines(tree.root, 0)]
}

function nodeLines(node: SpfNode, depth: number): string[] {
  const indent = '· '.repeat(depth)
  if (node.problem) return [`${indent}${node.domain}: ${node.problem}`]
  const lines: string[] = []
  let free: string[] = []
  const flush = () => {
    if (free.length) lines.push(`${indent}${free.join(' ')} — 0`)
    free = []
  }
  for (const cost of node.terms) {
    if (cost.cost === 0 && !cost.note && !cost.term.invalid) {
      free.push(cost.term.text)
      continue
    }
    flush()
    lines.push(`${indent}${termLine(cost)}`)
    if (cost.child?.records) {
      lines.push(`${'· '.repeat(depth + 1)}${cost.child.problem}`)
    } else if (cost.child && !cost.child.problem) {
      lines.push(...nodeLines(cost.child, depth + 1))
    }
  }
  flush()
  return lines
}

function termLine(cost: SpfCost): string {
  const parts: string[] = []
  if (cost.cost === 0) parts.push('0')
  else if (cost.subtotal > cost.cost) {
    parts.push(`1 + ${cost.subtotal - 1} inside = ${cost.subtotal}`)
  } else parts.push('1')
  if (cost.cost > 0) parts.push(`total ${cost.total}`)
  if (cost.void) {
    parts.push(`void (${cost.void}), ${cost.voidTotal} of ${SPF_VOID_LIMIT}`)
  }
  if (cost.child?.problem && !cost.note) parts.push(cost.child.problem)
  if (cost.note) parts.push(cost.note)
  if (cost.term.invalid) parts.push(`invalid: ${cost.term.invalid}`)
  const over = cost.overLimit ? ` ← past the limit of ${SPF_LOOKUP_LIMIT}` : ''
  return `${cost.term.text} — ${parts.join(', ')}${over}`
}
