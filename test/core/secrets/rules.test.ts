import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { findMatches } from '../../../src/core/secrets/detect'
import { translateRe2 } from '../../../src/core/secrets/re2'
import { defaultRules, type SecretRule } from '../../../src/core/secrets/rules'
import { scanText } from '../../../src/core/secrets/scan'
import { sampleFor } from './samples'

const rules = defaultRules()
const withRegex = rules.rules.filter((r) => r.regex)

/**
 * Rules whose generated text cannot satisfy a word boundary between two
 * generated parts get a hand-written sample instead.
 */
const HAND_SAMPLES: Readonly<Record<string, string>> = {
  'kubernetes-secret-yaml':
    'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n' +
    '  password: c2VjcmV0cGFzc3dvcmQxMjM0NQ==\n',
}

/** Text the rule must report, and a file name its path filter accepts. */
function positive(rule: SecretRule, seed: number) {
  const path = rule.pathPattern
    ? 'x' + sampleFor(rule.pathPattern, 0)
    : 'config.txt'
  const hand = HAND_SAMPLES[rule.id]
  if (hand) return { text: hand, path }
  const sample = sampleFor(rule.pattern!, seed)
  const lower = sample.toLowerCase()
  // The keyword prefilter must let the sample through: name a keyword on
  // the line before when the match itself holds none.
  const keyword =
    rule.keywords.length > 0 && !rule.keywords.some((k) => lower.includes(k))
      ? `${rule.keywords[0]}\n`
      : ''
  return { text: `${keyword} ${sample}\n`, path }
}

describe('the bundled gitleaks rules', () => {
  it('load every rule and the global allowlist', () => {
    expect(rules.rules.length).toBe(222)
    expect(withRegex.length).toBe(221)
    expect(rules.allowlist.paths.length).toBeGreaterThan(20)
    expect(rules.allowlist.stopwords.length).toBe(2)
  })

  it.each(withRegex.map((r) => [r.id, r] as const))(
    '%s reports text built from its own pattern',
    (_id, rule) => {
      // Random choices can land on an allowlisted value (a template, a
      // stopword); the first seed that is not is the proof.
      const tries: string[] = []
      for (let seed = 0; seed < 60; seed++) {
        const { text, path } = positive(rule, seed)
        const { findings } = scanText(text, path)
        const found = findings.find((f) => f.rule === rule.id)
        if (found) {
          expect(text).not.toContain(found.fingerprint)
          expect(found.redacted.length).toBeLessThanOrEqual(5)
          return
        }
        tries.push(text)
      }
      expect.fail(`never reported; last sample ${JSON.stringify(tries.at(-1))}`)
    },
  )

  it('finds the same keywords over ASCII bytes as over the string', () => {
    const text = sourceFiles(join(__dirname, '../../../src')).join('\n')
    const ascii = text.replace(/[\u0080-\uffff]/g, '?')
    const viaString = rules.rulesByKeyword.map((): number[] => [])
    const viaBytes = rules.rulesByKeyword.map((): number[] => [])
    const count = rules.matcher.scan(ascii, viaString)
    expect(rules.matcher.scanBytes(Buffer.from(ascii), viaBytes)).toBe(count)
    expect(viaBytes).toEqual(viaString)
    expect(count).toBeGreaterThan(1000)
  })

  it('anchors at keywords only the rules whose matches start with one', () => {
    const anchored = (id: string) =>
      !!rules.rules.find((r) => r.id === id)!.anchored
    expect(anchored('generic-api-key')).toBe(true)
    expect(anchored('linkedin-client-id')).toBe(true)
    // Its keywords (test_, live_) are in the key, not at the match start.
    expect(anchored('lob-api-key')).toBe(false)
    // A second alternative starts with \b, not a keyword.
    expect(anchored('atlassian-api-token')).toBe(false)
    expect(anchored('jwt')).toBe(true)
    expect(anchored('vault-service-token')).toBe(true)
    expect(withRegex.filter((r) => r.anchored).length).toBeGreaterThan(90)
  })

  it('finds the same matches through the walk-back and the keyword anchors as with the whole regex', () => {
    const corpus = [
      ...withRegex.flatMap((r) => [0, 1, 2].map((s) => positive(r, s).text)),
      ...sourceFiles(join(__dirname, '../../../src')),
    ].join('\n')
    const fast = withRegex.filter((r) => r.fast)
    expect(fast.length).toBeGreaterThan(80)
    const lower = corpus.toLowerCase()
    for (const rule of withRegex) {
      const whole: string[] = []
      const regex = rule.regex!
      regex.lastIndex = 0
      for (let m = regex.exec(corpus); m; m = regex.exec(corpus))
        whole.push(describeMatch(m))
      expect(whole.length, rule.id).toBeGreaterThan(0)
      if (rule.fast) {
        const viaCore = [...findMatches(rule, corpus)].map(describeMatch)
        expect(viaCore, rule.id).toEqual(whole)
      }
      if (rule.anchored) {
        const starts = keywordStarts(lower, rule.keywords)
        const viaStarts = [...findMatches(rule, corpus, starts)]
        expect(viaStarts.map(describeMatch), `${rule.id} (anchored)`).toEqual(
          whole,
        )
      }
    }
  })
})

/** Every offset where one of the keywords begins, ascending. */
function keywordStarts(lower: string, keywords: readonly string[]): number[] {
  const starts = new Set<number>()
  for (const word of keywords) {
    for (let i = lower.indexOf(word); i >= 0; i = lower.indexOf(word, i + 1))
      starts.add(i)
  }
  return [...starts].sort((a, b) => a - b)
}

function describeMatch(m: RegExpExecArray): string {
  return `${m.index}:${m[0]}:${m.slice(1).join('|')}`
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'))
}

describe('translating Go RE2 to JavaScript', () => {
  const cases: readonly (readonly [
    string,
    string,
    readonly string[],
    readonly string[],
  ])[] = [
    // [what, RE2 pattern, text it matches, text it does not]
    ['a leading (?i) flag', '(?i)abc', ['ABC', 'aBc'], ['abd']],
    [
      'a partial (?i) to the end of its group',
      '\\b(p8e-(?i)[a-z0-9]{4})\\b',
      ['p8e-AbC1', 'p8e-abcd'],
      ['P8E-abcd'],
    ],
    [
      'a partial (?i) across the alternatives after it',
      '^(?:x(?i)y|z)$',
      ['xY', 'Z', 'z'],
      ['XY', 'y'],
    ],
    ['a (?i:) group', '^a(?i:b)c$', ['aBc'], ['ABc', 'abC']],
    ['a (?-i:) group under (?i)', '(?i)^a(?-i:B)c$', ['ABC', 'aBc'], ['abc']],
    ['\\z as the end of the text', '^ab\\z', ['ab'], ['ab\n', 'abc']],
    ['a POSIX class', '^[[:alnum:]]{3}$', ['aZ9'], ['a_9', 'a-9']],
    ['. matching \\r but not \\n', '^a.b$', ['a\rb', 'axb'], ['a\nb']],
    ['(?s:.) matching \\n', '^a(?s:.)b$', ['a\nb'], []],
    [
      '\\s as ASCII space only',
      '^a\\sb$',
      ['a b', 'a\tb'],
      ['a\u00a0b', 'a\vb'],
    ],
    [
      'a literal { that is no repetition',
      '^\\$(?:\\d+|{\\d+})$',
      ['${12}', '$3'],
      ['{1}'],
    ],
    ['] first in a class', '^[^]]+]$', ['ab]'], [']]']],
    ['escaped punctuation', '^\\"\\#\\%\\-$', ['"#%-'], []],
    ['a - after a class escape', '^[\\w-.]+$', ['a-.b'], ['a b']],
  ]
  it.each(cases)('handles %s', (_what, pattern, yes, no) => {
    const { source, flags } = translateRe2(pattern)
    const regex = new RegExp(source, flags)
    for (const text of yes) expect(regex.test(text), text).toBe(true)
    for (const text of no) expect(regex.test(text), text).toBe(false)
  })
})
