import { describe, expect, it } from 'vitest'
import { formatScalar, humanizeKey } from '../../src/renderer/lib/evidence'
import {
  codeText,
  fixBlocks,
  fixSummary,
} from '../../src/renderer/lib/fix-text'
import {
  readiness,
  readinessText,
  riskHeadline,
  riskSummary,
} from '../../src/renderer/lib/risk'
import { sampleFinding } from '../support/sample-run'

describe('evidence labels', () => {
  it.each([
    ['daysLeft', 'Days left'],
    ['handshakeMs', 'Handshake (ms)'],
    ['p95Ms', 'P95 (ms)'],
    ['subjectAltNames', 'Names on the certificate'],
    ['contentLength', 'Content length'],
  ])('%s reads as %s', (key, label) => {
    expect(humanizeKey(key)).toBe(label)
  })

  it('keeps a message as sent line for line, and one-liners as text', () => {
    const message = 'From: a@shop.test\nSubject: Reset\n\nBody'
    expect(formatScalar(message)).toEqual({ kind: 'block', text: message })
    expect(formatScalar('v=spf1 -all')).toEqual({
      kind: 'text',
      text: 'v=spf1 -all',
    })
  })
})

describe('fix text', () => {
  it('splits prose from indented, copyable lines', () => {
    const fix =
      'Send this header:\n  Cache-Control: private, no-store\nThen deploy.'
    expect(fixBlocks(fix)).toEqual([
      { kind: 'text', lines: ['Send this header:'] },
      { kind: 'code', lines: ['  Cache-Control: private, no-store'] },
      { kind: 'text', lines: ['Then deploy.'] },
    ])
  })

  it('copies code without its common indentation', () => {
    expect(codeText(['  server {', '    listen 80;', '  }'])).toBe(
      'server {\n  listen 80;\n}',
    )
  })
})

describe('the risk list', () => {
  it('puts blockers first and counts the rest', () => {
    const summary = riskSummary([
      sampleFinding({ status: 'warn', severity: 'low', target: 'w' }),
      sampleFinding({ status: 'fail', severity: 'blocker', target: 'b' }),
      sampleFinding({ status: 'pass' }),
      sampleFinding({ status: 'error', severity: 'high', target: 'e' }),
    ])
    expect(summary.blockers.map((f) => f.target)).toEqual(['b'])
    expect(summary.others.map((f) => f.target)).toEqual(['e', 'w'])
    expect(summary.passed).toBe(1)
    expect(riskHeadline(summary)).toBe(
      '1 blocker stands between you and launch.',
    )
  })

  it('says so when nothing is left to fix', () => {
    expect(riskHeadline(riskSummary([sampleFinding()]))).toBe(
      'No blockers and nothing else to fix: every check passed.',
    )
  })
})

describe('the fix in one line', () => {
  it('takes the first sentence of prose, not the code', () => {
    const fix =
      'Renew the certificate now. Then automate it.\n  certbot renew\n'
    expect(fixSummary(fix)).toBe('Renew the certificate now.')
  })

  it('cuts a long sentence at a word', () => {
    const sentence = `Add ${'a record '.repeat(40)}now.`
    const summary = fixSummary(sentence, 60)
    expect(summary.length).toBeLessThanOrEqual(61)
    expect(summary.endsWith('…')).toBe(true)
    const kept = summary.slice(0, -1)
    expect(sentence.startsWith(`${kept} `)).toBe(true)
  })

  it('ends a line that introduced code as a sentence', () => {
    expect(
      fixSummary('Add a record that allows your CA, e.g.:\n  0 issue "x"'),
    ).toBe('Add a record that allows your CA, e.g.')
    expect(fixSummary('Publish this record:\n  v=spf1 -all')).toBe(
      'Publish this record.',
    )
  })

  it('gives nothing for a fix with no prose', () => {
    expect(fixSummary('  v=spf1 -all')).toBe('')
    expect(fixSummary(undefined)).toBe('')
  })
})

describe('readiness', () => {
  const f = sampleFinding
  it('counts a check clear only when none of its targets has a problem', () => {
    const r = readiness([
      f({ check: 'tls.expiry', target: 'a', status: 'pass' }),
      f({ check: 'tls.expiry', target: 'b', status: 'fail' }),
      f({ check: 'tls.valid', target: 'a', status: 'pass' }),
      f({ check: 'dns.caa', target: 'a', status: 'warn' }),
      f({ check: 'email.mx', target: 'a', status: 'skip' }),
    ])
    expect(r).toEqual({ clear: 1, checked: 3 })
    expect(readinessText(r)).toBe('1 of 3 checks clear (33 %)')
  })

  it('says when nothing has been checked', () => {
    expect(readinessText(readiness([]))).toBe('nothing checked yet')
  })
})
