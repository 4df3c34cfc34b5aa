import { isSha1, weakKey } from '../src/core/checks/tls-key'
import type { CertificateInfo, TlsReport } from '../src/core/net/tls'
import type { Finding, JsonValue } from '../src/shared/finding'
import type { TestsslFinding, TestsslScan } from './testssl'

/**
 * Our verdicts and testssl.sh's on the same host, put into shared words
 * so they can be compared field by field: the fact each side found
 * ("chain incomplete", "88 days left") and whether it reports it as a
 * problem.
 */

/** What is compared, in the order the table shows it. */
export const FIELDS = [
  'trust',
  'hostname',
  'expiry',
  'protocols',
  'key',
  'signature',
] as const
export type Field = (typeof FIELDS)[number]

/** One side's verdict on one field. */
export interface Verdict {
  /** What it found, in words both sides share. */
  readonly fact: string
  /** Whether this side reports it as a problem. */
  readonly flagged: boolean
  /** The status or severity behind `flagged`, in that side's terms. */
  readonly judgement?: string
}

/** Both verdicts on one field of one host. */
export interface Comparison {
  readonly field: Field
  readonly ours: Verdict
  readonly testssl: Verdict
  readonly agree: boolean
}

/** What our engine saw of one host: its handshake and tls.* findings. */
export interface OurView {
  readonly report: TlsReport | Error
  readonly findings: readonly Finding[]
}

/** Compares every field of one host. */
export function compareHost(
  ours: OurView,
  scan: TestsslScan,
  now: Date,
): Comparison[] {
  return FIELDS.map((field) => {
    const mine = ourVerdict(field, ours, now)
    const theirs = testsslVerdict(field, scan, now)
    return { field, ours: mine, testssl: theirs, agree: agrees(mine, theirs) }
  })
}

/** "fact (judgement)", as a table cell. */
export function describeVerdict(verdict: Verdict): string {
  return verdict.judgement
    ? `${verdict.fact} (${verdict.judgement})`
    : verdict.fact
}

/**
 * Same fact and same flag. Days left may differ by one: the two sides
 * read the clock a few seconds apart and testssl drops the seconds of
 * notAfter.
 */
function agrees(a: Verdict, b: Verdict): boolean {
  if (a.flagged !== b.flagged) return false
  const days = (v: Verdict) => /^(-?\d+) days left$/.exec(v.fact)?.[1]
  const [da, db] = [days(a), days(b)]
  if (da !== undefined && db !== undefined) {
    return Math.abs(Number(da) - Number(db)) <= 1
  }
  return a.fact.toLowerCase() === b.fact.toLowerCase()
}

// ---- Launch Ready ---------------------------------------------------

const NO_HANDSHAKE: Verdict = { fact: 'no handshake', flagged: true }

function ourVerdict(field: Field, ours: OurView, now: Date): Verdict {
  const find = (check: string) => ours.findings.find((f) => f.check === check)
  const leaf = ours.report instanceof Error ? undefined : ours.report.chain[0]
  switch (field) {
    case 'trust':
      return ourTrust(find('tls.valid'), find('tls.chain'))
    case 'hostname':
      return ourHostname(find('tls.valid'))
    case 'expiry':
      return ourExpiry(find('tls.expiry'), find('tls.valid'), now)
    case 'protocols':
      return ourProtocols(find('tls.protocol'))
    case 'key':
      return leaf ? ourKey(leaf) : NO_HANDSHAKE
    case 'signature':
      return leaf ? ourSignature(leaf) : NO_HANDSHAKE
  }
}

/**
 * OpenSSL's verify codes (as Node names them) in shared words. The
 * grouping is tls.valid's own (trustProblem in tls-valid.ts).
 */
const OUR_TRUST: Readonly<Record<string, string>> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'chain incomplete',
  CERT_HAS_EXPIRED: 'expired',
  CERT_NOT_YET_VALID: 'not yet valid',
  SELF_SIGNED_CERT_IN_CHAIN: 'untrusted CA',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'untrusted CA',
  UNABLE_TO_GET_ISSUER_CERT: 'untrusted CA',
}

/**
 * tls.valid's evidence.trust ("trusted" or OpenSSL's code), and whether
 * tls.valid or tls.chain (which also looks at the intermediates' dates)
 * complains about the chain.
 */
function ourTrust(
  valid: Finding | undefined,
  chain: Finding | undefined,
): Verdict {
  const trust = text(valid?.evidence.trust)
  if (trust === undefined) return NO_HANDSHAKE
  const chainStatus = chain?.status ?? 'not run'
  const chainFlagged = chainStatus === 'warn' || chainStatus === 'fail'
  return {
    fact: trust === 'trusted' ? 'trusted' : (OUR_TRUST[trust] ?? trust),
    flagged: trust !== 'trusted' || chainFlagged,
    judgement: `tls.chain ${chainStatus}`,
  }
}

/** tls.valid's evidence.hostname: "matches" or Node's reason. */
function ourHostname(valid: Finding | undefined): Verdict {
  const hostname = text(valid?.evidence.hostname)
  if (hostname === undefined) return NO_HANDSHAKE
  return hostname === 'matches'
    ? { fact: 'matches', flagged: false }
    : { fact: 'mismatch', flagged: true }
}

/**
 * From the dates tls.expiry recorded. A certificate that is not valid
 * yet is tls.valid's to report (tls.expiry only counts days to the end),
 * so its judgement is tls.valid's.
 */
function ourExpiry(
  expiry: Finding | undefined,
  valid: Finding | undefined,
  now: Date,
): Verdict {
  const certificate = expiry?.evidence.certificate
  const from = text(field(certificate, 'validFrom'))
  const to = text(field(certificate, 'validTo'))
  if (!expiry || from === undefined || to === undefined) return NO_HANDSHAKE
  if (Date.parse(to) <= now.getTime()) {
    return { fact: 'expired', flagged: true, judgement: expiry.status }
  }
  if (Date.parse(from) > now.getTime()) {
    const status = valid?.status ?? 'not run'
    return { fact: 'not yet valid', flagged: true, judgement: status }
  }
  return {
    fact: `${expiry.evidence.daysLeft} days left`,
    flagged: expiry.status !== 'pass',
    judgement: expiry.status,
  }
}

/** tls.protocol's evidence.offered: version → "accepted" or "refused (…)". */
function ourProtocols(protocol: Finding | undefined): Verdict {
  const offered = protocol?.evidence.offered
  if (!protocol || !offered || typeof offered !== 'object') return NO_HANDSHAKE
  const accepted = Object.entries(offered)
    .filter(([, answer]) => answer === 'accepted')
    .map(([version]) => versionNumber(version))
  return {
    fact: accepted.join(' ') || 'none',
    flagged: protocol.status !== 'pass',
    judgement: protocol.status,
  }
}

/** Bits of the named curves tls.key knows; testssl counts EC keys so. */
const CURVE_BITS: Readonly<Record<string, number>> = {
  prime256v1: 256,
  secp384r1: 384,
  secp521r1: 521,
  secp224r1: 224,
}

/** The leaf's key, judged by tls.key's own rule (weakKey). */
function ourKey(leaf: CertificateInfo): Verdict {
  const bits = leaf.keyBits ?? CURVE_BITS[leaf.curve ?? '']
  const weak = weakKey(leaf) !== undefined
  return {
    fact: `${leaf.keyType.toUpperCase()} ${bits ?? leaf.curve} bits`,
    flagged: weak,
    judgement: weak ? 'weak' : 'strong',
  }
}

/** The leaf's signature hash, judged by tls.key's own rule (isSha1). */
function ourSignature(leaf: CertificateInfo): Verdict {
  const weak = isSha1(leaf.signatureAlgorithm)
  return {
    fact: hashOf(leaf.signatureAlgorithm ?? 'unknown'),
    flagged: weak,
    judgement: weak ? 'weak' : 'strong',
  }
}

// ---- testssl.sh -----------------------------------------------------

/** testssl severities that are not a complaint. */
const QUIET = new Set(['OK', 'INFO'])

function testsslVerdict(field: Field, scan: TestsslScan, now: Date): Verdict {
  if (scan.error) return { fact: 'no scan', flagged: true }
  const get = (id: string) => scan.findings.get(id)
  switch (field) {
    case 'trust':
      return testsslTrust(get('cert_chain_of_trust'))
    case 'hostname':
      return testsslHostname(get('cert_trust'))
    case 'expiry':
      return testsslExpiry(scan, now)
    case 'protocols':
      return testsslProtocols(scan)
    case 'key':
      return testsslKey(get('cert_keySize'))
    case 'signature':
      return testsslSignature(get('cert_signatureAlgorithm'))
  }
}

const MISSING: Verdict = { fact: 'not reported', flagged: false }

/**
 * cert_chain_of_trust: "passed." or "failed (<reason>)." with testssl's
 * wording of OpenSSL's verify codes (verify_retcode_helper in testssl).
 */
const TESTSSL_TRUST: readonly (readonly [RegExp, string])[] = [
  [/^passed/, 'trusted'],
  [/\(chain incomplete/, 'chain incomplete'],
  [/\(self signed\)/, 'self-signed'],
  [/\(self signed CA in chain\)|\(issuer cert missing\)/, 'untrusted CA'],
  [/\(expired\)/, 'expired'],
  [/\(not yet valid\)/, 'not yet valid'],
  [/^Some certificate trust checks failed/, 'untrusted by some stores'],
]

function testsslTrust(chain: TestsslFinding | undefined): Verdict {
  if (!chain) return MISSING
  const fact =
    TESTSSL_TRUST.find(([pattern]) => pattern.test(chain.finding))?.[1] ??
    chain.finding
  return {
    fact,
    flagged: !QUIET.has(chain.severity),
    judgement: chain.severity,
  }
}

/** cert_trust: "Ok via SAN (same w/o SNI)" or "certificate does not match…". */
function testsslHostname(trust: TestsslFinding | undefined): Verdict {
  if (!trust) return MISSING
  return /^Ok via/i.test(trust.finding)
    ? { fact: 'matches', flagged: false }
    : { fact: 'mismatch', flagged: true }
}

/**
 * cert_expirationStatus ("expired", "88 >= 60 days", "expires < 30 days
 * (4)") and cert_notBefore ("2026-12-13 18:27", UTC). testssl's status
 * assumes the start date has passed (a comment in its source says so);
 * a future start is flagged only by cert_chain_of_trust, so that is the
 * judgement shown for it.
 */
function testsslExpiry(scan: TestsslScan, now: Date): Verdict {
  const status = scan.findings.get('cert_expirationStatus')
  const notBefore = scan.findings.get('cert_notBefore')
  if (!status) return MISSING
  if (status.finding === 'expired') {
    return { fact: 'expired', flagged: true, judgement: status.severity }
  }
  if (notBefore && utcMinutes(notBefore.finding) > now.getTime()) {
    const chain = scan.findings.get('cert_chain_of_trust')
    const judgement = chain ? `chain ${chain.severity}` : 'not flagged'
    return {
      fact: 'not yet valid',
      flagged: chain?.severity !== 'OK',
      judgement,
    }
  }
  const days = /^(-?\d+) >=|\((-?\d+)\)$/.exec(status.finding)
  return {
    fact: days ? `${days[1] ?? days[2]} days left` : status.finding,
    flagged: !QUIET.has(status.severity),
    judgement: status.severity,
  }
}

const TESTSSL_PROTOCOLS = ['TLS1', 'TLS1_1', 'TLS1_2', 'TLS1_3'] as const

/** TLS1…TLS1_3: "offered (deprecated)", "not offered", "offered with final". */
function testsslProtocols(scan: TestsslScan): Verdict {
  const answers = TESTSSL_PROTOCOLS.map((id) => scan.findings.get(id))
  if (answers.some((a) => a === undefined)) return MISSING
  const offered = TESTSSL_PROTOCOLS.filter((_, i) =>
    /^offered/.test(answers[i]!.finding),
  ).map(versionNumber)
  const loud = answers.filter((a) => !QUIET.has(a!.severity))
  return {
    fact: offered.join(' ') || 'none',
    flagged: loud.length > 0,
    judgement: loud.map((a) => `${a!.id} ${a!.severity}`).join(', ') || 'OK',
  }
}

/** cert_keySize: "EC 256 bits", "RSA 1024 bits". */
function testsslKey(key: TestsslFinding | undefined): Verdict {
  if (!key) return MISSING
  return {
    fact: key.finding,
    flagged: !QUIET.has(key.severity),
    judgement: key.severity,
  }
}

/** cert_signatureAlgorithm: "ECDSA with SHA256", "SHA1 with RSA". */
function testsslSignature(signature: TestsslFinding | undefined): Verdict {
  if (!signature) return MISSING
  return {
    fact: hashOf(signature.finding),
    flagged: !QUIET.has(signature.severity),
    judgement: signature.severity,
  }
}

// ---- shared words ---------------------------------------------------

/** "1.0" for TLSv1 or TLS1, "1.3" for TLSv1.3 or TLS1_3. */
function versionNumber(version: string): string {
  const minor = /1[._](\d)$/.exec(version)?.[1] ?? '0'
  return `1.${minor}`
}

/** "SHA256" from "ecdsa-with-SHA256" or "ECDSA with SHA256". */
function hashOf(algorithm: string): string {
  const hash = /sha-?(1|224|256|384|512)(?!\d)/i.exec(algorithm)?.[1]
  return hash ? `SHA${hash}` : algorithm
}

/** testssl's "2026-12-13 18:27" (UTC) as ms since the epoch. */
function utcMinutes(date: string): number {
  return Date.parse(`${date.replace(' ', 'T')}:00Z`)
}

function text(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined
}

function field(value: JsonValue | undefined, key: string): JsonValue {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? ((value as Record<string, JsonValue>)[key] ?? null)
    : null
}
