import { beforeAll, describe, expect, inject, it } from 'vitest'
import type { Finding } from '../../../src/shared/finding'
import { audit, provideSecret, type Audited } from '../../support/audit'
import { mailControl } from '../../world/mail-control'

/**
 * The Stage 5 checks other than SPF (email-spf.test.ts) on the world's
 * mail domains: the shop's good records, then one domain per mistake.
 */
const world = inject('world')
const checks = [
  'email.mx',
  'email.dkim',
  'email.dmarc',
  'email.mta-sts',
  'email.tls-rpt',
]
const audits = new Map<string, Audited>()

beforeAll(async () => {
  const zones = Object.keys(world.mail.workspaces)
  const done = await Promise.all(
    zones.map((zone) => audit(world.mail.workspaces[zone]!, checks)),
  )
  zones.forEach((zone, i) => audits.set(zone, done[i]!))
}, 180_000)

/** The one finding of `check` in the audit of `zone`'s workspace. */
function verdict(zone: string, check: string): Finding {
  const found = audits.get(zone)!.findings.filter((f) => f.check === check)
  expect(found, `one ${check} finding for ${zone}`).toHaveLength(1)
  return found[0]!
}

describe('the shop', () => {
  it.each(checks)('passes %s', (check) => {
    expect(verdict('shop.test', check)).toMatchObject({ status: 'pass' })
  })

  it('reads the DMARC policy and the MTA-STS mode it publishes', () => {
    expect(verdict('shop.test', 'email.dmarc').title).toMatch(/quarantine/)
    expect(verdict('shop.test', 'email.mta-sts').title).toMatch(/enforce/)
  })
})

describe('email.dmarc', () => {
  it('is a blocker when there is no record at all', () => {
    expect(verdict('dmarc-missing.test', 'email.dmarc')).toMatchObject({
      status: 'fail',
      severity: 'blocker',
    })
  })

  it('asks for the next step of the ramp after p=none', () => {
    const f = verdict('dmarc-none.test', 'email.dmarc')
    expect(f).toMatchObject({ status: 'warn', severity: 'medium' })
    expect(f.fix).toMatch(/p=quarantine/)
  })

  it('names a repeated tag and an unknown one', () => {
    const f = verdict('dmarc-bad.test', 'email.dmarc')
    expect(f).toMatchObject({ status: 'fail', severity: 'medium' })
    expect(f.detail).toMatch(/p is given more than once/)
    expect(f.detail).toMatch(/unknown tag foo/)
  })

  it('warns when a report destination has not agreed to take reports', () => {
    const f = verdict('dmarc-ext.test', 'email.dmarc')
    expect(f).toMatchObject({ status: 'warn', severity: 'medium' })
    expect(`${f.detail} ${f.fix}`).toMatch(/reports\.mailer\.test/)
  })

  it('falls back to the organizational domain for a subdomain', () => {
    const f = verdict('dmarc-org.test', 'email.dmarc')
    expect(f).toMatchObject({ status: 'pass', target: 'mail.dmarc-org.test' })
    expect(JSON.stringify(f)).toMatch(/_dmarc\.dmarc-org\.test/)
    expect(JSON.stringify(f)).toMatch(/sp=reject/)
  })
})

describe('email.dkim', () => {
  it('fails a key that is not base64', () => {
    const f = verdict('dkim-bad.test', 'email.dkim')
    expect(f).toMatchObject({ status: 'fail', severity: 'high' })
    expect(`${f.title} ${f.detail}`).toMatch(/base64/)
  })

  it('fails a revoked key', () => {
    const f = verdict('dkim-revoked.test', 'email.dkim')
    expect(f).toMatchObject({ status: 'fail', severity: 'high' })
    expect(`${f.title} ${f.detail}`).toMatch(/revoked/i)
  })

  it('warns about a key still in testing mode', () => {
    const f = verdict('dkim-testing.test', 'email.dkim')
    expect(f).toMatchObject({ status: 'warn', severity: 'medium' })
    expect(`${f.title} ${f.detail}`).toMatch(/t=y|testing/i)
  })

  it('measures the RSA key size from the key itself', () => {
    const f = verdict('dkim-weak.test', 'email.dkim')
    expect(f).toMatchObject({ status: 'warn', severity: 'low' })
    expect(`${f.title} ${f.detail}`).toMatch(/1024/)
  })
})

describe('email.mx', () => {
  it('gives up on a server that greets and stalls, within its timeout', () => {
    const f = verdict('mx-stall.test', 'email.mx')
    expect(f).toMatchObject({ status: 'fail', severity: 'high' })
    expect(f.detail).toMatch(/timed out after \d+ s waiting for the answer/)
  })

  it('notes a server that takes mail without STARTTLS', () => {
    const f = verdict('mx-plain.test', 'email.mx')
    expect(f).toMatchObject({ status: 'warn', severity: 'medium' })
    expect(`${f.title} ${f.detail}`).toMatch(/STARTTLS/)
  })

  it('fails an MX host that does not exist', () => {
    const f = verdict('mx-dangling.test', 'email.mx')
    expect(f).toMatchObject({ status: 'fail', severity: 'high' })
    expect(`${f.title} ${f.detail}`).toMatch(/NXDOMAIN|does not exist/)
  })
})

describe('email.mta-sts', () => {
  it('warns when the record points at a policy that is not there', () => {
    const f = verdict('mta-sts-broken.test', 'email.mta-sts')
    expect(f).toMatchObject({ status: 'warn', severity: 'low' })
    expect(f.detail).toMatch(/404/)
  })

  it('only informs a domain that publishes none', () => {
    expect(verdict('dkim-weak.test', 'email.mta-sts')).toMatchObject({
      status: 'warn',
      severity: 'info',
    })
  })
})

describe('email.test-send', () => {
  let sent: Finding

  beforeAll(async () => {
    provideSecret('smtp-password', world.mail.smtpPassword)
    const shop = await audit(world.mail.workspaces['shop.test']!, [
      'email.test-send',
    ])
    sent = shop.verdict('email.test-send', 'ops@shop.test')
  }, 60_000)

  it('sends a password reset and an order alert', () => {
    expect(sent.status).toBe('pass')
    expect(sent.evidence.sent).toHaveLength(2)
  })

  it('keeps each message as it went on the wire', () => {
    const messages = sent.evidence.messages as string[]
    expect(messages).toHaveLength(2)
    expect(messages[0]).toMatch(/^Subject: \[Test\] Reset your .* password$/m)
    expect(messages[1]).toMatch(/^Subject: \[Test\] New order SO-TEST/m)
    messages.forEach((m, i) => {
      const id = /^Message-ID: (<.+>)$/m.exec(m)?.[1]
      expect(id, 'a Message-ID header').toBeDefined()
      expect((sent.evidence.sent as string[])[i]).toContain(id)
    })
  })

  it('keeps the transcript without the password', () => {
    const transcript = (sent.evidence.transcript as string[]).join('\n')
    expect(transcript).toMatch(/AUTH/)
    expect(transcript).not.toContain(world.mail.smtpPassword)
    expect(transcript).not.toContain(
      Buffer.from(world.mail.smtpPassword).toString('base64'),
    )
  })

  it('arrives signed and aligned: SPF, DKIM and DMARC pass at the MX', async () => {
    const ids = (sent.evidence.messages as string[]).map(
      (m) => /^Message-ID: (<.+>)$/m.exec(m)![1],
    )
    const received = await mailControl(world.mail.origin).received()
    for (const id of ids) {
      const mail = received.find((r) => r.messageId === id)
      expect(mail, `the MX took ${id}`).toBeDefined()
      expect(mail).toMatchObject({
        spf: 'pass',
        dkim: 'pass',
        dmarc: 'pass',
        tls: true,
        to: ['ops@shop.test'],
      })
    }
  })
})
