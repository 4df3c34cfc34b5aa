import { checkInfo } from '../../shared/catalogue'
import type { CertificateInfo, TlsReport } from '../net/tls'
import type { Check, Verdict } from './check'
import { certificateEvidence, handshakeEvidence, tlsCheck } from './tls-probe'

const info = checkInfo('tls.key')!

/** PRODUCT.md: RSA keys of at least 2048 bits, EC keys of at least 256. */
export const MIN_RSA_BITS = 2048
export const MIN_EC_BITS = 256

/** Bits of the named curves certificates use. */
const CURVE_BITS: Readonly<Record<string, number>> = {
  prime256v1: 256,
  secp384r1: 384,
  secp521r1: 521,
  secp224r1: 224,
  secp192r1: 192,
  prime192v1: 192,
}

/** Why a certificate's key is too weak, or undefined. */
export function weakKey(cert: CertificateInfo): string | undefined {
  if (cert.keyType === 'rsa' && (cert.keyBits ?? 0) < MIN_RSA_BITS) {
    return `an RSA key of ${cert.keyBits} bits (at least ${MIN_RSA_BITS} needed)`
  }
  if (cert.keyType === 'ec') {
    const bits = CURVE_BITS[cert.curve ?? ''] ?? 0
    if (bits < MIN_EC_BITS)
      return `an EC key on ${cert.curve ?? 'an unknown curve'} (at least ${MIN_EC_BITS} bits needed)`
  }
  return undefined
}

/** True for a SHA-1 based signature algorithm. */
export function isSha1(algorithm: string | undefined): boolean {
  return /sha1|sha-1/i.test(algorithm ?? '')
}

/**
 * tls.key: the served certificate has a strong key, and no certificate
 * of the chain below the root is signed with SHA-1. (A root's own
 * signature is never checked by browsers, so it does not count.)
 */
export const tlsKey: Check = tlsCheck(info, judge)

function judge(host: string, report: TlsReport): Verdict {
  const leaf = report.chain[0]
  const evidence = {
    ...handshakeEvidence(report),
    ...(leaf ? { certificate: certificateEvidence(leaf) } : {}),
    signatures: report.chain.map(
      (c) => `${c.subject}: ${c.signatureAlgorithm ?? 'unknown'}`,
    ),
  }
  const problems = [
    ...(leaf && weakKey(leaf) ? [`the certificate has ${weakKey(leaf)}`] : []),
    ...report.chain
      .filter((c) => !c.selfSigned && isSha1(c.signatureAlgorithm))
      .map((c) => `${c.subject} is signed with ${c.signatureAlgorithm}`),
  ]
  if (problems.length > 0) {
    return {
      status: 'fail',
      severity: 'high',
      title: `${host} uses a weak ${leaf && weakKey(leaf) ? 'key' : 'signature'}`,
      detail: `${problems.join('; ')}. Browsers refuse such certificates and they can be forged.`,
      evidence,
      fix:
        "Issue a new certificate with a strong key: ECDSA P-256 or RSA 2048+, signed with SHA-256. With Let's Encrypt:\n" +
        `  certbot certonly --key-type ecdsa --elliptic-curve secp256r1 -d ${host}`,
    }
  }
  const key = leaf?.keyBits
    ? `${leaf.keyType.toUpperCase()} ${leaf.keyBits} bits`
    : `${leaf?.keyType.toUpperCase()} ${leaf?.curve}`
  return {
    status: 'pass',
    severity: 'info',
    title: `${host} uses a strong key (${key})`,
    detail: `Signed with ${leaf?.signatureAlgorithm ?? 'an unknown algorithm'}.`,
    evidence,
  }
}
