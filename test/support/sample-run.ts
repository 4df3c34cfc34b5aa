import type { Finding } from '../../src/shared/finding'
import type { AuditResult } from '../../src/core/runner/run-checks'

/** A plausible finding; `overrides` sets what a test cares about. */
export function sampleFinding(overrides: Partial<Finding> = {}): Finding {
  return {
    check: 'tls.expiry',
    stage: 2,
    status: 'pass',
    severity: 'info',
    target: 'shop.test',
    title: 'The certificate of shop.test expires in 60 day(s)',
    detail: 'More than 21 days of margin.',
    evidence: { daysLeft: 60, chain: ['CN=shop.test', 'CN=Test CA'] },
    fix: '',
    ...overrides,
  }
}

/** A finished audit with `count` findings, numbered by `seed`. */
export function sampleRun(seed: number, count: number): AuditResult {
  const start = new Date(Date.UTC(2026, 11, 1) + seed * 60_000)
  return {
    startedAt: start.toISOString(),
    finishedAt: new Date(start.getTime() + 1500).toISOString(),
    durationMs: 1500,
    outcome: 'completed',
    findings: Array.from({ length: count }, (_, i) =>
      sampleFinding({ target: `host-${i}.shop.test`, detail: `run ${seed}` }),
    ),
  }
}
