import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parse } from 'smol-toml'
import { KeywordMatcher } from './keywords'
import { compileRe2 } from './re2'

/**
 * The gitleaks rule set (rules/gitleaks.toml, MIT, see rules/LICENSE),
 * loaded at run time and compiled from Go RE2 into JavaScript.
 */

/**
 * One allowlist, global or a rule's own. With condition OR any part that
 * matches allows the finding; with AND every part that is set must match.
 */
export interface Allowlist {
  readonly description?: string
  readonly condition: 'OR' | 'AND'
  /** What `regexes` test: the secret, the whole match, or its line(s). */
  readonly regexTarget: 'secret' | 'match' | 'line'
  readonly regexes: readonly RegExp[]
  readonly paths: readonly RegExp[]
  /** Lower case; a secret containing one is allowed. */
  readonly stopwords: readonly string[]
  readonly commits: readonly string[]
}

export interface SecretRule {
  readonly id: string
  readonly description: string
  /** The rule's own RE2 patterns, as the TOML file has them. */
  readonly pattern?: string
  readonly pathPattern?: string
  /** The whole rule, compiled with `g`. Absent: a rule on paths only. */
  readonly regex?: RegExp
  /**
   * The same regex without its leading `[\w.-]{0,N}?` (the identifier
   * before a keyword), and N: the detector finds the rest and walks back
   * over the identifier itself, which matches the same text (see
   * findMatches in detect.ts) at a fraction of the regex engine's cost.
   */
  readonly fast?: {
    readonly core: RegExp
    readonly lead: number
  }
  /**
   * The regex (its core, for a fast rule), sticky, when every match of
   * it starts with one of the rule's keywords (see keywordAnchored): it
   * is then tried only where the prefilter saw a keyword begin.
   */
  readonly anchored?: RegExp
  /** The rule only applies to files whose path matches. */
  readonly path?: RegExp
  /** A secret with Shannon entropy at or below this is not reported. */
  readonly entropy?: number
  readonly secretGroup?: number
  /** Lower case; the rule runs only on text holding one of them. */
  readonly keywords: readonly string[]
  readonly allowlists: readonly Allowlist[]
}

export interface RuleSet {
  readonly rules: readonly SecretRule[]
  readonly allowlist: Allowlist
  /** One automaton over every rule's keywords. */
  readonly matcher: KeywordMatcher
  /** For each keyword id, the indexes of the rules that list it. */
  readonly rulesByKeyword: readonly (readonly number[])[]
  /** Rules with a regex and no keywords: they run on every block. */
  readonly unconditional: readonly number[]
}

interface RawAllowlist {
  description?: string
  condition?: string
  regexTarget?: string
  regexes?: string[]
  paths?: string[]
  stopwords?: string[]
  commits?: string[]
}

interface RawRule {
  id: string
  description?: string
  regex?: string
  path?: string
  entropy?: number
  secretGroup?: number
  keywords?: string[]
  allowlists?: RawAllowlist[]
}

interface RawConfig {
  allowlist?: RawAllowlist
  rules?: RawRule[]
}

/**
 * Where the bundled rule file is: beside this module in the source (tsx,
 * tests), beside the bundle or its chunk in a build (the build copies
 * the rules folder to out/main), or under the checkout it runs from.
 */
export function defaultRulesFile(): string {
  const candidates = [
    join(__dirname, 'rules', 'gitleaks.toml'),
    join(__dirname, '..', 'rules', 'gitleaks.toml'),
    resolve(process.cwd(), 'src/core/secrets/rules/gitleaks.toml'),
  ]
  return candidates.find((file) => existsSync(file)) ?? candidates[0]!
}

let cached: RuleSet | undefined

/** The bundled gitleaks rules, compiled once per process. */
export function defaultRules(): RuleSet {
  cached ??= loadRules(readFileSync(defaultRulesFile(), 'utf8'))
  return cached
}

/** Parses and compiles a gitleaks TOML configuration. */
export function loadRules(toml: string): RuleSet {
  const config = parse(toml) as unknown as RawConfig
  const rules = (config.rules ?? []).map(compileRule)
  const keywords: string[] = []
  const rulesByKeyword: number[][] = []
  const unconditional: number[] = []
  rules.forEach((rule, index) => {
    if (!rule.regex) return
    if (rule.keywords.length === 0) unconditional.push(index)
    for (const word of rule.keywords) {
      let id = keywords.indexOf(word)
      if (id < 0) {
        id = keywords.push(word) - 1
        rulesByKeyword.push([])
      }
      rulesByKeyword[id]!.push(index)
    }
  })
  return {
    rules,
    allowlist: compileAllowlist(config.allowlist ?? {}),
    matcher: new KeywordMatcher(keywords),
    rulesByKeyword,
    unconditional,
  }
}

function compileRule(raw: RawRule): SecretRule {
  const where = (what: string) => `rule "${raw.id}" ${what}`
  const regex = raw.regex ? compile(raw.regex, 'g', where('regex')) : undefined
  const fast = regex && splitLead(regex)
  return {
    id: raw.id,
    description: raw.description ?? raw.id,
    pattern: raw.regex,
    pathPattern: raw.path,
    regex,
    fast,
    anchored: anchoredRegex(fast?.core ?? regex, raw.keywords ?? []),
    path: raw.path ? compile(raw.path, '', where('path')) : undefined,
    entropy: raw.entropy || undefined,
    secretGroup: raw.secretGroup || undefined,
    keywords: [...new Set((raw.keywords ?? []).map((k) => k.toLowerCase()))],
    allowlists: (raw.allowlists ?? []).map(compileAllowlist),
  }
}

const LEAD = /^\[\\w\.\\-\]\{0,(\d+)\}\?/
const INNER_LEAD = /^\(\?i:\[\\w\.\\-\]\{0,(\d+)\}\?/

/**
 * Splits `[\w.-]{0,N}?REST` (and the nested form gitleaks generates,
 * `[\w.-]{0,N}?(?i:[\w.-]{0,M}?REST)`) into REST and N (+M).
 */
function splitLead(regex: RegExp) {
  const outer = LEAD.exec(regex.source)
  if (!outer) return undefined
  let rest = regex.source.slice(outer[0].length)
  let lead = Number(outer[1])
  const inner = INNER_LEAD.exec(rest)
  if (inner) {
    lead += Number(inner[1])
    rest = '(?i:' + rest.slice(inner[0].length)
  }
  // A second identifier class would change what the walk back covers.
  if (rest.startsWith('[\\w.\\-]')) return undefined
  return { core: new RegExp(rest, regex.flags), lead }
}

function anchoredRegex(
  regex: RegExp | undefined,
  keywords: readonly string[],
): RegExp | undefined {
  if (!regex || keywords.length === 0) return undefined
  // A leading \b takes no text: the match still starts at the keyword.
  const source = regex.source.replace(/^\\b/, '')
  return keywordAnchored(source, keywords)
    ? new RegExp(regex.source, regex.flags + 'y')
    : undefined
}

/**
 * True when every text `source` matches begins with one of `keywords`
 * (case-insensitively): the literal beginnings of its alternatives are
 * spelled out, through groups, `[Aa]` case pairs and optional groups,
 * and each must start with a keyword. Anything it cannot read is false.
 */
export function keywordAnchored(
  source: string,
  keywords: readonly string[],
): boolean {
  const starts = literalStarts(source, 0, 64)
  if (!starts || starts.prefixes.length === 0) return false
  const lower = keywords.map((k) => k.toLowerCase())
  return starts.prefixes.every((p) =>
    lower.some((k) => p.toLowerCase().startsWith(k)),
  )
}

interface Starts {
  readonly prefixes: string[]
  /** Where reading stopped. */
  readonly end: number
}

/**
 * The literal beginnings of an alternation starting at `i`, read until
 * the first construct that is not a literal; undefined past `limit`
 * branches or on syntax it does not know.
 */
function literalStarts(
  src: string,
  i: number,
  limit: number,
): Starts | undefined {
  const done: string[] = []
  let current = ['']
  let open = true
  const extend = (add: readonly string[]) => {
    current = current.flatMap((c) => add.map((a) => c + a))
    return current.length <= limit
  }
  while (i < src.length && src[i] !== ')') {
    const c = src[i]!
    if (c === '|') {
      done.push(...current)
      current = ['']
      open = true
      i++
      continue
    }
    if (!open) {
      i = skipAtom(src, i)
      if (i < 0) return undefined
      continue
    }
    let add: string[] | undefined
    let next = i + 1
    if (/[A-Za-z0-9_,-]/.test(c)) add = [c]
    else if (c === '\\' && /[.\-_]/.test(src[i + 1] ?? '')) {
      add = [src[i + 1]!]
      next = i + 2
    } else if (c === '[') {
      // A short class of plain characters: [Aa], [_\-].
      const set = /^\[((?:[A-Za-z0-9_]|\\[.\-_]){1,4})\]/.exec(src.slice(i))
      if (set) {
        add = [...set[1]!.replace(/\\/g, '')]
        next = i + set[0].length
      }
    } else if (c === '(') {
      const head = /^\((?:\?(?:-?i)?:)?/.exec(src.slice(i))![0]
      if (head === '(' && src[i + 1] === '?') return undefined
      const inner = literalStarts(src, i + head.length, limit)
      if (!inner || src[inner.end] !== ')') return undefined
      add = inner.prefixes
      next = inner.end + 1
    }
    if (!add) {
      open = false
      continue
    }
    const quantifier = src[next]
    if (quantifier === '?' && src[next + 1] !== '?') {
      if (!extend(['', ...add])) return undefined
      i = next + 1
      continue
    }
    if (quantifier === '*' || quantifier === '+' || quantifier === '{') {
      open = false
      continue
    }
    if (!extend(add)) return undefined
    i = next
  }
  done.push(...current)
  return { prefixes: done, end: i }
}

/** Skips one atom and its quantifier; -1 when unsure. */
function skipAtom(src: string, i: number): number {
  const c = src[i]!
  if (c === '\\') i += src[i + 1] === 'x' ? 4 : 2
  else if (c === '[') {
    let j = i + 1
    while (j < src.length && src[j] !== ']') j += src[j] === '\\' ? 2 : 1
    i = j + 1
  } else if (c === '(') {
    let depth = 0
    let j = i
    for (; j < src.length; j++) {
      if (src[j] === '\\') j++
      else if (src[j] === '[') {
        while (j < src.length && src[j] !== ']') j += src[j] === '\\' ? 2 : 1
      } else if (src[j] === '(') depth++
      else if (src[j] === ')' && --depth === 0) break
    }
    i = j + 1
  } else i++
  const q = /^(?:[*+?]|\{\d+(?:,\d*)?\})\??/.exec(src.slice(i))
  return q ? i + q[0].length : i
}

function compileAllowlist(raw: RawAllowlist): Allowlist {
  const target = raw.regexTarget ?? 'secret'
  if (target !== 'secret' && target !== 'match' && target !== 'line')
    throw new Error(`Unknown allowlist regexTarget "${target}".`)
  return {
    description: raw.description,
    condition: raw.condition?.toUpperCase() === 'AND' ? 'AND' : 'OR',
    regexTarget: target,
    regexes: (raw.regexes ?? []).map((r) => compile(r, '', 'allowlist')),
    paths: (raw.paths ?? []).map((r) => compile(r, '', 'allowlist path')),
    stopwords: (raw.stopwords ?? []).map((s) => s.toLowerCase()),
    commits: raw.commits ?? [],
  }
}

function compile(pattern: string, flags: string, what: string): RegExp {
  try {
    return compileRe2(pattern, flags)
  } catch (error) {
    throw new Error(`Could not compile ${what}: ${pattern}`, { cause: error })
  }
}

/** What an allowlist is asked about one finding. */
export interface AllowQuery {
  readonly secret: string
  readonly match: string
  readonly line: string
  readonly path: string
  readonly commit?: string
}

/** True when `list` allows the finding (gitleaks' semantics). */
export function allows(list: Allowlist, q: AllowQuery): boolean {
  const target =
    list.regexTarget === 'match'
      ? q.match
      : list.regexTarget === 'line'
        ? q.line
        : q.secret
  const commit = () => !!q.commit && list.commits.includes(q.commit)
  const path = () => list.paths.some((p) => p.test(q.path))
  const regex = () => list.regexes.some((r) => r.test(target))
  const lower = q.secret.toLowerCase()
  const stopword = () => list.stopwords.some((w) => lower.includes(w))
  if (list.condition === 'AND') {
    const checks = [
      list.commits.length > 0 && commit,
      list.paths.length > 0 && path,
      list.regexes.length > 0 && regex,
      list.stopwords.length > 0 && stopword,
    ].filter((c) => c !== false)
    return checks.length > 0 && checks.every((c) => c())
  }
  return commit() || path() || regex() || stopword()
}
