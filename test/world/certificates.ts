// tsyringe, which @peculiar/x509 uses inside, needs a Reflect polyfill
// loaded before the library itself.
import 'reflect-metadata'
import { webcrypto } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as x509 from '@peculiar/x509'

/**
 * A throwaway PKI for the test world: a root CA, an intermediate it signs,
 * and leaf certificates the intermediate signs, each made fresh at
 * start-up so no key ever lives in the repository.
 */

x509.cryptoProvider.set(webcrypto)

// The project compiles without the DOM library; WebCrypto's types come
// from Node's own declarations.
type CryptoKey = webcrypto.CryptoKey
type CryptoKeyPair = webcrypto.CryptoKeyPair
type SigningAlgorithm = webcrypto.Algorithm | webcrypto.EcdsaParams

const DAY_MS = 86_400_000

export const ROOT_CA_NAME = 'Launch Ready Test Root CA'
export const INTERMEDIATE_CA_NAME = 'Launch Ready Test Intermediate CA'
/** A second issuing CA, signed by the same root, that expires in 5 days. */
export const EXPIRING_INTERMEDIATE_CA_NAME =
  'Launch Ready Test Intermediate CA 2 (expiring)'
/** Days the expiring intermediate has left when the PKI is made. */
export const EXPIRING_INTERMEDIATE_DAYS = 5
const ORGANIZATION = 'Launch Ready test world'

/** Key types the world can make; EC is the default because it is fast. */
export type KeyType = 'ec-p256' | 'rsa-2048' | 'rsa-1024'

/** Hashes a certificate signature can use. */
export type SignatureHash = 'SHA-256' | 'SHA-1'

/**
 * How a leaf certificate departs from a good one. Every field is
 * optional; an empty spec is a valid certificate for the host.
 */
export interface LeafSpec {
  /** DNS names in subjectAltName; the host itself when absent. */
  readonly names?: (host: string) => readonly string[]
  /** Validity window in days from now: [notBefore, notAfter]. */
  readonly validDays?: readonly [from: number, to: number]
  readonly key?: KeyType
  /** Hash of the signature on the certificate. */
  readonly hash?: SignatureHash
  /** The leaf signs itself instead of being signed by the intermediate. */
  readonly selfSigned?: boolean
  /** The server sends the leaf alone, without the intermediate. */
  readonly leafOnly?: boolean
  /** Signed by the second intermediate, which expires in a few days. */
  readonly byExpiringIntermediate?: boolean
}

/**
 * The certificate kinds the world can serve, one line each. A new kind
 * is a new line here; the edge and the tests pick it up by name.
 */
export const CERTIFICATE_KINDS = {
  valid: {},
  expired: { validDays: [-100, -10] },
  'wrong-host': { names: () => ['elsewhere.test'] },
  'self-signed': { selfSigned: true },
  'missing-intermediate': { leafOnly: true },
  'not-yet-valid': { validDays: [10, 100] },
  'short-lived': { validDays: [-1, 5] },
  'weak-key': { key: 'rsa-1024' },
  'sha1-signature': { hash: 'SHA-1' },
  'valid-rsa': { key: 'rsa-2048' },
  'expiring-intermediate': { byExpiringIntermediate: true },
} as const satisfies Record<string, LeafSpec>

export type CertificateKind = keyof typeof CERTIFICATE_KINDS

/** A leaf's default life: issued yesterday, 90 days like Let's Encrypt. */
const DEFAULT_VALID_DAYS = [-1, 89] as const

/** A certificate with its private key and the chain a server sends. */
export interface IssuedCertificate {
  readonly certificate: x509.X509Certificate
  readonly keys: CryptoKeyPair
  /** What a server sends, leaf first; the root is never included. */
  readonly served: readonly x509.X509Certificate[]
  /** The leaf, its intermediate when it has one (for fullchain.pem). */
  readonly fullchain: readonly x509.X509Certificate[]
  /**
   * True when OpenSSL at Debian's default security level refuses to load
   * it (a key under 2048 bits, a SHA-1 signature): a server that must
   * serve it lowers the level for that site alone.
   */
  readonly legacy: boolean
}

/** The root and intermediate CAs, and a way to issue leaves from them. */
export interface TestPki {
  readonly root: IssuedCertificate
  readonly intermediate: IssuedCertificate
  /** The second issuing CA, valid for EXPIRING_INTERMEDIATE_DAYS more. */
  readonly expiringIntermediate: IssuedCertificate
  /** Issues a leaf certificate of `kind` for `host`. */
  issue(host: string, kind: CertificateKind): Promise<IssuedCertificate>
}

export interface PkiOptions {
  /** The clock the validity windows count from. */
  readonly now?: Date
  /** Key type of the two CAs. */
  readonly caKey?: KeyType
}

/**
 * Makes a fresh root CA ("Launch Ready Test Root CA") and an intermediate
 * it signs. Leaves come from `issue`.
 */
export async function createTestPki(
  options: PkiOptions = {},
): Promise<TestPki> {
  const now = options.now ?? new Date()
  const caKey = options.caKey ?? 'ec-p256'
  const root = await createRoot(now, caKey)
  const [intermediate, expiringIntermediate] = await Promise.all([
    createIntermediate(root, now, caKey, INTERMEDIATE_CA_NAME, 1825),
    createIntermediate(
      root,
      now,
      caKey,
      EXPIRING_INTERMEDIATE_CA_NAME,
      EXPIRING_INTERMEDIATE_DAYS,
    ),
  ])
  return {
    root,
    intermediate,
    expiringIntermediate,
    issue: (host, kind) => {
      const spec: LeafSpec = CERTIFICATE_KINDS[kind]
      const issuer = spec.byExpiringIntermediate
        ? expiringIntermediate
        : intermediate
      return issueLeaf(issuer, host, spec, now)
    },
  }
}

async function createRoot(
  now: Date,
  keyType: KeyType,
): Promise<IssuedCertificate> {
  const keys = await generateKeys(keyType)
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    name: distinguishedName(ROOT_CA_NAME),
    keys,
    notBefore: daysFrom(now, -365),
    notAfter: daysFrom(now, 3650),
    signingAlgorithm: (await signer(keys.privateKey, 'SHA-256'))
      .signingAlgorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(CA_USAGES, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  })
  return {
    certificate,
    keys,
    served: [certificate],
    fullchain: [certificate],
    legacy: false,
  }
}

const CA_USAGES = x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign

async function createIntermediate(
  root: IssuedCertificate,
  now: Date,
  keyType: KeyType,
  name: string,
  daysLeft: number,
): Promise<IssuedCertificate> {
  const keys = await generateKeys(keyType)
  const certificate = await x509.X509CertificateGenerator.create({
    subject: distinguishedName(name),
    issuer: root.certificate.subject,
    publicKey: keys.publicKey,
    ...(await signer(root.keys.privateKey, 'SHA-256')),
    notBefore: daysFrom(now, -365),
    notAfter: daysFrom(now, daysLeft),
    extensions: [
      // pathLen 0: this CA signs leaves only, like a public issuing CA.
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(CA_USAGES, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(root.keys.publicKey),
    ],
  })
  return {
    certificate,
    keys,
    served: [certificate],
    fullchain: [certificate],
    legacy: false,
  }
}

async function issueLeaf(
  intermediate: IssuedCertificate,
  host: string,
  spec: LeafSpec,
  now: Date,
): Promise<IssuedCertificate> {
  const keyType = spec.key ?? 'ec-p256'
  const keys = await generateKeys(keyType)
  const issuer = spec.selfSigned ? keys : intermediate.keys
  const [from, to] = spec.validDays ?? DEFAULT_VALID_DAYS
  const subject = distinguishedName(host)
  const certificate = await x509.X509CertificateGenerator.create({
    subject,
    issuer: spec.selfSigned ? subject : intermediate.certificate.subject,
    publicKey: keys.publicKey,
    ...(await signer(issuer.privateKey, spec.hash ?? 'SHA-256')),
    notBefore: daysFrom(now, from),
    notAfter: daysFrom(now, to),
    extensions: await leafExtensions(host, spec, keyType, keys, issuer),
  })
  const fullchain = spec.selfSigned
    ? [certificate]
    : [certificate, intermediate.certificate]
  const served = spec.leafOnly ? [certificate] : fullchain
  const legacy = keyType === 'rsa-1024' || spec.hash === 'SHA-1'
  return { certificate, keys, served, fullchain, legacy }
}

async function leafExtensions(
  host: string,
  spec: LeafSpec,
  keyType: KeyType,
  keys: CryptoKeyPair,
  issuer: CryptoKeyPair,
): Promise<x509.Extension[]> {
  const names = spec.names?.(host) ?? [host]
  return [
    new x509.BasicConstraintsExtension(false, undefined, true),
    // A key usage without keyCertSign would stop OpenSSL's X509_check_issued
    // (and Node's checkIssued) from seeing a self-signed leaf as its own
    // issuer; `openssl req -x509`, which makes most of them, sets none.
    ...(spec.selfSigned
      ? []
      : [new x509.KeyUsagesExtension(leafUsages(keyType), true)]),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    new x509.SubjectAlternativeNameExtension(
      names.map((value) => ({ type: 'dns' as const, value })),
    ),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(issuer.publicKey),
  ]
}

/**
 * digitalSignature for the handshake; RSA adds keyEncipherment for RSA
 * key exchange (RFC 5280 §4.2.1.3).
 */
function leafUsages(keyType: KeyType): x509.KeyUsageFlags {
  const { digitalSignature, keyEncipherment } = x509.KeyUsageFlags
  return keyType === 'ec-p256'
    ? digitalSignature
    : digitalSignature | keyEncipherment
}

function distinguishedName(commonName: string): string {
  return `CN=${commonName}, O=${ORGANIZATION}`
}

function daysFrom(now: Date, days: number): Date {
  return new Date(now.getTime() + days * DAY_MS)
}

const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const

function rsaParams(
  bits: number,
  hash: SignatureHash,
): webcrypto.RsaHashedKeyGenParams {
  return {
    name: 'RSASSA-PKCS1-v1_5',
    modulusLength: bits,
    publicExponent: new Uint8Array([1, 0, 1]),
    hash,
  }
}

function generateKeys(type: KeyType): Promise<CryptoKeyPair> {
  const usages: webcrypto.KeyUsage[] = ['sign', 'verify']
  switch (type) {
    case 'ec-p256':
      return webcrypto.subtle.generateKey(EC_P256, true, usages)
    case 'rsa-2048':
      return webcrypto.subtle.generateKey(
        rsaParams(2048, 'SHA-256'),
        true,
        usages,
      )
    case 'rsa-1024':
      return webcrypto.subtle.generateKey(
        rsaParams(1024, 'SHA-256'),
        true,
        usages,
      )
  }
}

interface Signer {
  readonly signingKey: CryptoKey
  readonly signingAlgorithm: SigningAlgorithm
}

/**
 * How `key` signs with `hash`. ECDSA takes the hash per signature; a
 * WebCrypto RSA key is bound to one hash, so a SHA-1 signature by an RSA
 * key needs the same key material imported again with SHA-1.
 */
async function signer(key: CryptoKey, hash: SignatureHash): Promise<Signer> {
  if (key.algorithm.name === 'ECDSA') {
    return { signingKey: key, signingAlgorithm: { name: 'ECDSA', hash } }
  }
  const rsa = key.algorithm as webcrypto.RsaHashedKeyAlgorithm
  if (rsa.hash.name === hash) return { signingKey: key, signingAlgorithm: rsa }
  const algorithm = { ...rsa, hash: { name: hash } }
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', key)
  const signingKey = await webcrypto.subtle.importKey(
    'pkcs8',
    pkcs8,
    algorithm,
    false,
    ['sign'],
  )
  return { signingKey, signingAlgorithm: algorithm }
}

/** Paths of the PEM files written for one certificate. */
export interface PemFiles {
  readonly key: string
  readonly cert: string
  readonly fullchain: string
  /** The file a server should send: fullchain.pem, or cert.pem alone. */
  readonly served: string
}

/**
 * Writes `NAME.key.pem` (PKCS#8), `NAME.cert.pem` (the certificate alone)
 * and `NAME.fullchain.pem` (certificate then intermediate) to `dir`, the
 * names certbot users know. Keys are readable by the owner only.
 */
export async function writePemFiles(
  dir: string,
  name: string,
  issued: IssuedCertificate,
): Promise<PemFiles> {
  const files = {
    key: join(dir, `${name}.key.pem`),
    cert: join(dir, `${name}.cert.pem`),
    fullchain: join(dir, `${name}.fullchain.pem`),
  }
  const pkcs8 = await webcrypto.subtle.exportKey(
    'pkcs8',
    issued.keys.privateKey,
  )
  await writeFile(files.key, x509.PemConverter.encode(pkcs8, 'PRIVATE KEY'), {
    mode: 0o600,
  })
  await writeFile(files.cert, pem([issued.certificate]))
  await writeFile(files.fullchain, pem(issued.fullchain))
  const leafOnly = issued.served.length < issued.fullchain.length
  return { ...files, served: leafOnly ? files.cert : files.fullchain }
}

/** Certificates as concatenated PEM blocks, one after another. */
export function pem(certificates: readonly x509.X509Certificate[]): string {
  return certificates.map((c) => `${c.toString('pem')}\n`).join('')
}
