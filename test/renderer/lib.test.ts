import { describe, expect, it } from 'vitest'
import { formatScalar, humanizeKey } from '../../src/renderer/lib/evidence'
import { codeText, fixBlocks } from '../../src/renderer/lib/fix-text'
import { riskHeadline, riskSummary } from '../../src/renderer/lib/risk'
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
