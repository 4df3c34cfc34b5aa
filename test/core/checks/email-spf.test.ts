import { beforeAll, describe, expect, inject, it } from 'vitest'
import type { Finding } from '../../../src/shared/finding'
import {
  mailDomainOf,
  MAILER_SPF,
  SPF_DEEP_LEVELS,
} from '../../world/mail-plan'
import { audit, workspaceWith } from '../../support/audit'

const world = inject('world')

/**
 * A workspace for one of the world's mail domains: the main one's
 * network settings, the domain's email section as mail-plan.ts gives it.
 */
async function workspaceOf(zone: string): Promise<string> {
  const plan = mailDomainOf(zone)!
  return workspaceWith(world.workspaceFile, {
    domain: plan.zone,
    email: {
      domain: plan.domain,
      approvedSenders: [...plan.approvedSenders],
      dkimSelectors: ['s1'],
    },
  })
}

/** The one email.spf finding for a mail domain of the world. */
async function spfOf(zone: string): Promise<Finding> {
  const audited = await audit(await workspaceOf(zone), ['email.spf'])
  return audited.verdict('email.spf', mailDomainOf(zone)!.domain)
}

const ZONES = [
  'shop.test',
  'spf-lookups.test',
  'spf-void.test',
  'spf-plusall.test',
  'spf-neutral.test',
  'spf-noall.test',
  'spf-ptr.test',
  'spf-two.test',
  'spf-loop.test',
  'spf-deep.test',
  'spf-unapproved.test',
  'spf-bigtxt.test',
  'spf-macro.test',
  'spf-long.test',
] as const
const found = new Map<string, Finding>()
const timeMs = new Map<string, number>()

beforeAll(async () => {
  await Promise.all(
    ZONES.map(async (zone) => {
      const started = performance.now()
      found.set(zone, await spfOf(zone))
      timeMs.set(zone, performance.now() - started)
    }),
  )
}, 60_000)

const spf = (zone: (typeof ZONES)[number]) => found.get(zone)!

describe('email.spf', () => {
  it('passes the shop: one record, the approved provider, -all', () => {
    const f = spf('shop.test')
    expect(f).toMatchObject({ status: 'pass', severity: 'info' })
    expect(f.title).toBe('shop.test has one valid SPF record ending in -all')
    expect(f.evidence).toMatchObject({
      record: `shop.test TXT "v=spf1 include:${MAILER_SPF} -all"`,
      lookups: 1,
      voidLookups: 0,
      evaluation: 'A stranger at 203.0.113.1 gets fail',
    })
    expect(f.evidence['tree']).toEqual([
      'shop.test: 1 DNS lookups of 10, 0 void of 2',
      `include:${MAILER_SPF} — 1, total 1`,
      expect.stringMatching(
        /^· ip4:127\.0\.\d+\.0\/24 ip4:192\.0\.2\.0\/24 -all — 0$/,
      ),
      '-all — 0',
    ])
  })

  it('names the include that takes the tree past 10 lookups', () => {
    const f = spf('spf-lookups.test')
    expect(f).toMatchObject({ status: 'fail', severity: 'high' })
    expect(f.title).toBe(
      'include:_b.spf-lookups.test takes the SPF of spf-lookups.test past 10 DNS lookups',
    )
    expect(f.detail).toMatch(/takes 12 DNS-querying terms/)
    expect(f.evidence).toMatchObject({ lookups: 12, voidLookups: 0 })
    const tree = f.evidence['tree'] as string[]
    expect(tree).toContain(
      'include:_a.spf-lookups.test — 1 + 5 inside = 6, total 6',
    )
    expect(tree).toContain(
      'include:_b.spf-lookups.test — 1 + 4 inside = 5, total 11',
    )
    expect(tree.filter((l) => l.endsWith('← past the limit of 10'))).toEqual([
      '· mx:shop.test — 1, total 11, 1 mail host, their addresses not counted ← past the limit of 10',
    ])
    expect(f.evidence['evaluation']).toMatch(/permerror/)
    expect(f.fix).toMatch(/include:_a\.spf-lookups\.test alone costs 6/)
    expect(f.fix).toMatch(/These senders alone need 12 DNS lookups/)
  })

  it('fails three void lookups and marks each in the tree', () => {
    const f = spf('spf-void.test')
    expect(f).toMatchObject({ status: 'fail', severity: 'high' })
    expect(f.title).toBe('The SPF of spf-void.test makes 3 void lookups')
    expect(f.evidence).toMatchObject({ voidLookups: 3 })
    const tree = f.evidence['tree'] as string[]
    expect(tree).toContain(
      'a:none-1.spf-void.test — 1, total 1, void (NXDOMAIN), 1 of 2',
    )
    expect(tree).toContain(
      'a:txt-only.spf-void.test — 1, total 3, void (no records), 3 of 2',
    )
  })

  it('is a blocker when +all lets anyone send', () => {
    const f = spf('spf-plusall.test')
    expect(f).toMatchObject({ status: 'fail', severity: 'blocker' })
    expect(f.title).toBe('The SPF record of spf-plusall.test ends in +all')
    expect(f.evidence['evaluation']).toBe('A stranger at 203.0.113.1 gets pass')
    expect(f.fix).toMatch(
      new RegExp(
        `^ {2}spf-plusall\\.test\\. 3600 IN TXT "v=spf1 include:${MAILER_SPF.replace(/\./g, '\\.')} -all"$`,
        'm',
      ),
    )
  })

  it.each([
    ['spf-neutral.test', 'The SPF record of spf-neutral.test ends in ?all'],
    ['spf-noall.test', 'The SPF record of spf-noall.test has no all'],
  ] as const)('fails %s: strangers get neutral', (zone, title) => {
    const f = spf(zone)
    expect(f).toMatchObject({ status: 'fail', severity: 'medium', title })
    expect(f.evidence['evaluation']).toBe(
      'A stranger at 203.0.113.1 gets neutral',
    )
  })

  it('warns about ptr', () => {
    const f = spf('spf-ptr.test')
    expect(f).toMatchObject({ status: 'warn', severity: 'medium' })
    expect(f.title).toBe('The SPF record of spf-ptr.test uses ptr')
    expect(f.evidence['tree']).toContain(
      "ptr:mailer.test — 1, total 2, depends on the client's address; not looked up",
    )
  })

  it('fails two records, which receivers treat as permerror', () => {
    const f = spf('spf-two.test')
    expect(f).toMatchObject({ status: 'fail', severity: 'high' })
    expect(f.title).toBe('spf-two.test has 2 SPF records')
    expect(f.evidence['records']).toEqual([
      `spf-two.test TXT "v=spf1 include:${MAILER_SPF} -all"`,
      'spf-two.test TXT "v=spf1 ip4:192.0.2.10 -all"',
    ])
    expect(f.evidence['evaluation']).toMatch(/gets permerror/)
  })

  it('names an include that is not an approved sender', () => {
    const f = spf('spf-unapproved.test')
    expect(f).toMatchObject({ status: 'fail', severity: 'high' })
    expect(f.title).toBe(
      'The SPF of spf-unapproved.test includes _spf.bulk-mailer.test, which is not an approved sender',
    )
    expect(f.fix).toMatch(
      /^ {2}spf-unapproved\.test\. 3600 IN TXT "v=spf1 include:_spf\.mailer\.test -all"$/m,
    )
  })

  it('warns about a record over 450 bytes and says how it is split', () => {
    const f = spf('spf-long.test')
    expect(f).toMatchObject({ status: 'warn', severity: 'low' })
    expect(f.title).toMatch(/^The SPF record of spf-long\.test is \d+ bytes$/)
    expect(f.detail).toMatch(/published as 2 strings \(255 \+ \d+ bytes\)/)
    expect(f.evidence['strings']).toBe(2)
    expect(f.evidence['record']).toMatch(/^spf-long\.test TXT "[^"]{255}" "/)
  })

  describe('bad input', () => {
    it('stops an include loop and says where it turns back', () => {
      const f = spf('spf-loop.test')
      expect(f).toMatchObject({ status: 'fail', severity: 'high' })
      expect(f.title).toBe('The SPF includes of spf-loop.test form a loop')
      expect(f.detail).toMatch(
        /_b\.spf-loop\.test → include:spf-loop\.test leads back/,
      )
      expect(f.evidence['evaluation']).toMatch(
        /gets permerror \(Too many DNS requests\)/,
      )
    })

    it(`follows a ${SPF_DEEP_LEVELS}-deep include chain and names where it breaks`, () => {
      const f = spf('spf-deep.test')
      expect(f).toMatchObject({ status: 'fail', severity: 'high' })
      expect(f.title).toBe(
        'include:_1.spf-deep.test takes the SPF of spf-deep.test past 10 DNS lookups',
      )
      expect(f.evidence['lookups']).toBe(SPF_DEEP_LEVELS)
      expect(f.evidence['tree']).toContain(
        `${'· '.repeat(10)}include:_11.spf-deep.test — 1 + 9 inside = 10, total 20 ← past the limit of 10`,
      )
    })

    it('reads SPF beside a 4 KB TXT record, over TCP, and warns', () => {
      const f = spf('spf-bigtxt.test')
      expect(f).toMatchObject({ status: 'warn', severity: 'low' })
      expect(f.title).toBe(
        'The TXT records at spf-bigtxt.test outgrow a UDP answer',
      )
      expect(f.evidence['record']).toBe(
        `spf-bigtxt.test TXT "v=spf1 include:${MAILER_SPF} -all"`,
      )
    })

    it('fails malformed macros and names each', () => {
      const f = spf('spf-macro.test')
      expect(f).toMatchObject({ status: 'fail', severity: 'high' })
      expect(f.title).toBe('The SPF record of spf-macro.test is invalid')
      expect(f.detail).toMatch(/the macro "%\{z\}" is malformed/)
      expect(f.detail).toMatch(
        /the macro "%\{ir\.spf-macro\.test" is malformed/,
      )
      expect(f.evidence['evaluation']).toMatch(/gets permerror/)
    })

    it('answers each within a few seconds', () => {
      for (const [zone, ms] of timeMs) expect(ms, zone).toBeLessThan(10_000)
    })
  })
})
