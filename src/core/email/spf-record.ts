import type { SpfResolver } from './spf'

/** A qualifier (RFC 7208 §4.6.2); "+" when the record leaves it out. */
export type SpfQualifier = '+' | '-' | '~' | '?'

/** One term of an SPF record (RFC 7208 §4.6.1). */
export interface SpfTerm {
  /** As written in the record. */
  readonly text: string
  readonly kind: 'mechanism' | 'modifier'
  readonly qualifier: SpfQualifier
  /** Lower-case: "include", "ip4", "redirect", … */
  readonly name: string
  /** The domain-spec or address after ":" or "=", without a CIDR length. */
  readonly value: string
  /** Why the term is not valid SPF, if it is not. */
  readonly invalid?: string
}

/** Mechanisms of RFC 7208 §5. */
const MECHANISMS = new Set([
  'all',
  'include',
  'a',
  'mx',
  'ptr',
  'ip4',
  'ip6',
  'exists',
])

/**
 * The terms that make a DNS query and count toward the limit of 10
 * (RFC 7208 §4.6.4). exp= does not: it is only read after a fail.
 */
export const LOOKUP_TERMS: ReadonlySet<string> = new Set([
  'include',
  'a',
  'mx',
  'ptr',
  'exists',
  'redirect',
])

/** Terms whose domain-spec is required (RFC 7208 §5.2, §5.7, §6). */
const NEEDS_DOMAIN = new Set(['include', 'exists', 'redirect', 'exp'])

/** Macro letters outside exp= text (RFC 7208 §7.1; c, r, t are exp only). */
const MACRO = /^%\{[slodiphv]\d*r?[.\-+,/_=]*\}/i

/** True for a TXT string that is an SPF record (RFC 7208 §4.5). */
export function isSpfRecord(text: string): boolean {
  return /^v=spf1( |$)/i.test(text)
}

/** The SPF records among a name's TXT records, each with its strings. */
export async function spfRecordsAt(
  resolver: SpfResolver,
  name: string,
): Promise<string[][]> {
  try {
    const answer = await resolver.query(name, 'TXT')
    return answer.filter((strings) => isSpfRecord(strings.join('')))
  } catch (error) {
    if (isAbsent(error)) return []
    throw error
  }
}

/** True when a DNS error says the name or type does not exist. */
export function isAbsent(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return code === 'ENOTFOUND' || code === 'ENODATA'
}

/** "v=spf1 include:a.example -all" as its terms, the version left out. */
export function parseSpfRecord(record: string): SpfTerm[] {
  return record.split(' ').slice(1).filter(Boolean).map(parseTerm)
}

function parseTerm(text: string): SpfTerm {
  const modifier = /^([a-z][a-z0-9_.-]*)=(.*)$/i.exec(text)
  if (modifier) {
    const name = modifier[1]!.toLowerCase()
    const value = modifier[2]!
    return withProblem({ text, kind: 'modifier', qualifier: '+', name, value })
  }
  const qualified = /^[-+~?]/.test(text)
  const qualifier = (qualified ? text[0] : '+') as SpfQualifier
  const body = qualified ? text.slice(1) : text
  const [, rawName = '', rest = ''] = /^([^:/]*)(.*)$/.exec(body) ?? []
  const name = rawName.toLowerCase()
  const value = rest.startsWith(':') ? rest.slice(1) : ''
  const term = { text, kind: 'mechanism', qualifier, name } as const
  if (!MECHANISMS.has(name)) {
    return { ...term, value, invalid: `"${rawName}" is not a mechanism` }
  }
  return withProblem({ ...term, value: withoutCidr(name, value, rest) })
}

/** The domain or address of a term, without its /CIDR lengths. */
function withoutCidr(name: string, value: string, rest: string): string {
  if (name === 'ip4' || name === 'ip6') return value.replace(/\/\d+$/, '')
  if (name === 'a' || name === 'mx') {
    return (rest.startsWith(':') ? value : '').replace(/(\/\d*){1,2}$/, '')
  }
  return value
}

function withProblem(term: SpfTerm): SpfTerm {
  const invalid = problemOf(term)
  return invalid ? { ...term, invalid } : term
}

function problemOf(term: SpfTerm): string | undefined {
  if (term.kind === 'modifier' && term.name === 'exp') return undefined
  if (NEEDS_DOMAIN.has(term.name) && term.value === '') {
    return `${term.name} needs a domain`
  }
  if (term.name === 'all' && term.text.replace(/^[-+~?]/, '') !== 'all') {
    return 'all takes no value'
  }
  if (term.name === 'ip4' && !/^\d+\.\d+\.\d+\.\d+$/.test(term.value)) {
    return `"${term.value}" is not an IPv4 address`
  }
  if (term.name === 'ip6' && !term.value.includes(':')) {
    return `"${term.value}" is not an IPv6 address`
  }
  if (term.kind === 'mechanism' && term.name !== 'ip4' && term.name !== 'ip6')
    return macroProblem(term.value)
  return undefined
}

/** What is wrong with the macros of a domain-spec (RFC 7208 §7.1), if any. */
export function macroProblem(spec: string): string | undefined {
  for (let at = spec.indexOf('%'); at >= 0; at = spec.indexOf('%', at + 1)) {
    const rest = spec.slice(at)
    if (/^%[%_-]/.test(rest)) {
      at += 1
      continue
    }
    const macro = MACRO.exec(rest)?.[0]
    if (!macro) {
      const shown = /^%\{[^}]*\}?/.exec(rest)?.[0] ?? rest.slice(0, 2)
      return `the macro "${shown}" is malformed`
    }
    at += macro.length - 1
  }
  return undefined
}

/** True when a domain-spec depends on who sends (it has a macro). */
export function hasMacro(spec: string): boolean {
  return /%\{/.test(spec)
}
