import { translateRe2 } from '../../../src/core/secrets/re2'

/**
 * Builds text that a rule's regex matches, from the regex itself: a
 * small generator over the translated (JavaScript) pattern. Character
 * classes give random characters, so secrets have the entropy a real one
 * would; optional parts are left out; alternatives are picked by the
 * seed, the first one first.
 */

type Node =
  | { kind: 'text'; value: string }
  | { kind: 'class'; source: string; ci: boolean }
  | { kind: 'group'; options: Node[][] }
  | { kind: 'repeat'; node: Node; min: number; max: number }

const POOL =
  'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789' +
  '_-./+=:~!@#$%^&*(),;<>?[]{}|`\'" \t\n'

/** A deterministic pseudo-random source (mulberry32). */
export function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** One string the Go RE2 `pattern` matches, chosen by `seed`. */
export function sampleFor(pattern: string, seed: number): string {
  const { source, flags } = translateRe2(pattern)
  const tree = new Parser(source, flags.includes('i')).alternation()
  const rnd = random(seed)
  return generate({ kind: 'group', options: tree }, rnd, seed)
}

function generate(node: Node, rnd: () => number, seed: number): string {
  switch (node.kind) {
    case 'text':
      return node.value
    case 'class': {
      const re = new RegExp(`^${node.source}$`, node.ci ? 'ui' : 'u')
      const fits = [...POOL].filter((c) => re.test(c))
      const alnum = fits.filter((c) => /[A-Za-z0-9]/.test(c))
      const from = alnum.length > 0 ? alnum : fits
      if (from.length === 0) throw new Error(`No sample for ${node.source}`)
      return from[Math.floor(rnd() * from.length)]!
    }
    case 'group': {
      const pick = seed === 0 ? 0 : Math.floor(rnd() * node.options.length)
      return node.options[pick]!.map((n) => generate(n, rnd, seed)).join('')
    }
    case 'repeat': {
      const count =
        node.min === 0 ? 0 : Math.max(node.min, Math.min(node.max, 24))
      let out = ''
      for (let i = 0; i < count; i++) out += generate(node.node, rnd, seed)
      return out
    }
  }
}

class Parser {
  private i = 0

  constructor(
    private readonly src: string,
    private ci: boolean,
  ) {}

  alternation(): Node[][] {
    const options: Node[][] = [[]]
    while (this.i < this.src.length && this.src[this.i] !== ')') {
      if (this.src[this.i] === '|') {
        this.i++
        options.push([])
        continue
      }
      const atom = this.atom()
      if (atom) options[options.length - 1]!.push(this.quantified(atom))
    }
    return options
  }

  private quantified(atom: Node): Node {
    const rest = this.src.slice(this.i)
    const q = /^(?:([*+?])|\{(\d+)(?:(,)(\d*))?\})\??/.exec(rest)
    if (!q) return atom
    this.i += q[0].length
    if (q[1] === '*') return { kind: 'repeat', node: atom, min: 0, max: 1e9 }
    if (q[1] === '+') return { kind: 'repeat', node: atom, min: 1, max: 1e9 }
    if (q[1] === '?') return { kind: 'repeat', node: atom, min: 0, max: 1 }
    const min = Number(q[2])
    const max = q[3] ? (q[4] ? Number(q[4]) : 1e9) : min
    return { kind: 'repeat', node: atom, min, max }
  }

  private atom(): Node | undefined {
    const c = this.src[this.i]!
    if (c === '(') return this.group()
    if (c === '[') {
      let j = this.i + 1
      while (this.src[j] !== ']') j += this.src[j] === '\\' ? 2 : 1
      const source = this.src.slice(this.i, j + 1)
      this.i = j + 1
      return { kind: 'class', source, ci: this.ci }
    }
    if (c === '^' || c === '$') {
      this.i++
      return undefined
    }
    if (c === '\\') {
      const e = this.src[this.i + 1]!
      this.i += 2
      if (e === 'b' || e === 'B') return undefined
      if ('dDwWsS'.includes(e))
        return { kind: 'class', source: '\\' + e, ci: this.ci }
      if (e === 'x') {
        const hex = this.src.slice(this.i, this.i + 2)
        this.i += 2
        return { kind: 'text', value: String.fromCharCode(parseInt(hex, 16)) }
      }
      const escapes: Record<string, string> = { n: '\n', r: '\r', t: '\t' }
      return { kind: 'text', value: escapes[e] ?? e }
    }
    this.i++
    return { kind: 'text', value: c }
  }

  private group(): Node | undefined {
    const head =
      /^\((\?(?:<[A-Za-z_]\w*>|[a-z]*(?:-[a-z]+)?:|!|=|<!|<=))?/.exec(
        this.src.slice(this.i),
      )!
    this.i += head[0].length
    const saved = this.ci
    if (head[1]?.includes('-i')) this.ci = false
    else if (head[1]?.startsWith('?i')) this.ci = true
    const options = this.alternation()
    this.i++ // ')'
    this.ci = saved
    // Look-arounds (only `(?![\s\S])`, end of text, here) add nothing.
    if (head[1] && /^\?(?:!|=|<!|<=)$/.test(head[1])) return undefined
    return { kind: 'group', options }
  }
}
