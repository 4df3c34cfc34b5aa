import { describe, expect, it } from 'vitest'
import {
  isSpfRecord,
  macroProblem,
  parseSpfRecord,
} from '../../../src/core/email/spf-record'

describe('isSpfRecord', () => {
  it.each([
    ['v=spf1 -all', true],
    ['v=spf1', true],
    ['V=SPF1 ~all', true],
    ['v=spf10 -all', false],
    ['v=spf1-all', false],
    ['google-site-verification=abc', false],
  ])('%s → %s', (text, expected) => {
    expect(isSpfRecord(text)).toBe(expected)
  })
})

describe('parseSpfRecord', () => {
  it('reads qualifiers, mechanisms, modifiers and CIDR lengths', () => {
    const terms = parseSpfRecord(
      'v=spf1 a/24 mx:mail.example.com//64 ~ip4:192.0.2.0/24 include:_spf.example.com redirect=example.net -all',
    )
    expect(
      terms.map((t) => [t.qualifier, t.kind, t.name, t.value, t.invalid]),
    ).toEqual([
      ['+', 'mechanism', 'a', '', undefined],
      ['+', 'mechanism', 'mx', 'mail.example.com', undefined],
      ['~', 'mechanism', 'ip4', '192.0.2.0', undefined],
      ['+', 'mechanism', 'include', '_spf.example.com', undefined],
      ['+', 'modifier', 'redirect', 'example.net', undefined],
      ['-', 'mechanism', 'all', '', undefined],
    ])
  })

  it.each([
    ['v=spf1 foo:bar', '"foo" is not a mechanism'],
    ['v=spf1 include', 'include needs a domain'],
    ['v=spf1 redirect=', 'redirect needs a domain'],
    ['v=spf1 -all:x', 'all takes no value'],
    ['v=spf1 ip4:example.com', '"example.com" is not an IPv4 address'],
    ['v=spf1 ip6:192.0.2.1', '"192.0.2.1" is not an IPv6 address'],
    ['v=spf1 exists:%{z}.example.com', 'the macro "%{z}" is malformed'],
  ])('flags %s', (record, problem) => {
    expect(parseSpfRecord(record)[0]!.invalid).toBe(problem)
  })
})

describe('macroProblem', () => {
  it.each([
    'example.com',
    '%{i}.%{d}',
    '%{ir}.%{v}._spf.%{d2}',
    '%{l-}.%%.%_.%-.example.com',
    '%{S}.example.com',
  ])('accepts %s', (spec) => {
    expect(macroProblem(spec)).toBeUndefined()
  })

  it.each([
    ['%{ir.example.com', 'the macro "%{ir.example.com" is malformed'],
    ['%{c}.example.com', 'the macro "%{c}" is malformed'],
    ['%{}.example.com', 'the macro "%{}" is malformed'],
    ['%x.example.com', 'the macro "%x" is malformed'],
    ['example.com%', 'the macro "%" is malformed'],
  ])('rejects %s', (spec, problem) => {
    expect(macroProblem(spec)).toBe(problem)
  })
})
