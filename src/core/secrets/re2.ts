/**
 * Translates Go RE2 patterns (the gitleaks rule set's dialect) into
 * JavaScript regular expressions that match the same text.
 *
 * Where the dialects differ, and what this does about it
 * (https://github.com/google/re2/wiki/Syntax):
 * - `(?i)` in the middle of a group applies to the rest of that group,
 *   across its alternatives. It becomes a modifier group `(?i:…)` (ES2025,
 *   Node 24) closed before each `|` and at the group's end, so `a(?i)b|c`
 *   keeps its meaning `(?:a(?i:b))|(?i:c)`. `(?i:…)` and `(?-i:…)` groups
 *   map to the same modifier groups. A leading `(?i)` becomes the `i` flag.
 * - `.` never matches `\n` but does match `\r`; under `(?s)` it matches
 *   anything. JavaScript's `.` also refuses `\r` and U+2028/9, so `.` is
 *   spelled out as `[^\n]` or `[\s\S]`.
 * - `\s` is ASCII `[\t\n\f\r ]` (no `\v`, no Unicode spaces).
 * - `\z` is the end of the text: `(?![\s\S])`.
 * - POSIX classes `[[:alnum:]]` become ranges.
 * - `{` that does not start a repetition, and `]` right after `[` or
 *   `[^`, are literals; so are escaped punctuation marks such as `\"`,
 *   which the `u` flag rejects.
 *
 * The `u` flag is always on: with it, case-insensitive matching folds
 * case the Unicode way, as RE2 does.
 */

const POSIX: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
}

const SPACE = '\\t\\n\\f\\r '
/** Characters JavaScript lets (and sometimes makes) you escape with `u`. */
const SYNTAX = new Set('^$\\.*+?()[]{}|/')
const REPEAT = /^\{\d+(?:,\d*)?\}/

export interface TranslatedPattern {
  readonly source: string
  readonly flags: string
}

/** A pattern the translator cannot express; names the offending part. */
export class Re2SyntaxError extends Error {
  override name = 'Re2SyntaxError' as const
}

interface Frame {
  /** A modifier group opened by a mid-group `(?i)`, closed with this one. */
  modifier?: string
  dotAll: boolean
}

/** Go RE2 source → JavaScript source and flags (always `u`). */
export function translateRe2(pattern: string): TranslatedPattern {
  let rest = pattern
  let flags = 'u'
  const lead = /^\(\?([is]+)\)/.exec(rest)
  let dotAll = false
  if (lead) {
    if (lead[1]!.includes('i')) flags += 'i'
    dotAll = lead[1]!.includes('s')
    rest = rest.slice(lead[0].length)
  }
  return { source: new Translator(rest, dotAll).run(), flags }
}

class Translator {
  private i = 0
  private out = ''
  private readonly frames: Frame[]

  constructor(
    private readonly src: string,
    dotAll: boolean,
  ) {
    this.frames = [{ dotAll }]
  }

  run(): string {
    while (this.i < this.src.length) this.step()
    if (this.frames.length !== 1) this.fail('unclosed group')
    if (this.top.modifier) this.out += ')'
    return this.out
  }

  private get top(): Frame {
    return this.frames[this.frames.length - 1]!
  }

  private fail(why: string): never {
    throw new Re2SyntaxError(`${why} at ${this.i} in ${this.src}`)
  }

  private step(): void {
    const c = this.src[this.i]!
    switch (c) {
      case '\\':
        this.out += this.escape()
        return
      case '[':
        this.out += this.charClass()
        return
      case '(':
        this.group()
        return
      case ')':
        this.close()
        return
      case '|':
        this.i++
        this.out += this.top.modifier ? `)|${this.top.modifier}` : '|'
        return
      case '.':
        this.i++
        this.out += this.top.dotAll ? '[\\s\\S]' : '[^\\n]'
        return
      case '{': {
        const repeat = REPEAT.exec(this.src.slice(this.i))
        this.i += repeat ? repeat[0].length : 1
        this.out += repeat ? repeat[0] : '\\{'
        return
      }
      case '}':
      case ']':
        this.i++
        this.out += '\\' + c
        return
      default:
        this.i++
        this.out += c
    }
  }

  private group(): void {
    const head =
      /^\((\?(?:P?<([A-Za-z_]\w*)>|([is]*)(?:-([is]+))?([:)])))?/.exec(
        this.src.slice(this.i),
      )!
    this.i += head[0].length
    const [, special, name, on = '', off = '', end] = head
    const dotAll = on.includes('s')
      ? true
      : off.includes('s')
        ? false
        : this.top.dotAll
    if (!special) {
      this.frames.push({ dotAll: this.top.dotAll })
      this.out += '('
    } else if (name) {
      this.frames.push({ dotAll: this.top.dotAll })
      this.out += `(?<${name}>`
    } else if (end === ')') {
      // A flag switch for the rest of the enclosing group.
      this.top.dotAll = dotAll
      const ci = on.includes('i') ? 'i' : ''
      const nci = off.includes('i') ? '-i' : ''
      if (ci || nci) {
        if (this.top.modifier) this.out += ')'
        this.top.modifier = `(?${ci}${nci}:`
        this.out += this.top.modifier
      }
    } else {
      this.frames.push({ dotAll })
      const ci = on.includes('i') ? 'i' : ''
      const nci = off.includes('i') ? '-i' : ''
      this.out += ci || nci ? `(?${ci}${nci}:` : '(?:'
    }
  }

  private close(): void {
    if (this.frames.length === 1) this.fail('unbalanced )')
    const frame = this.frames.pop()!
    this.i++
    this.out += frame.modifier ? '))' : ')'
  }

  /** An escape outside a class. */
  private escape(): string {
    const next = this.src[this.i + 1]
    if (next === undefined) this.fail('trailing backslash')
    this.i += 2
    switch (next) {
      case 's':
        return `[${SPACE}]`
      case 'S':
        return `[^${SPACE}]`
      case 'z':
        return '(?![\\s\\S])'
      case 'A':
        return '(?<![\\s\\S])'
      case 'b':
      case 'B':
      case 'd':
      case 'D':
      case 'w':
      case 'W':
      case 'n':
      case 'r':
      case 't':
      case 'f':
      case 'v':
        return '\\' + next
      case 'x':
        return this.hex()
      case 'p':
      case 'P':
        return this.unicodeClass(next)
      case 'Q':
        return this.quoted()
      default:
        if (/[A-Za-z0-9]/.test(next)) this.fail(`unsupported escape \\${next}`)
        return SYNTAX.has(next) ? '\\' + next : next
    }
  }

  private hex(): string {
    if (this.src[this.i] === '{') {
      const end = this.src.indexOf('}', this.i)
      if (end < 0) this.fail('unclosed \\x{')
      const code = this.src.slice(this.i + 1, end)
      this.i = end + 1
      return `\\u{${code}}`
    }
    const code = this.src.slice(this.i, this.i + 2)
    if (!/^[0-9A-Fa-f]{2}$/.test(code)) this.fail('bad \\x escape')
    this.i += 2
    return `\\x${code}`
  }

  private unicodeClass(kind: string): string {
    if (this.src[this.i] === '{') {
      const end = this.src.indexOf('}', this.i)
      if (end < 0) this.fail('unclosed \\p{')
      const name = this.src.slice(this.i + 1, end)
      this.i = end + 1
      return `\\${kind}{${name}}`
    }
    return `\\${kind}{${this.src[this.i++]}}`
  }

  private quoted(): string {
    const end = this.src.indexOf('\\E', this.i)
    const text = this.src.slice(this.i, end < 0 ? undefined : end)
    this.i = end < 0 ? this.src.length : end + 2
    return [...text]
      .map((ch) => (SYNTAX.has(ch) || ch === '-' ? '\\' + ch : ch))
      .join('')
  }

  /** A bracketed class, parsed the RE2 way and written the u-flag way. */
  private charClass(): string {
    this.i++
    let negated = false
    if (this.src[this.i] === '^') {
      negated = true
      this.i++
    }
    const items: string[] = []
    let first = true
    for (;;) {
      const c = this.src[this.i]
      if (c === undefined) this.fail('unclosed [')
      if (c === ']' && !first) break
      first = false
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(this.src.slice(this.i))
      if (posix) {
        const range = POSIX[posix[2]!]
        if (!range || posix[1]) this.fail(`unsupported [:${posix[2]}:]`)
        items.push(range)
        this.i += posix[0].length
        continue
      }
      const lo = this.classAtom()
      if (
        lo.single !== undefined &&
        this.src[this.i] === '-' &&
        this.src[this.i + 1] !== ']' &&
        this.src[this.i + 1] !== undefined
      ) {
        this.i++
        const hi = this.classAtom()
        if (hi.single === undefined) this.fail('bad range')
        items.push(`${lo.text}-${hi.text}`)
      } else {
        items.push(lo.text)
      }
    }
    this.i++
    // `[\S]`, alone, can be written exactly; mixed with other items it
    // keeps JavaScript's wider \S, which only differs on Unicode spaces.
    if (items.length === 1 && items[0] === '\\S')
      return negated ? `[${SPACE}]` : `[^${SPACE}]`
    return `[${negated ? '^' : ''}${items.join('')}]`
  }

  /** One class member: a character (single) or a class escape. */
  private classAtom(): { text: string; single?: string } {
    const c = this.src[this.i]!
    if (c !== '\\') {
      this.i++
      return { text: classChar(c), single: c }
    }
    const next = this.src[this.i + 1]
    if (next === undefined) this.fail('trailing backslash')
    this.i += 2
    switch (next) {
      case 's':
        return { text: SPACE }
      case 'S':
      case 'd':
      case 'D':
      case 'w':
      case 'W':
        return { text: '\\' + next }
      case 'n':
      case 'r':
      case 't':
      case 'f':
      case 'v':
        return { text: '\\' + next, single: next }
      case 'x': {
        const text = this.hex()
        return { text, single: text }
      }
      case 'p':
      case 'P':
        return { text: this.unicodeClass(next) }
      default:
        if (/[A-Za-z0-9]/.test(next)) this.fail(`unsupported escape \\${next}`)
        return { text: classChar(next), single: next }
    }
  }
}

function classChar(c: string): string {
  return '\\]-[^'.includes(c) ? '\\' + c : c
}

/** Compiles a Go RE2 pattern; `extraFlags` such as 'g' are added. */
export function compileRe2(pattern: string, extraFlags = ''): RegExp {
  const { source, flags } = translateRe2(pattern)
  return new RegExp(source, flags + extraFlags)
}
