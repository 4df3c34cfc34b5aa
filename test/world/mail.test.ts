import { createPublicKey } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { dmarc, spf } from 'mailauth'
import nodemailer from 'nodemailer'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { WorkspaceSchema } from '../../src/shared/workspace'
import { startTestWorld } from './harness'
import { dig, digFlags, listenFor, request, resolverAt } from './probes'
import { mailauthResolver } from './smtp'
import { ehloKeywords, SmtpConversation } from './smtp-probes'
import {
  BIG_TXT_BYTES,
  BROKEN_MAIL_ZONES,
  BULK_MAILER_DOMAIN,
  MAILER_SPF,
  mailControl,
  MTA_STS_ID,
  MTA_STS_PATH,
  MTA_STS_POLICY,
  REPORTS_DOMAIN,
  SMTP_USERNAME,
  SPF_DEEP_LEVELS,
  TEST_RECIPIENT,
  type World,
  type WorldMailHost,
} from './world'

describe('the test world’s mail', () => {
  let world: World
  let ca: string

  beforeAll(async () => {
    ;({ world, ca } = await startTestWorld())
  }, 30_000)
  afterAll(() => world?.stop())

  const ns1 = () => resolverAt(world.nameservers[0]!.endpoint)
  const ns2 = () => resolverAt(world.nameservers[1]!.endpoint)
  /** Each TXT record at `name`, its strings joined (RFC 7208 3.3). */
  const txt = async (name: string) =>
    (await ns1().resolveTxt(name)).map((strings) => strings.join(''))
  const spfOf = async (name: string) =>
    (await txt(name)).filter((t) => t.startsWith('v=spf1'))
  const mailHost = (name: string): WorldMailHost => {
    const found = world.mail.hosts.find((h) => h.name === name)
    if (!found) throw new Error(`the world has no mail host ${name}`)
    return found
  }
  const shopKey = async () => keyOf((await txt('s1._domainkey.shop.test'))[0]!)
  const resolver = () => mailauthResolver(ns1())
  /** MX records as [exchange, priority]. */
  const mxOf = async (domain: string) =>
    (await ns1().resolveMx(domain)).map((r) => [r.exchange, r.priority])

  describe('shop.test, done right', () => {
    it('has one MX, mx.shop.test, at the receiver’s address', async () => {
      expect(await mxOf('shop.test')).toEqual([['mx.shop.test', 10]])
      expect(await ns1().resolve4('mx.shop.test')).toEqual([
        mailHost('mx.shop.test').address,
      ])
      expect(mailHost('mx.shop.test').port).toBe(world.smtpPort)
    })

    it('publishes one SPF record, whose include allows the world’s block', async () => {
      expect(await spfOf('shop.test')).toEqual([
        'v=spf1 include:_spf.mailer.test -all',
      ])
      expect(await txt(MAILER_SPF)).toEqual([
        `v=spf1 ip4:127.0.${world.net}.0/24 ip4:192.0.2.0/24 -all`,
      ])
    })

    it('publishes the s1 key: 2048-bit RSA, in strings of at most 255 bytes', async () => {
      const [strings] = await ns1().resolveTxt('s1._domainkey.shop.test')
      expect(strings!.length).toBeGreaterThan(1)
      for (const s of strings!) expect(s.length).toBeLessThanOrEqual(255)
      const record = strings!.join('')
      expect(record).toMatch(/^v=DKIM1; k=rsa; p=[A-Za-z0-9+/]+=*$/)
      expect(rsaBits(keyOf(record))).toBe(2048)
    })

    it('publishes DMARC at quarantine, reporting to a destination that authorizes it', async () => {
      expect(await txt('_dmarc.shop.test')).toEqual([
        'v=DMARC1; p=quarantine; sp=quarantine; pct=100; adkim=s; aspf=r; ' +
          `rua=mailto:dmarc@${REPORTS_DOMAIN}`,
      ])
      // RFC 7489 section 7.1: the external destination says yes.
      expect(await txt(`shop.test._report._dmarc.${REPORTS_DOMAIN}`)).toEqual([
        'v=DMARC1',
      ])
    })

    it('publishes MTA-STS and TLS-RPT records', async () => {
      expect(await txt('_mta-sts.shop.test')).toEqual([
        `v=STSv1; id=${MTA_STS_ID}`,
      ])
      expect(await txt('_smtp._tls.shop.test')).toEqual([
        'v=TLSRPTv1; rua=mailto:tls-reports@shop.test',
      ])
    })

    it('serves the MTA-STS policy over HTTPS with a certificate the world CA vouches for', async () => {
      const host = mailHost('mta-sts.shop.test')
      expect(await ns1().resolve4(host.name)).toEqual([host.address])
      const url = `https://${host.name}:${world.httpsPort}${MTA_STS_PATH}`
      const policy = await request({ address: host.address, url, ca })
      expect(policy.status).toBe(200)
      expect(policy.headers['content-type']).toMatch(/^text\/plain\b/)
      expect(policy.body).toBe(MTA_STS_POLICY)
      expect(policy.body).toBe(
        'version: STSv1\nmode: enforce\nmx: mx.shop.test\nmax_age: 604800\n',
      )
      const plain = await request({
        address: host.address,
        url: `http://${host.name}:${world.httpPort}/`,
        ca,
      })
      expect(plain.status).toBe(301)
    })

    it('passes SPF and DMARC when mailauth evaluates them for real', async () => {
      const sender = mailHost('smtp.shop.test').address
      const judged = (ip: string) =>
        spf({
          sender: SMTP_USERNAME,
          ip,
          helo: 'smtp.shop.test',
          resolver: resolver(),
        })
      expect((await judged(sender)).status.result).toBe('pass')
      expect((await judged('203.0.113.9')).status.result).toBe('fail')
      const verdict = await dmarc({
        headerFrom: SMTP_USERNAME,
        spfDomains: ['shop.test'],
        resolver: resolver(),
      })
      expect(verdict && verdict.status.result).toBe('pass')
    })
  })

  describe('its zones', () => {
    const zones = () => [
      'mailer.test',
      BULK_MAILER_DOMAIN,
      ...BROKEN_MAIL_ZONES,
    ]

    it('are served by both servers with the same serial and NS set', async () => {
      for (const zone of zones()) {
        const [a, b] = await Promise.all([
          ns1().resolveSoa(zone),
          ns2().resolveSoa(zone),
        ])
        expect(b.serial, zone).toBe(a.serial)
        expect((await ns2().resolveNs(zone)).sort(), zone).toEqual([
          'ns1.shop.test',
          'ns2.shop.test',
        ])
      }
    })

    it('give ns2 the same mail records as ns1', async () => {
      for (const name of ['shop.test', 'spf-long.test', '_dmarc.shop.test']) {
        expect(await ns2().resolveTxt(name), name).toEqual(
          await ns1().resolveTxt(name),
        )
      }
    })
  })

  describe('SMTP', () => {
    const open = (host: WorldMailHost) =>
      SmtpConversation.open(host.address, host.port)

    it('mx.shop.test greets, offers STARTTLS and shows a certificate for its name', async () => {
      const mx = await open(mailHost('mx.shop.test'))
      try {
        expect(await mx.reply()).toMatch(/^220 mx\.shop\.test ESMTP/)
        const ehlo = await mx.command('EHLO probe.test')
        expect(ehloKeywords(ehlo)).toContain('STARTTLS')
        expect(ehloKeywords(ehlo)).not.toContain('AUTH')
        expect(await mx.command('STARTTLS')).toMatch(/^220 /)
        const secure = await mx.startTls('mx.shop.test', ca)
        expect(secure.authorized).toBe(true)
        expect(secure.getPeerCertificate().subjectaltname).toBe(
          'DNS:mx.shop.test',
        )
        expect(await mx.command('EHLO probe.test')).toMatch(/^250-/)
      } finally {
        mx.close()
      }
    })

    it('smtp.shop.test offers AUTH PLAIN and LOGIN only after STARTTLS', async () => {
      const submission = mailHost('smtp.shop.test')
      expect(await ns1().resolve4(submission.name)).toEqual([
        submission.address,
      ])
      expect(submission.port).toBe(world.submissionPort)
      const smtp = await open(submission)
      try {
        expect(await smtp.reply()).toMatch(/^220 smtp\.shop\.test /)
        const before = await smtp.command('EHLO probe.test')
        expect(ehloKeywords(before)).toContain('STARTTLS')
        expect(ehloKeywords(before)).not.toContain('AUTH')
        expect(await smtp.command('AUTH PLAIN AGFiAGM=')).toMatch(/^5\d\d /)
        expect(await smtp.command('STARTTLS')).toMatch(/^220 /)
        expect((await smtp.startTls('smtp.shop.test', ca)).authorized).toBe(
          true,
        )
        const after = await smtp.command('EHLO probe.test')
        expect(after).toMatch(/^250-.*\r\n250-AUTH PLAIN LOGIN\r\n/s)
      } finally {
        smtp.close()
      }
    })

    it('mx.mx-plain.test takes mail but offers no STARTTLS', async () => {
      expect(await mxOf('mx-plain.test')).toEqual([['mx.mx-plain.test', 10]])
      const mx = await open(mailHost('mx.mx-plain.test'))
      try {
        expect(await mx.reply()).toMatch(/^220 mx\.mx-plain\.test ESMTP/)
        const ehlo = await mx.command('EHLO probe.test')
        expect(ehlo).toMatch(/^250-/)
        expect(ehloKeywords(ehlo)).not.toContain('STARTTLS')
        expect(await mx.command('STARTTLS')).toMatch(/^5\d\d /)
      } finally {
        mx.close()
      }
    })

    it('mx.mx-stall.test greets and then never answers EHLO', async () => {
      expect(await mxOf('mx-stall.test')).toEqual([['mx.mx-stall.test', 10]])
      const host = mailHost('mx.mx-stall.test')
      expect(await ns1().resolve4(host.name)).toEqual([host.address])
      const seen = await listenFor(
        host.address,
        host.port,
        'EHLO probe.test\r\n',
        600,
      )
      expect(seen).toEqual({
        connected: true,
        received: expect.stringMatching(
          /^220 mx\.mx-stall\.test ESMTP[^\n]*\r\n$/,
        ),
        ended: false,
      })
    })

    it('mx-dangling.test names an MX host that does not exist', async () => {
      expect(await mxOf('mx-dangling.test')).toEqual([
        ['mx.mx-dangling.test', 10],
      ])
      await expect(ns1().resolve4('mx.mx-dangling.test')).rejects.toMatchObject(
        {
          code: 'ENOTFOUND',
        },
      )
    })
  })

  describe('delivery', () => {
    beforeEach(() => world.mail.reset())

    /** A nodemailer transport to smtp.shop.test, as the app would set one up. */
    const submitter = (
      auth: { user: string; pass: string } | undefined,
      options: { ignoreTLS?: boolean } = {},
    ) => {
      const host = mailHost('smtp.shop.test')
      return nodemailer.createTransport({
        host: host.address,
        port: host.port,
        servername: host.name,
        requireTLS: !options.ignoreTLS,
        ignoreTLS: options.ignoreTLS,
        auth,
        tls: { ca },
        connectionTimeout: 3000,
      })
    }
    const account = () => ({ user: SMTP_USERNAME, pass: world.smtpPassword })
    const alert = (to = TEST_RECIPIENT) => ({
      from: `Shop alerts <${SMTP_USERNAME}>`,
      to,
      subject: 'Order SO-10400 needs attention',
      text: 'A refund is waiting for approval.',
    })

    it('signs and relays a submitted message, which arrives passing SPF, DKIM and DMARC', async () => {
      const sent = await submitter(account()).sendMail(alert())
      expect(sent.response).toMatch(/^250 /)
      const [mail, ...more] = world.mail.received()
      expect(more).toEqual([])
      expect(mail).toMatchObject({
        receivedBy: 'mx.shop.test',
        clientAddress: mailHost('smtp.shop.test').address,
        helo: 'smtp.shop.test',
        tls: true,
        mailFrom: SMTP_USERNAME,
        to: [TEST_RECIPIENT],
        from: SMTP_USERNAME,
        subject: 'Order SO-10400 needs attention',
        messageId: sent.messageId,
        spf: 'pass',
        dkim: 'pass',
        dmarc: 'pass',
      })
      expect(mail!.headers).toMatch(/^DKIM-Signature: v=1; a=rsa-sha256;/)
      expect(mail!.headers).toMatch(/ d=shop\.test;/)
      expect(mail!.headers).toMatch(/ s=s1;/)
      expect(mail!.authenticationResults).toContain('dmarc=pass')
    })

    it('shows the same mail over HTTP to another process, and empties it', async () => {
      await submitter(account()).sendMail(alert())
      const control = mailControl(world.mail.origin)
      expect(await control.received()).toEqual(world.mail.received())
      expect(await control.received()).toHaveLength(1)
      await control.reset()
      expect(await control.received()).toEqual([])
      expect(world.mail.received()).toEqual([])
    })

    it.each([
      ['a wrong password', { pass: 'wrong' }, {}, /^535 /],
      // AUTH is not even offered in the clear, so MAIL FROM gets 530.
      ['a client that skips STARTTLS', {}, { ignoreTLS: true }, /^530 /],
    ] as const)('refuses %s', async (_, change, options, response) => {
      const transport = submitter({ ...account(), ...change }, options)
      await expect(transport.sendMail(alert())).rejects.toMatchObject({
        response: expect.stringMatching(response),
      })
      expect(world.mail.received()).toEqual([])
    })

    it('refuses mail without AUTH, from another sender, or to a domain outside the world', async () => {
      const cases = [
        [submitter(undefined), alert(), /^530 /],
        [submitter(account()), { ...alert(), from: 'bob@shop.test' }, /^553 /],
        [submitter(account()), alert('ops@example.com'), /^550 /],
      ] as const
      for (const [transport, message, response] of cases) {
        await expect(transport.sendMail(message)).rejects.toMatchObject({
          response: expect.stringMatching(response),
        })
      }
      expect(world.mail.received()).toEqual([])
    })

    it('relays to the provider’s MX for the broken domains, and to mx-plain in the clear', async () => {
      await submitter(account()).sendMail(alert('ops@spf-plusall.test'))
      await submitter(account()).sendMail(alert('ops@mx-plain.test'))
      expect(
        world.mail.received().map((m) => [m.receivedBy, m.to, m.tls, m.dmarc]),
      ).toEqual([
        ['mx.mailer.test', ['ops@spf-plusall.test'], true, 'pass'],
        ['mx.mx-plain.test', ['ops@mx-plain.test'], false, 'pass'],
      ])
    })
  })

  describe('the broken domains', () => {
    /** mailauth's SPF verdict for a client at `ip` sending as the domain. */
    const spfVerdict = async (domain: string, ip: string) =>
      (
        await spf({
          sender: `alerts@${domain}`,
          ip,
          helo: 'client.test',
          resolver: resolver(),
        })
      ).status.result
    const STRANGER = '203.0.113.9'

    it('each give a workspace whose email section names the domain', async () => {
      for (const zone of BROKEN_MAIL_ZONES) {
        const file = await world.workspaceFor(zone)
        const workspace = WorkspaceSchema.parse(
          parse(await readFile(file, 'utf8')),
        )
        const domain = world.mail.domains.find((d) => d.zone === zone)!
        expect(workspace.domain, zone).toBe(zone)
        expect(workspace.email, zone).toEqual({
          domain: zone === 'dmarc-org.test' ? 'mail.dmarc-org.test' : zone,
          approvedSenders: domain.approvedSenders,
          dkimSelectors: ['s1'],
        })
        expect(workspace.network.smtpPort).toBe(world.smtpPort)
      }
    })

    it('each show one mistake: the rest of their records are sane', async () => {
      const sane = await shopKey()
      for (const zone of BROKEN_MAIL_ZONES) {
        const d = world.mail.domains.find((m) => m.zone === zone)!.domain
        if (!zone.startsWith('spf-')) {
          expect(await spfOf(d), zone).toEqual([
            'v=spf1 include:_spf.mailer.test -all',
          ])
        }
        if (!zone.startsWith('dmarc-')) {
          expect(await txt(`_dmarc.${d}`), zone).toEqual([
            `v=DMARC1; p=reject; rua=mailto:dmarc@${d}`,
          ])
        }
        if (!zone.startsWith('dkim-')) {
          expect(keyOf((await txt(`s1._domainkey.${d}`))[0]!), zone).toBe(sane)
        }
        if (!zone.startsWith('mx-')) {
          expect(await mxOf(d), zone).toEqual([['mx.mailer.test', 10]])
        }
        expect(await txt(`_smtp._tls.${d}`), zone).toEqual([
          `v=TLSRPTv1; rua=mailto:tls-reports@${d}`,
        ])
      }
    })

    describe('SPF', () => {
      it('spf-lookups.test needs 12 DNS-querying terms across its include tree', async () => {
        expect(await lookupTerms(txt, 'spf-lookups.test')).toBe(12)
        expect(await spfVerdict('spf-lookups.test', STRANGER)).toBe('permerror')
      })

      it('spf-void.test makes three void lookups: two NXDOMAIN, one NODATA', async () => {
        const [record] = await spfOf('spf-void.test')
        expect(record).toBe(
          'v=spf1 a:none-1.spf-void.test mx:none-2.spf-void.test ' +
            'a:txt-only.spf-void.test include:_spf.mailer.test -all',
        )
        const code = (lookup: Promise<unknown>) =>
          lookup.then(
            () => 'answered',
            (e: NodeJS.ErrnoException) => e.code,
          )
        expect([
          await code(ns1().resolve4('none-1.spf-void.test')),
          await code(ns1().resolveMx('none-2.spf-void.test')),
          await code(ns1().resolve4('txt-only.spf-void.test')),
        ]).toEqual(['ENOTFOUND', 'ENOTFOUND', 'ENODATA'])
        expect(await spfVerdict('spf-void.test', STRANGER)).toBe('permerror')
      })

      it.each([
        ['spf-plusall.test', 'v=spf1 include:_spf.mailer.test +all', 'pass'],
        ['spf-neutral.test', 'v=spf1 include:_spf.mailer.test ?all', 'neutral'],
        ['spf-noall.test', 'v=spf1 include:_spf.mailer.test', 'neutral'],
        [
          'spf-ptr.test',
          'v=spf1 include:_spf.mailer.test ptr:mailer.test -all',
          undefined,
        ],
        [
          'spf-macro.test',
          'v=spf1 include:_spf.mailer.test exists:%{z}.bad.spf-macro.test ' +
            'a:%{ir.spf-macro.test -all',
          'permerror',
        ],
      ] as const)('%s publishes %s', async (zone, record, stranger) => {
        expect(await spfOf(zone)).toEqual([record])
        if (stranger) {
          expect(await spfVerdict(zone, STRANGER)).toBe(stranger)
        }
      })

      it('spf-two.test publishes two SPF records', async () => {
        expect((await spfOf('spf-two.test')).sort()).toEqual([
          'v=spf1 include:_spf.mailer.test -all',
          'v=spf1 ip4:192.0.2.10 -all',
        ])
        expect(await spfVerdict('spf-two.test', STRANGER)).toBe('permerror')
      })

      it('spf-loop.test includes _b, which includes spf-loop.test', async () => {
        expect(await spfOf('spf-loop.test')).toEqual([
          'v=spf1 include:_b.spf-loop.test include:_spf.mailer.test -all',
        ])
        expect(await spfOf('_b.spf-loop.test')).toEqual([
          'v=spf1 include:spf-loop.test -all',
        ])
        expect(await spfVerdict('spf-loop.test', STRANGER)).toBe('permerror')
      })

      it(`spf-deep.test is a chain of ${SPF_DEEP_LEVELS} includes`, async () => {
        let name = 'spf-deep.test'
        const chain: string[] = []
        for (;;) {
          const [record] = await spfOf(name)
          const next = /include:(\S+)/.exec(record!)?.[1]
          if (!next) break
          chain.push(next)
          name = next
        }
        expect(chain).toHaveLength(SPF_DEEP_LEVELS)
        expect(chain.at(-1)).toBe(`_${SPF_DEEP_LEVELS}.spf-deep.test`)
        expect(await spfVerdict('spf-deep.test', STRANGER)).toBe('permerror')
      })

      it('spf-unapproved.test includes a provider its workspace does not approve', async () => {
        expect(await spfOf('spf-unapproved.test')).toEqual([
          'v=spf1 include:_spf.mailer.test include:_spf.bulk-mailer.test -all',
        ])
        const domain = world.mail.domains.find(
          (d) => d.zone === 'spf-unapproved.test',
        )!
        expect(domain.approvedSenders).toEqual([MAILER_SPF])
        expect(await spfVerdict('spf-unapproved.test', '198.51.100.7')).toBe(
          'pass',
        )
      })

      it(`spf-bigtxt.test has a ${BIG_TXT_BYTES}-byte TXT: truncated over UDP, whole over TCP`, async () => {
        const [address, port] = [world.nameservers[0]!.address, world.dnsPort]
        const name = 'spf-bigtxt.test'
        const udp = await dig(address, port, [name, 'TXT', '+notcp', '+ignore'])
        expect(digFlags(udp)).toContain('tc')
        const tcp = await dig(address, port, [name, 'TXT', '+tcp'])
        expect(digFlags(tcp)).not.toContain('tc')
        expect(tcp).toMatch(/ANSWER: 2,/)
        // node:dns (c-ares) retries over TCP by itself.
        const records = await txt(name)
        expect(records.map((r) => r.length).sort((a, b) => a - b)).toEqual([
          'v=spf1 include:_spf.mailer.test -all'.length,
          BIG_TXT_BYTES,
        ])
        const sender = mailHost('smtp.shop.test').address
        expect(await spfVerdict(name, sender)).toBe('pass')
      })

      it('spf-long.test is over 450 bytes, split into strings of at most 255', async () => {
        const [strings] = await ns1().resolveTxt('spf-long.test')
        const record = strings!.join('')
        expect(record.length).toBeGreaterThan(450)
        expect(strings!.map((s) => s.length)).toEqual([
          255,
          record.length - 255,
        ])
        expect(record).toMatch(/^v=spf1 include:_spf\.mailer\.test ip4:/)
        expect(await spfVerdict('spf-long.test', '192.0.2.8')).toBe('pass')
        expect(await spfVerdict('spf-long.test', STRANGER)).toBe('fail')
      })
    })

    describe('DMARC', () => {
      it('dmarc-missing.test has none', async () => {
        await expect(
          ns1().resolveTxt('_dmarc.dmarc-missing.test'),
        ).rejects.toMatchObject({ code: 'ENOTFOUND' })
      })

      it.each([
        [
          'dmarc-none.test',
          'v=DMARC1; p=none; rua=mailto:dmarc@dmarc-none.test',
        ],
        [
          'dmarc-bad.test',
          'v=DMARC1; p=reject; p=none; foo=bar; rua=mailto:dmarc@dmarc-bad.test',
        ],
        [
          'dmarc-ext.test',
          `v=DMARC1; p=reject; rua=mailto:dmarc@${REPORTS_DOMAIN}`,
        ],
      ])('%s publishes %s', async (zone, record) => {
        expect(await txt(`_dmarc.${zone}`)).toEqual([record])
      })

      it('dmarc-ext.test reports to a destination that never authorized it', async () => {
        await expect(
          ns1().resolveTxt(`dmarc-ext.test._report._dmarc.${REPORTS_DOMAIN}`),
        ).rejects.toMatchObject({ code: 'ENOTFOUND' })
      })

      it('mail.dmarc-org.test falls back to its organizational domain, sp=reject', async () => {
        await expect(
          ns1().resolveTxt('_dmarc.mail.dmarc-org.test'),
        ).rejects.toMatchObject({ code: 'ENOTFOUND' })
        expect(await txt('_dmarc.dmarc-org.test')).toEqual([
          'v=DMARC1; p=quarantine; sp=reject; rua=mailto:dmarc@dmarc-org.test',
        ])
        const verdict = await dmarc({
          headerFrom: 'alerts@mail.dmarc-org.test',
          spfDomains: [],
          resolver: resolver(),
        })
        // The record found is the organizational domain's; sp= applies.
        expect(verdict).toMatchObject({
          domain: 'dmarc-org.test',
          policy: 'reject',
          status: { result: 'fail' },
        })
      })
    })

    describe('DKIM', () => {
      it.each([
        ['dkim-bad.test', 'v=DKIM1; k=rsa; p=not*base64!'],
        ['dkim-revoked.test', 'v=DKIM1; k=rsa; p='],
      ])('%s publishes %s', async (zone, record) => {
        expect(await txt(`s1._domainkey.${zone}`)).toEqual([record])
      })

      it('dkim-testing.test publishes the good key with t=y', async () => {
        const [record] = await txt('s1._domainkey.dkim-testing.test')
        expect(record).toMatch(/^v=DKIM1; k=rsa; t=y; p=/)
        expect(keyOf(record!)).toBe(await shopKey())
      })

      it('dkim-weak.test publishes a 1024-bit RSA key', async () => {
        const [record] = await txt('s1._domainkey.dkim-weak.test')
        expect(rsaBits(keyOf(record!))).toBe(1024)
      })
    })

    describe('MTA-STS', () => {
      it('mta-sts-broken.test has the TXT record, but its policy host answers 404', async () => {
        expect(await txt('_mta-sts.mta-sts-broken.test')).toEqual([
          `v=STSv1; id=${MTA_STS_ID}`,
        ])
        const host = mailHost('mta-sts.mta-sts-broken.test')
        expect(await ns1().resolve4(host.name)).toEqual([host.address])
        const url = (path: string) =>
          `https://${host.name}:${world.httpsPort}${path}`
        const policy = await request({
          address: host.address,
          url: url(MTA_STS_PATH),
          ca,
        })
        expect(policy.status).toBe(404)
        const page = await request({ address: host.address, url: url('/'), ca })
        expect(page.status).toBe(200)
      })
    })
  })

  describe('workspaces', () => {
    it('give the main workspace the SMTP account, its password by reference', async () => {
      const workspace = WorkspaceSchema.parse(
        parse(await readFile(world.workspaceFile, 'utf8')),
      )
      expect(workspace.email).toEqual({
        domain: 'shop.test',
        approvedSenders: ['_spf.mailer.test'],
        dkimSelectors: ['s1'],
        smtp: {
          host: 'smtp.shop.test',
          port: world.submissionPort,
          security: 'starttls',
          username: 'alerts@shop.test',
          password: 'secret:smtp-password',
          from: 'alerts@shop.test',
        },
        testRecipient: 'ops@shop.test',
      })
      expect(workspace.network.smtpPort).toBe(world.smtpPort)
    })

    it('set network.smtpPort in every workspace, and hold the password nowhere', async () => {
      const files = await filesUnder(world.dir)
      const workspaces = files.filter((f) => f.endsWith('.launchready.yaml'))
      expect(workspaces.length).toBeGreaterThanOrEqual(4)
      for (const file of workspaces) {
        const workspace = WorkspaceSchema.parse(
          parse(await readFile(file, 'utf8')),
        )
        expect(workspace.network.smtpPort, file).toBe(world.smtpPort)
      }
      for (const file of files) {
        const text = await readFile(file, 'latin1')
        expect(text.includes(world.smtpPassword), file).toBe(false)
      }
    })
  })
})

/** The p= value of a DKIM key record. */
function keyOf(record: string): string {
  return /(?:^|;)\s*p=([^;]*)/.exec(record)?.[1]?.trim() ?? ''
}

function rsaBits(publicKey: string): number | undefined {
  const key = createPublicKey({
    key: Buffer.from(publicKey, 'base64'),
    format: 'der',
    type: 'spki',
  })
  return key.asymmetricKeyDetails?.modulusLength
}

/**
 * The DNS-querying terms (RFC 7208 section 4.6.4: include, a, mx, ptr,
 * exists, redirect) of `domain`'s SPF record and every record it
 * includes, counted the way the 10-lookup limit counts them.
 */
async function lookupTerms(
  txt: (name: string) => Promise<string[]>,
  domain: string,
): Promise<number> {
  const [record] = (await txt(domain)).filter((t) => t.startsWith('v=spf1'))
  const terms = record!.split(' ').slice(1)
  const querying = terms.filter((t) =>
    /^[+\-~?]?(include:|a\b|mx\b|ptr\b|exists:|redirect=)/.test(t),
  )
  const includes = terms.flatMap((t) => {
    const target = /^[+\-~?]?include:(.+)$/.exec(t)?.[1]
    return target ? [target] : []
  })
  const nested = await Promise.all(
    includes.map((target) => lookupTerms(txt, target)),
  )
  return querying.length + nested.reduce((sum, n) => sum + n, 0)
}

/** Every file under `dir`, recursively. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true })
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
}
