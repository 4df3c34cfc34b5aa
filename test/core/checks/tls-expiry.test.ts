import { describe, expect, inject, it } from 'vitest'
import { tlsExpiry } from '../../../src/core/checks/tls-expiry'
import { tlsValid } from '../../../src/core/checks/tls-valid'
import { createNetwork } from '../../../src/core/net/network'
import { runAudit } from '../../../src/core/runner/run-checks'
import { loadWorkspace } from '../../../src/core/workspace/load'
import type { Check } from '../../../src/core/checks/check'

const world = inject('world')
const DAY = 86_400_000
const loaded = await loadWorkspace(world.workspaceFile)
const net = await createNetwork(loaded.workspace, loaded.file)

/** Reads the real certificate of `label` as if today were `now`. */
async function judgeAt(check: Check, label: string, now: Date) {
  const target = `${label}.${world.domain}`
  const result = await runAudit({
    workspace: { ...loaded.workspace, subdomains: [label] },
    net,
    now: () => now,
    checks: [{ ...check, targets: () => [target] }],
  })
  return result.findings[0]!
}

async function validTo(label: string) {
  const f = await judgeAt(tlsExpiry, label, new Date())
  return Date.parse((f.evidence['certificate'] as { validTo: string }).validTo)
}

describe('tls.expiry', () => {
  it.each([
    [30, 'pass', 'info'],
    [20, 'warn', 'high'],
    [8, 'warn', 'high'],
    [6, 'fail', 'blocker'],
    [0.5, 'fail', 'blocker'],
    [-1, 'fail', 'blocker'],
  ] as const)(
    'with %s days left says %s (%s)',
    async (daysLeft, status, severity) => {
      const end = await validTo('admin')
      const f = await judgeAt(
        tlsExpiry,
        'admin',
        new Date(end - daysLeft * DAY),
      )
      expect(f).toMatchObject({ status, severity })
    },
  )

  it('judges a 6-day certificate by the share of its life left', async () => {
    const end = await validTo('short-lived')
    const at = (fraction: number) => new Date(end - fraction * 6 * DAY)
    // 4 days left of 6 is fine for a short-lived certificate…
    expect(await judgeAt(tlsExpiry, 'short-lived', at(0.66))).toMatchObject({
      status: 'pass',
      evidence: { lifetimeDays: 6, lifetimeLeft: '66%' },
    })
    // …though fewer than 7 days would block a 90-day one.
    expect(await judgeAt(tlsExpiry, 'short-lived', at(0.25))).toMatchObject({
      status: 'warn',
    })
    const late = await judgeAt(tlsExpiry, 'short-lived', at(0.05))
    expect(late).toMatchObject({ status: 'fail', severity: 'blocker' })
    expect(late.detail).toMatch(/with 5% of its 6-day life left/)
  })
})

describe('tls.valid with the clock', () => {
  it('fails a certificate that is not valid yet', async () => {
    const f = await judgeAt(tlsValid, 'admin', new Date(Date.now() - 10 * DAY))
    expect(f).toMatchObject({ status: 'fail', severity: 'blocker' })
    expect(f.title).toBe(
      `The certificate of admin.${world.domain} is not valid yet`,
    )
  })
})
