import { txt, type DnsRecord } from './dns'
import { WORLD_DOMAIN } from './plan'

/**
 * The world's mail, as data: the shop's good records, a stand-in email
 * provider (mailer.test) whose servers send and receive for it, and one
 * domain for each mistake Stage 5 must catch — each a zone of its own,
 * otherwise sane, so it shows that one mistake. world.ts and mail.ts
 * turn this into zones, servers and workspaces.
 */

/** The stand-in email provider. */
export const MAILER_DOMAIN = 'mailer.test'
/** The provider's SPF include: its sending ranges. */
export const MAILER_SPF = `_spf.${MAILER_DOMAIN}`
/** The provider's inbound MX, which the broken domains use. */
export const MAILER_MX = `mx.${MAILER_DOMAIN}`
/** Where the provider takes DMARC aggregate reports for its customers. */
export const REPORTS_DOMAIN = `reports.${MAILER_DOMAIN}`
/** A second provider no workspace approves (spf-unapproved.test). */
export const BULK_MAILER_DOMAIN = 'bulk-mailer.test'
/** The DKIM selector every mail domain publishes its key under. */
export const DKIM_SELECTOR = 's1'
/** The MTA-STS policy id (RFC 8461 section 3.1). */
export const MTA_STS_ID = '20261201T000000'
/** Where an MTA-STS policy lives on its host (RFC 8461 section 3.2). */
export const MTA_STS_PATH = '/.well-known/mta-sts.txt'
/** shop.test's policy: its one MX, enforced for a week. */
export const MTA_STS_POLICY =
  'version: STSv1\nmode: enforce\nmx: mx.shop.test\nmax_age: 604800\n'
/** The submission account the shop's alerts go out through. */
export const SMTP_USERNAME = `alerts@${WORLD_DOMAIN}`
/** The keychain name workspaces give the SMTP password under. */
export const SMTP_PASSWORD_SECRET = 'smtp-password'
/** Where the main workspace's test messages go. */
export const TEST_RECIPIENT = `ops@${WORLD_DOMAIN}`
/** The size of spf-bigtxt.test's verification TXT record. */
export const BIG_TXT_BYTES = 4096
/** Include levels below spf-deep.test's own record. */
export const SPF_DEEP_LEVELS = 20

/** What answers on a mail host's address. */
export type MailHostKind =
  /** smtp-server on the MX port: STARTTLS, authenticates what arrives. */
  | 'mx'
  /** The same, without STARTTLS. */
  | 'mx-plain'
  /** Greets with 220, then never answers again. */
  | 'mx-stall'
  /** smtp-server on the submission port: AUTH, DKIM signing, relay. */
  | 'submission'
  /** nginx serving the MTA-STS policy over HTTPS. */
  | 'mta-sts'
  /** nginx answering 404 where the MTA-STS policy should be. */
  | 'mta-sts-missing'

/** One host of the world's mail. */
export interface MailHostPlan {
  readonly name: string
  readonly kind: MailHostKind
  readonly purpose: string
}

/**
 * The mail hosts, in address order (they count up from
 * SPECIAL_NUMBERS.mail): add new ones at the end.
 */
export const MAIL_HOSTS: readonly MailHostPlan[] = [
  {
    name: `mx.${WORLD_DOMAIN}`,
    kind: 'mx',
    purpose: "shop.test's MX: STARTTLS, checks SPF/DKIM/DMARC of what comes",
  },
  {
    name: `smtp.${WORLD_DOMAIN}`,
    kind: 'submission',
    purpose: 'the provider’s submission server: AUTH, DKIM s1, relays',
  },
  {
    name: `mta-sts.${WORLD_DOMAIN}`,
    kind: 'mta-sts',
    purpose: "serves shop.test's MTA-STS policy (mode enforce)",
  },
  {
    name: MAILER_MX,
    kind: 'mx',
    purpose: 'the provider’s inbound MX, for the broken mail domains',
  },
  {
    name: 'mx.mx-stall.test',
    kind: 'mx-stall',
    purpose: 'greets with 220 and never answers EHLO',
  },
  {
    name: 'mx.mx-plain.test',
    kind: 'mx-plain',
    purpose: 'takes mail but offers no STARTTLS',
  },
  {
    name: 'mta-sts.mta-sts-broken.test',
    kind: 'mta-sts-missing',
    purpose: 'answers 404 where the MTA-STS policy should be',
  },
]

/** The mail domains that each show one mistake, one zone each. */
export const BROKEN_MAIL_ZONES = [
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
  'dmarc-missing.test',
  'dmarc-none.test',
  'dmarc-bad.test',
  'dmarc-ext.test',
  'dmarc-org.test',
  'dkim-bad.test',
  'dkim-revoked.test',
  'dkim-testing.test',
  'dkim-weak.test',
  'mx-stall.test',
  'mx-plain.test',
  'mx-dangling.test',
  'mta-sts-broken.test',
] as const
export type BrokenMailZone = (typeof BROKEN_MAIL_ZONES)[number]

/** What the records are made from besides the plan. */
export interface MailContext {
  /** N of 127.0.N.0/24: the block the provider's SPF allows. */
  readonly net: number
  /** The address of a mail host of MAIL_HOSTS. */
  readonly addressOf: (host: string) => string
  /**
   * DKIM public keys, base64 DER SubjectPublicKeyInfo as p= takes them
   * (RFC 6376 section 3.6.1): the good 2048-bit key whose private half
   * the submission server signs with, and a 1024-bit one.
   */
  readonly dkim: { readonly rsa2048: string; readonly rsa1024: string }
}

/** One mail domain: its zone, its records, and what it is there to show. */
export interface MailDomainPlan {
  /** The zone its records live in; what `world.workspaceFor` takes. */
  readonly zone: string
  /** Its workspace's email.domain: the zone, but for dmarc-org.test. */
  readonly domain: string
  /** 'good' for shop.test; else the zone's first label, e.g. "spf-void". */
  readonly kind: string
  readonly purpose: string
  /** Its workspace's email.approvedSenders. */
  readonly approvedSenders: readonly string[]
  /** Every record of the domain, in whichever zone `zone` names. */
  records(context: MailContext): DnsRecord[]
}

/** The records of one mail domain, by what they are for. */
interface MailParts {
  /** MX values: "10 mx.mailer.test.". */
  readonly mx: readonly string[]
  /** TXT records at the domain itself: SPF, and any other. */
  readonly txt: readonly string[]
  /** At s1._domainkey (RFC 6376 section 3.6.2.1). */
  readonly dkim?: string
  /** At _dmarc (RFC 7489 section 6.1). */
  readonly dmarc?: string
  /** At _smtp._tls (RFC 8460 section 3). */
  readonly tlsRpt?: string
  /** At _mta-sts (RFC 8461 section 3.1). */
  readonly mtaSts?: string
  /** Anything else in the zone. */
  readonly extra: readonly DnsRecord[]
}

/** "v=spf1 TERMS ALL" (RFC 7208 section 4.5). */
function spf(terms: string, all = '-all'): string {
  return ['v=spf1', terms, all].filter(Boolean).join(' ')
}

/** The record every sane domain here has: the provider, and no one else. */
const PROVIDER_SPF = spf(`include:${MAILER_SPF}`)

function dkimKey(publicKey: string, tags = ''): string {
  return `v=DKIM1; k=rsa; ${tags}p=${publicKey}`
}

const at = (
  name: string,
  type: DnsRecord['type'],
  value: string,
): DnsRecord => ({ name, type, value })

const txtAt = (name: string, text: string) => at(name, 'TXT', txt(text))

/** The records `parts` make for `domain`. */
function recordsOf(domain: string, parts: MailParts): DnsRecord[] {
  const named = (prefix: string, text: string | undefined) =>
    text === undefined ? [] : [txtAt(`${prefix}.${domain}`, text)]
  return [
    ...parts.mx.map((mx) => at(domain, 'MX', mx)),
    ...parts.txt.map((text) => txtAt(domain, text)),
    ...named(`${DKIM_SELECTOR}._domainkey`, parts.dkim),
    ...named('_dmarc', parts.dmarc),
    ...named('_smtp._tls', parts.tlsRpt),
    ...named('_mta-sts', parts.mtaSts),
    ...parts.extra,
  ]
}

/**
 * What a domain with nothing wrong publishes: the provider's MX and SPF,
 * the good DKIM key, DMARC at reject with reports to itself (no
 * authorization needed, RFC 7489 section 7.1), and TLS-RPT. No MTA-STS:
 * its absence is only information, and a policy needs a host.
 */
function saneParts(domain: string, context: MailContext): MailParts {
  return {
    mx: [`10 ${MAILER_MX}.`],
    txt: [PROVIDER_SPF],
    dkim: dkimKey(context.dkim.rsa2048),
    dmarc: `v=DMARC1; p=reject; rua=mailto:dmarc@${domain}`,
    tlsRpt: `v=TLSRPTv1; rua=mailto:tls-reports@${domain}`,
    extra: [],
  }
}

/** How a broken domain departs from the sane records. */
interface BrokenPlan {
  readonly purpose: string
  /** The top-level includes, so only the domain's own point shows. */
  readonly approvedSenders?: readonly string[]
  /** email.domain, when it is not the zone itself. */
  readonly domain?: string
  change(parts: MailParts, domain: string, context: MailContext): MailParts
}

/** Four lookups by names that resolve (RFC 7208 section 4.6.4 counts them). */
const LOOKUP_TERMS = [
  `a:${MAILER_MX}`,
  `mx:${MAILER_DOMAIN}`,
  `a:mx.${WORLD_DOMAIN}`,
  `mx:${WORLD_DOMAIN}`,
].join(' ')

const BROKEN: Record<BrokenMailZone, BrokenPlan> = {
  'spf-lookups.test': {
    purpose:
      'SPF needs 12 DNS-querying terms across its include tree (limit 10)',
    approvedSenders: ['_a.spf-lookups.test', '_b.spf-lookups.test', MAILER_SPF],
    // RFC 7208 section 4.6.4. Every name resolves, so no lookup is void;
    // mx.mailer.test and friends are receivers, never a sender's address.
    change: (parts, d) => ({
      ...parts,
      txt: [spf(`include:_a.${d} include:_b.${d} include:${MAILER_SPF}`)],
      extra: [
        txtAt(`_a.${d}`, spf(`${LOOKUP_TERMS} a:mta-sts.${WORLD_DOMAIN}`)),
        txtAt(`_b.${d}`, spf(LOOKUP_TERMS)),
      ],
    }),
  },
  'spf-void.test': {
    purpose: 'SPF makes 3 void lookups (2 NXDOMAIN, 1 NODATA; limit 2)',
    approvedSenders: [MAILER_SPF],
    // RFC 7208 section 4.6.4: a void lookup is NXDOMAIN or an empty answer.
    change: (parts, d) => ({
      ...parts,
      txt: [
        spf(
          `a:none-1.${d} mx:none-2.${d} a:txt-only.${d} include:${MAILER_SPF}`,
        ),
      ],
      extra: [txtAt(`txt-only.${d}`, 'a name with no address')],
    }),
  },
  'spf-plusall.test': {
    purpose: 'SPF ends in +all: anyone may send as it',
    change: (parts) => ({
      ...parts,
      txt: [spf(`include:${MAILER_SPF}`, '+all')],
    }),
  },
  'spf-neutral.test': {
    purpose: 'SPF ends in ?all: says nothing about strangers',
    change: (parts) => ({
      ...parts,
      txt: [spf(`include:${MAILER_SPF}`, '?all')],
    }),
  },
  'spf-noall.test': {
    purpose: 'SPF has no all: strangers get neutral',
    change: (parts) => ({ ...parts, txt: [spf(`include:${MAILER_SPF}`, '')] }),
  },
  'spf-ptr.test': {
    purpose: 'SPF uses ptr (RFC 7208 section 5.5: do not)',
    change: (parts) => ({
      ...parts,
      txt: [spf(`include:${MAILER_SPF} ptr:${MAILER_DOMAIN}`)],
    }),
  },
  'spf-two.test': {
    purpose: 'two SPF records: a permerror (RFC 7208 section 4.5)',
    change: (parts) => ({
      ...parts,
      txt: [PROVIDER_SPF, spf('ip4:192.0.2.10')],
    }),
  },
  'spf-loop.test': {
    purpose: 'SPF includes _b, whose SPF includes the domain again',
    approvedSenders: ['_b.spf-loop.test', MAILER_SPF],
    change: (parts, d) => ({
      ...parts,
      txt: [spf(`include:_b.${d} include:${MAILER_SPF}`)],
      extra: [txtAt(`_b.${d}`, spf(`include:${d}`))],
    }),
  },
  'spf-deep.test': {
    purpose: `SPF includes _1, which includes _2, … down to _${SPF_DEEP_LEVELS}`,
    approvedSenders: ['_1.spf-deep.test'],
    change: (parts, d, context) => ({
      ...parts,
      txt: [spf(`include:_1.${d}`)],
      extra: deepChain(d, context),
    }),
  },
  'spf-unapproved.test': {
    purpose: `SPF includes ${BULK_MAILER_DOMAIN}, which is not approved`,
    approvedSenders: [MAILER_SPF],
    change: (parts) => ({
      ...parts,
      txt: [spf(`include:${MAILER_SPF} include:_spf.${BULK_MAILER_DOMAIN}`)],
    }),
  },
  'spf-bigtxt.test': {
    purpose: `a ${BIG_TXT_BYTES}-byte TXT beside SPF: UDP truncates, TCP works`,
    change: (parts) => ({ ...parts, txt: [...parts.txt, bigTxt()] }),
  },
  'spf-macro.test': {
    purpose: 'SPF has malformed macros: %{z} and an unclosed %{ir.',
    // RFC 7208 section 7.1: z is no macro letter; a macro ends with }.
    change: (parts, d) => ({
      ...parts,
      txt: [spf(`include:${MAILER_SPF} exists:%{z}.bad.${d} a:%{ir.${d}`)],
    }),
  },
  'spf-long.test': {
    purpose: 'a valid SPF record over 450 bytes, split across strings',
    change: (parts) => ({ ...parts, txt: [longSpf()] }),
  },
  'dmarc-missing.test': {
    purpose: 'no DMARC record at all',
    change: (parts) => ({ ...parts, dmarc: undefined }),
  },
  'dmarc-none.test': {
    purpose: 'DMARC p=none: monitoring only',
    change: (parts, d) => ({
      ...parts,
      dmarc: `v=DMARC1; p=none; rua=mailto:dmarc@${d}`,
    }),
  },
  'dmarc-bad.test': {
    purpose: 'DMARC repeats p= and has an unknown tag foo=',
    change: (parts, d) => ({
      ...parts,
      dmarc: `v=DMARC1; p=reject; p=none; foo=bar; rua=mailto:dmarc@${d}`,
    }),
  },
  'dmarc-ext.test': {
    purpose: `DMARC reports to ${REPORTS_DOMAIN}, which never authorized it`,
    // RFC 7489 section 7.1: dmarc-ext.test._report._dmarc.reports.mailer.test
    // would have to say "v=DMARC1"; it does not exist.
    change: (parts) => ({
      ...parts,
      dmarc: `v=DMARC1; p=reject; rua=mailto:dmarc@${REPORTS_DOMAIN}`,
    }),
  },
  'dmarc-org.test': {
    purpose:
      'mail.dmarc-org.test has no DMARC; the organizational domain has, sp=reject',
    domain: 'mail.dmarc-org.test',
    // RFC 7489 section 6.6.3: no record at the From domain, so the
    // organizational domain's applies, with sp= for its subdomains.
    change: (parts, _, context) => {
      const org = 'dmarc-org.test'
      return {
        ...parts,
        dmarc: undefined,
        extra: [
          txtAt(
            `_dmarc.${org}`,
            `v=DMARC1; p=quarantine; sp=reject; rua=mailto:dmarc@${org}`,
          ),
          ...recordsOf(org, { ...saneParts(org, context), dmarc: undefined }),
        ],
      }
    },
  },
  'dkim-bad.test': {
    purpose: 'DKIM s1 key is not base64',
    change: (parts) => ({ ...parts, dkim: 'v=DKIM1; k=rsa; p=not*base64!' }),
  },
  'dkim-revoked.test': {
    purpose: 'DKIM s1 key is revoked (empty p=, RFC 6376 section 3.6.1)',
    change: (parts) => ({ ...parts, dkim: 'v=DKIM1; k=rsa; p=' }),
  },
  'dkim-testing.test': {
    purpose: 'DKIM s1 key is in testing mode (t=y)',
    change: (parts, _, context) => ({
      ...parts,
      dkim: dkimKey(context.dkim.rsa2048, 't=y; '),
    }),
  },
  'dkim-weak.test': {
    purpose: 'DKIM s1 key is RSA 1024 (RFC 8301: 2048 recommended)',
    change: (parts, _, context) => ({
      ...parts,
      dkim: dkimKey(context.dkim.rsa1024),
    }),
  },
  'mx-stall.test': {
    purpose: 'its MX greets with 220 and never answers EHLO',
    change: (parts, _, context) => ownMx(parts, 'mx.mx-stall.test', context),
  },
  'mx-plain.test': {
    purpose: 'its MX takes mail but offers no STARTTLS',
    change: (parts, _, context) => ownMx(parts, 'mx.mx-plain.test', context),
  },
  'mx-dangling.test': {
    purpose: 'its MX host does not resolve (NXDOMAIN)',
    change: (parts, d) => ({ ...parts, mx: [`10 mx.${d}.`] }),
  },
  'mta-sts-broken.test': {
    purpose: 'MTA-STS TXT present, but the policy host answers 404',
    change: (parts, d, context) => ({
      ...parts,
      mtaSts: `v=STSv1; id=${MTA_STS_ID}`,
      extra: [at(`mta-sts.${d}`, 'A', context.addressOf(`mta-sts.${d}`))],
    }),
  },
}

/** _1 … _20 of spf-deep.test; the last names the provider's ranges. */
function deepChain(domain: string, context: MailContext): DnsRecord[] {
  return Array.from({ length: SPF_DEEP_LEVELS }, (_, i) => {
    const level = i + 1
    const next =
      level < SPF_DEEP_LEVELS
        ? `include:_${level + 1}.${domain}`
        : providerRanges(context)
    return txtAt(`_${level}.${domain}`, spf(next))
  })
}

/** The provider's sending ranges: the world's block and TEST-NET-1. */
function providerRanges(context: MailContext): string {
  return `ip4:127.0.${context.net}.0/24 ip4:192.0.2.0/24`
}

/**
 * A site-verification record of BIG_TXT_BYTES: with the SPF record
 * beside it, the TXT answer outgrows UDP (RFC 7208 section 3.4 asks to
 * keep it under 512 bytes), so a resolver must retry over TCP.
 */
function bigTxt(): string {
  const prefix = 'launch-ready-verification='
  const filler = '0123456789abcdef'.repeat(BIG_TXT_BYTES / 16)
  return prefix + filler.slice(prefix.length)
}

/**
 * A valid SPF record of about 500 bytes, over the 450 RFC 7208 section
 * 3.4 advises; txt() cuts it at 255 bytes, mid-term.
 */
function longSpf(): string {
  const ranges = Array.from({ length: 30 }, (_, i) => `ip4:192.0.2.${i * 8}`)
  return spf([`include:${MAILER_SPF}`, ...ranges].join(' '))
}

/** An MX of the domain's own, at one of the mail hosts. */
function ownMx(parts: MailParts, host: string, context: MailContext) {
  return {
    ...parts,
    mx: [`10 ${host}.`],
    extra: [at(host, 'A', context.addressOf(host))],
  }
}

function brokenDomain(zone: BrokenMailZone): MailDomainPlan {
  const plan = BROKEN[zone]
  const domain = plan.domain ?? zone
  return {
    zone,
    domain,
    kind: zone.replace(/\.test$/, ''),
    purpose: plan.purpose,
    approvedSenders: plan.approvedSenders ?? [MAILER_SPF],
    records: (context) =>
      recordsOf(
        domain,
        plan.change(saneParts(domain, context), domain, context),
      ),
  }
}

/**
 * shop.test: everything right. MX with STARTTLS, SPF for the provider,
 * DKIM s1 2048-bit, DMARC at quarantine with strict DKIM alignment and
 * reports to the provider (which authorizes them), MTA-STS in enforce
 * mode and TLS-RPT.
 */
export const SHOP_MAIL: MailDomainPlan = {
  zone: WORLD_DOMAIN,
  domain: WORLD_DOMAIN,
  kind: 'good',
  purpose: 'MX with STARTTLS, SPF -all, DKIM 2048, DMARC quarantine, MTA-STS',
  approvedSenders: [MAILER_SPF],
  records: (context) => {
    const hosts = MAIL_HOSTS.filter((h) => zoneOfMailHost(h) === WORLD_DOMAIN)
    return recordsOf(WORLD_DOMAIN, {
      mx: [`10 mx.${WORLD_DOMAIN}.`],
      txt: [PROVIDER_SPF],
      dkim: dkimKey(context.dkim.rsa2048),
      dmarc:
        'v=DMARC1; p=quarantine; sp=quarantine; pct=100; adkim=s; aspf=r; ' +
        `rua=mailto:dmarc@${REPORTS_DOMAIN}`,
      tlsRpt: `v=TLSRPTv1; rua=mailto:tls-reports@${WORLD_DOMAIN}`,
      mtaSts: `v=STSv1; id=${MTA_STS_ID}`,
      extra: hosts.map((h) => at(h.name, 'A', context.addressOf(h.name))),
    })
  },
}

/** Every mail domain: shop.test first, then the broken ones. */
export const MAIL_DOMAINS: readonly MailDomainPlan[] = [
  SHOP_MAIL,
  ...BROKEN_MAIL_ZONES.map(brokenDomain),
]

/** The mail domain whose zone or email domain is `name`. */
export function mailDomainOf(name: string): MailDomainPlan | undefined {
  const wanted = name.toLowerCase().replace(/\.$/, '')
  return MAIL_DOMAINS.find((d) => d.zone === wanted || d.domain === wanted)
}

/**
 * The provider's zone: its inbound MX, the SPF include with the world's
 * block in it, and the authorization for shop.test's DMARC reports
 * (RFC 7489 section 7.1) — for shop.test alone, never a wildcard.
 */
function mailerRecords(context: MailContext): DnsRecord[] {
  return [
    at(MAILER_DOMAIN, 'MX', `10 ${MAILER_MX}.`),
    txtAt(MAILER_DOMAIN, PROVIDER_SPF),
    txtAt(MAILER_SPF, spf(providerRanges(context))),
    at(MAILER_MX, 'A', context.addressOf(MAILER_MX)),
    at(REPORTS_DOMAIN, 'MX', `10 ${MAILER_MX}.`),
    txtAt(`${WORLD_DOMAIN}._report._dmarc.${REPORTS_DOMAIN}`, 'v=DMARC1'),
  ]
}

/** The unapproved provider: an SPF include of TEST-NET-2. */
function bulkMailerRecords(): DnsRecord[] {
  return [txtAt(`_spf.${BULK_MAILER_DOMAIN}`, spf('ip4:198.51.100.0/24'))]
}

/** A zone the mail plan adds, served the same by both servers. */
export interface MailZone {
  readonly origin: string
  readonly records: readonly DnsRecord[]
}

/**
 * The zones of the world's mail besides shop.test: the two providers and
 * every broken domain.
 */
export function mailZones(context: MailContext): MailZone[] {
  return [
    { origin: MAILER_DOMAIN, records: mailerRecords(context) },
    { origin: BULK_MAILER_DOMAIN, records: bulkMailerRecords() },
    ...BROKEN_MAIL_ZONES.map((zone) => ({
      origin: zone,
      records: brokenDomain(zone).records(context),
    })),
  ]
}

/** The zone a mail host's name lives in. */
export function zoneOfMailHost(host: MailHostPlan): string {
  const zones = [WORLD_DOMAIN, MAILER_DOMAIN, ...BROKEN_MAIL_ZONES]
  return zones.find((z) => host.name.endsWith(`.${z}`))!
}

/**
 * The domains whose MX names `host`, among `records`: whom a receiver
 * there takes mail for.
 */
export function domainsServedBy(
  host: string,
  records: readonly DnsRecord[],
): string[] {
  const target = `${host}.`
  return records
    .filter((r) => r.type === 'MX' && r.value.split(' ')[1] === target)
    .map((r) => r.name)
}
