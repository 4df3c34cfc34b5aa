import { describe, expect, it } from 'vitest'
import { compareFindings, failsAt } from '../../src/shared/finding'
import { sampleFinding } from '../support/sample-run'

describe('findings', () => {
  it('sorts the risk list: failures by severity, then errors, warnings, passes', () => {
    const list = [
      sampleFinding({ status: 'pass', target: 'p' }),
      sampleFinding({ status: 'warn', severity: 'high', target: 'w' }),
      sampleFinding({ status: 'fail', severity: 'medium', target: 'fm' }),
      sampleFinding({ status: 'error', severity: 'high', target: 'e' }),
      sampleFinding({ status: 'fail', severity: 'blocker', target: 'fb' }),
    ]
    expect([...list].sort(compareFindings).map((f) => f.target)).toEqual([
      'fb',
      'fm',
      'e',
      'w',
      'p',
    ])
  })

  it('fails at a threshold for failures and undecided checks only', () => {
    const high = { severity: 'high' } as const
    expect(failsAt(sampleFinding({ status: 'fail', ...high }), 'high')).toBe(
      true,
    )
    expect(failsAt(sampleFinding({ status: 'fail', ...high }), 'blocker')).toBe(
      false,
    )
    expect(failsAt(sampleFinding({ status: 'error', ...high }), 'medium')).toBe(
      true,
    )
    expect(failsAt(sampleFinding({ status: 'warn', ...high }), 'info')).toBe(
      false,
    )
  })
})
