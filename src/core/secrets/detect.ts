import { createHash } from 'node:crypto'
import { allows, type RuleSet, type SecretRule } from './rules'
import type { SecretFinding } from './types'

/**
 * Runs the rules over one segment of text: the keyword prefilter picks
 * the rules, their regexes find candidates, and entropy, the inline allow
 * markers and the allowlists drop the ones that are not secrets.
 */

/** A line holding either marker is never reported. */
export const ALLOW_MARKERS = ['launch-ready:allow', 'gitleaks:allow'] as const

/** A piece of a file or stream, and where it sits in it. */
export interface Segment {
  readonly text: string
  /** The line number of text[0]. */
  readonly line: number
  /** The 1-based column of text[0]: above 1 inside a long line's window. */
  readonly column: number
  /** For a git diff: the real line number of each line of `text`. */
  readonly lineNumbers?: readonly number[]
  /** The bytes of `text` when it is ASCII, one per character. */
  readonly ascii?: Uint8Array
}

/** Which file (or log, or commit) the segment belongs to. */
export interface Origin {
  readonly file: string
  readonly commit?: string
}

/**
 * How far around a keyword a rule's regex looks: the rules' matches hold
 * their keyword, or sit near it (a private key runs ~3 KB past its
 * BEGIN line). Regions are widened to whole lines.
 */
const REACH_BEFORE = 1024
const REACH_AFTER = 8192

export class Detector {
  /** Per keyword id: offsets just past each occurrence in the segment. */
  private readonly hits: number[][]
  /** Per rule index: the keyword offsets that concern it. */
  private readonly ruleHits: number[][]

  constructor(readonly rules: RuleSet) {
    this.hits = rules.rulesByKeyword.map(() => [])
    this.ruleHits = rules.rules.map(() => [])
  }

  /**
   * Calls `emit` for every secret in the segment. A rule with keywords
   * runs only where one of them occurs (gitleaks runs it on the whole
   * fragment): a rule whose matches begin with a keyword is tried at each
   * keyword start, any other on the lines around each occurrence, which
   * hold every match that contains or closely follows its keyword.
   */
  detect(
    segment: Segment,
    origin: Origin,
    emit: (finding: SecretFinding) => void,
    guard?: RuleGuard,
  ): void {
    const { text } = segment
    const { rules, matcher, rulesByKeyword, unconditional } = this.rules
    // Lists a failed call left behind; normally there are none.
    for (const id of matcher.touched) this.hits[id]!.length = 0
    matcher.touched.length = 0
    const run = (rule: SecretRule, from: number, to: number) => {
      if (rule.path && !rule.path.test(origin.file)) return
      for (const [start, end] of pieces(text, from, to)) {
        if (guard && !guard.allows(rule)) return
        const started = guard ? performance.now() : 0
        const part =
          start === 0 && end === text.length ? text : text.slice(start, end)
        const lines = new LineCursor(segment)
        for (const m of findMatches(rule, part)) {
          const found = this.judge(rule, m, start, segment, origin, lines)
          if (found) emit(found)
        }
        guard?.spend(rule, performance.now() - started, segment.line)
      }
    }
    // Tried only where a keyword starts: see keywordAnchored.
    const runAnchored = (rule: SecretRule, starts: readonly number[]) => {
      if (rule.path && !rule.path.test(origin.file)) return
      if (guard && !guard.allows(rule)) return
      const started = guard ? performance.now() : 0
      const lines = new LineCursor(segment)
      for (const m of findMatches(rule, text, starts)) {
        const found = this.judge(rule, m, 0, segment, origin, lines)
        if (found) emit(found)
      }
      guard?.spend(rule, performance.now() - started, segment.line)
    }
    for (const index of unconditional) run(rules[index]!, 0, text.length)
    const found = segment.ascii
      ? matcher.scanBytes(segment.ascii, this.hits)
      : matcher.scan(text, this.hits)
    if (found === 0) return
    const touched: number[] = []
    const keywords = matcher.keywords
    for (const id of matcher.touched) {
      const ends = this.hits[id]!
      const length = keywords[id]!.length
      for (const index of rulesByKeyword[id]!) {
        const list = this.ruleHits[index]!
        if (list.length === 0) touched.push(index)
        for (const end of ends) list.push(end - length)
      }
      ends.length = 0
    }
    matcher.touched.length = 0
    touched.sort((a, b) => a - b)
    for (const index of touched) {
      // One keyword's offsets come sorted; only merged lists need it.
      const starts = this.ruleHits[index]!
      if (rules[index]!.keywords.length > 1) starts.sort((a, b) => a - b)
      const rule = rules[index]!
      if (rule.anchored) runAnchored(rule, starts)
      else for (const [from, to] of regions(text, starts)) run(rule, from, to)
      starts.length = 0
    }
  }

  private judge(
    rule: SecretRule,
    m: RegExpExecArray,
    base: number,
    segment: Segment,
    origin: Origin,
    lines: LineCursor,
  ): SecretFinding | undefined {
    const secret = secretOf(rule, m)
    if (!secret) return undefined
    const entropy = shannonEntropy(secret)
    if (rule.entropy !== undefined && entropy <= rule.entropy) return undefined
    const { text } = segment
    const index = base + m.index
    const start = text.lastIndexOf('\n', index - 1) + 1
    const endAt = text.indexOf('\n', index + Math.max(m[0].length - 1, 0))
    const line = text.slice(start, endAt < 0 ? text.length : endAt)
    if (ALLOW_MARKERS.some((marker) => line.includes(marker))) return undefined
    const query = {
      secret,
      match: m[0],
      line,
      path: origin.file,
      commit: origin.commit,
    }
    if (allows(this.rules.allowlist, query)) return undefined
    if (rule.allowlists.some((list) => allows(list, query))) return undefined
    const offset = index + Math.max(m[0].indexOf(secret), 0)
    const where = lines.at(offset)
    return {
      rule: rule.id,
      description: rule.description,
      file: origin.file,
      line: where.line,
      column: where.column,
      ...(origin.commit ? { commit: origin.commit } : {}),
      redacted: redact(secret),
      fingerprint: fingerprint(rule.id, origin.file, secret),
      entropy: Math.round(entropy * 1000) / 1000,
    }
  }
}

/**
 * Every match of the rule in `text`, left to right, as regex.exec gives
 * them. For `[\w.-]{0,N}?REST` rules it runs REST alone and walks back
 * over the identifier characters before each hit: the leftmost REST
 * match q yields the leftmost whole match, which starts at the earliest
 * of q - N, the start of the identifier run ending at q, and the end of
 * the previous match; the lazy prefix then stops at q, the first place
 * REST matches. The test suite checks both paths agree on every rule.
 */
export function* findMatches(
  rule: SecretRule,
  text: string,
  starts?: readonly number[],
): Generator<RegExpExecArray> {
  const anchored = starts ? rule.anchored : undefined
  const regex = anchored ?? rule.fast?.core ?? rule.regex!
  const lead = rule.fast?.lead ?? 0
  let previousEnd = 0
  let next = 0
  const exec = (): RegExpExecArray | null => {
    if (!anchored) return regex.exec(text)
    // Sticky at each keyword start in turn: the first that matches is
    // the leftmost match, as the core can only begin at a keyword.
    while (next < starts!.length) {
      const at = starts![next++]!
      if (at < previousEnd) continue
      regex.lastIndex = at
      const m = regex.exec(text)
      if (m) return m
    }
    return null
  }
  regex.lastIndex = 0
  for (let m = exec(); m; m = exec()) {
    if (m[0].length === 0) regex.lastIndex++
    if (lead > 0) {
      const floor = Math.max(previousEnd, m.index - lead)
      let start = m.index
      while (start > floor && isIdentifier(text.charCodeAt(start - 1))) start--
      if (start < m.index) {
        m[0] = text.slice(start, m.index) + m[0]
        m.index = start
      }
    }
    previousEnd = m.index + m[0].length
    yield m
  }
}

/** [\w.-] */
function isIdentifier(c: number): boolean {
  return (
    (c >= 48 && c <= 57) ||
    (c >= 65 && c <= 90) ||
    (c >= 97 && c <= 122) ||
    c === 95 ||
    c === 46 ||
    c === 45
  )
}

/**
 * Keeps one rule's regex from taking over a file: the detector reports
 * the time each run takes, and stops running a rule the guard refuses.
 */
export interface RuleGuard {
  allows(rule: SecretRule): boolean
  spend(rule: SecretRule, ms: number, line: number): void
}

/**
 * What one regex call gets at most. With lines capped at the line limit
 * this bounds the work of a single call, even for a pattern that
 * backtracks on a hostile line, so the guard can step in between calls.
 */
const MAX_PIECE = 64 * 1024

/** [from, to) cut at line ends into pieces of at most MAX_PIECE. */
function* pieces(
  text: string,
  from: number,
  to: number,
): Generator<[number, number]> {
  while (to - from > MAX_PIECE) {
    const nl = text.lastIndexOf('\n', from + MAX_PIECE - 1)
    const cut = nl > from ? nl + 1 : from + MAX_PIECE
    yield [from, cut]
    from = cut
  }
  yield [from, to]
}

/** Merged line-aligned regions around sorted keyword offsets. */
function regions(text: string, offsets: readonly number[]): [number, number][] {
  const out: [number, number][] = []
  for (const offset of offsets) {
    const from = Math.max(0, offset - REACH_BEFORE)
    const last = out[out.length - 1]
    if (last && from <= last[1]) {
      if (offset + REACH_AFTER > last[1]) last[1] = lineEnd(text, offset)
      continue
    }
    out.push([text.lastIndexOf('\n', from - 1) + 1, lineEnd(text, offset)])
  }
  return out
}

function lineEnd(text: string, offset: number): number {
  const to = Math.min(text.length, offset + REACH_AFTER)
  const nl = text.indexOf('\n', to)
  return nl < 0 ? text.length : nl + 1
}

/** gitleaks: the rule's secretGroup, else the first non-empty group. */
function secretOf(rule: SecretRule, m: RegExpExecArray): string {
  if (m.length < 2) return m[0]
  if (rule.secretGroup !== undefined) return m[rule.secretGroup] ?? ''
  for (let i = 1; i < m.length; i++) if (m[i]) return m[i]!
  return m[0]
}

/**
 * Turns offsets into line and column, walking forward from the last
 * answer: a rule's matches come in order, so a segment is read once.
 */
class LineCursor {
  private offset = 0
  private index = 0
  private lineStart = 0

  constructor(private readonly segment: Segment) {}

  at(offset: number): { line: number; column: number } {
    const { text, lineNumbers } = this.segment
    if (offset < this.offset) {
      this.offset = this.index = this.lineStart = 0
    }
    for (let i = text.indexOf('\n', this.offset); i >= 0 && i < offset;) {
      this.index++
      this.lineStart = i + 1
      i = text.indexOf('\n', i + 1)
    }
    this.offset = offset
    const first = this.index === 0 ? this.segment.column - 1 : 0
    return {
      line: lineNumbers
        ? (lineNumbers[this.index] ?? this.segment.line)
        : this.segment.line + this.index,
      column: first + offset - this.lineStart + 1,
    }
  }
}

/**
 * gitleaks' de-duplication: a generic-rule finding on a line where a
 * specific rule also reported is dropped, so one key is one finding.
 */
export function dropGenericDuplicates(
  findings: readonly SecretFinding[],
): SecretFinding[] {
  const place = (f: SecretFinding) => `${f.commit ?? ''}:${f.file}:${f.line}`
  const specific = new Set(
    findings.filter((f) => !f.rule.startsWith('generic')).map(place),
  )
  return findings.filter(
    (f) => !f.rule.startsWith('generic') || !specific.has(place(f)),
  )
}

/** Shannon entropy of the characters of `text`, in bits per character. */
export function shannonEntropy(text: string): number {
  if (text.length === 0) return 0
  const counts = new Map<string, number>()
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1)
  let bits = 0
  const total = [...text].length
  for (const n of counts.values()) {
    const p = n / total
    bits -= p * Math.log2(p)
  }
  return bits
}

/**
 * The first few characters and an ellipsis: enough to recognise a key
 * ("AKIA…", "ghp_…"), never enough to use it. Short secrets show less.
 */
export function redact(secret: string): string {
  const shown = Math.min(4, Math.floor(secret.length / 4))
  return secret.slice(0, shown) + '…'
}

/** A stable id for (rule, file, secret) that does not reveal the secret. */
export function fingerprint(rule: string, file: string, secret: string) {
  return createHash('sha256')
    .update(`${rule}\0${file}\0${secret}`)
    .digest('hex')
    .slice(0, 40)
}
