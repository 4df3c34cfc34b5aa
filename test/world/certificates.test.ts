import { X509Certificate } from 'node:crypto'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  CERTIFICATE_KINDS,
  createTestPki,
  EXPIRING_INTERMEDIATE_CA_NAME,
  INTERMEDIATE_CA_NAME,
  pem,
  ROOT_CA_NAME,
  writePemFiles,
  type CertificateKind,
  type IssuedCertificate,
  type TestPki,
} from './certificates'

const DAY_MS = 86_400_000
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1'
const now = new Date()
const host = 'shop.test'

describe('the throwaway PKI', () => {
  let pki: TestPki
  let root: X509Certificate
  let intermediate: X509Certificate

  beforeAll(async () => {
    pki = await createTestPki({ now })
    root = node(pki.root)
    intermediate = node(pki.intermediate)
  })

  it('has a self-signed root CA and an intermediate it signs', () => {
    expect(root.subject).toContain(`CN=${ROOT_CA_NAME}`)
    expect(root.ca).toBe(true)
    expect(root.checkIssued(root)).toBe(true)
    expect(root.verify(root.publicKey)).toBe(true)
    expect(intermediate.subject).toContain(`CN=${INTERMEDIATE_CA_NAME}`)
    expect(intermediate.ca).toBe(true)
    expect(intermediate.checkIssued(root)).toBe(true)
    expect(intermediate.verify(root.publicKey)).toBe(true)
  })

  it('issues a valid leaf with the extensions a public CA sets', async () => {
    const issued = await pki.issue(host, 'valid')
    const leaf = node(issued)
    expect(leaf.ca).toBe(false)
    expect(leaf.subjectAltName).toBe(`DNS:${host}`)
    expect(leaf.keyUsage).toEqual([SERVER_AUTH])
    expect(leaf.checkIssued(intermediate)).toBe(true)
    expect(leaf.verify(intermediate.publicKey)).toBe(true)
    expect(leaf.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1')
    expect(leaf.validToDate.getTime()).toBeGreaterThan(
      now.getTime() + 80 * DAY_MS,
    )
    expect(issued.served.map((c) => c.subject)).toEqual([
      issued.certificate.subject,
      pki.intermediate.certificate.subject,
    ])
    expect(issued.legacy).toBe(false)
  })

  /** What each kind other than `valid` must look like. */
  const KIND_EXPECTATIONS: readonly [
    CertificateKind,
    (leaf: X509Certificate, issued: IssuedCertificate) => void,
  ][] = [
    [
      'expired',
      (leaf) => {
        expect(daysFromNow(leaf.validFromDate)).toBe(-100)
        expect(daysFromNow(leaf.validToDate)).toBe(-10)
      },
    ],
    [
      'wrong-host',
      (leaf) => expect(leaf.subjectAltName).toBe('DNS:elsewhere.test'),
    ],
    [
      'self-signed',
      (leaf, issued) => {
        expect(leaf.checkIssued(leaf)).toBe(true)
        expect(leaf.verify(leaf.publicKey)).toBe(true)
        expect(issued.served).toHaveLength(1)
      },
    ],
    [
      'missing-intermediate',
      (leaf, issued) => {
        expect(leaf.verify(intermediate.publicKey)).toBe(true)
        expect(issued.served).toHaveLength(1)
        expect(issued.fullchain).toHaveLength(2)
      },
    ],
    [
      'not-yet-valid',
      (leaf) => expect(daysFromNow(leaf.validFromDate)).toBe(10),
    ],
    [
      'short-lived',
      (leaf) => {
        const lifetime =
          leaf.validToDate.getTime() - leaf.validFromDate.getTime()
        expect(lifetime / DAY_MS).toBe(6)
      },
    ],
    [
      'weak-key',
      (leaf, issued) => {
        expect(leaf.publicKey.asymmetricKeyType).toBe('rsa')
        expect(leaf.publicKey.asymmetricKeyDetails?.modulusLength).toBe(1024)
        expect(issued.legacy).toBe(true)
      },
    ],
    [
      'sha1-signature',
      (leaf, issued) => {
        expect(leaf.signatureAlgorithm).toMatch(/sha1/i)
        expect(leaf.verify(intermediate.publicKey)).toBe(true)
        expect(issued.legacy).toBe(true)
      },
    ],
    [
      'expiring-intermediate',
      (leaf, issued) => {
        const [, issuer] = issued.served.map(
          (c) => new X509Certificate(c.toString('pem')),
        )
        expect(issuer?.subject).toContain(`CN=${EXPIRING_INTERMEDIATE_CA_NAME}`)
        expect(leaf.verify(issuer!.publicKey)).toBe(true)
        expect(daysFromNow(issuer!.validToDate)).toBe(5)
        expect(issuer!.verify(root.publicKey)).toBe(true)
        expect(issued.legacy).toBe(false)
      },
    ],
    [
      'valid-rsa',
      (leaf, issued) => {
        expect(leaf.publicKey.asymmetricKeyType).toBe('rsa')
        expect(leaf.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048)
        expect(leaf.verify(intermediate.publicKey)).toBe(true)
        expect(issued.legacy).toBe(false)
      },
    ],
  ]

  it.each(KIND_EXPECTATIONS)(
    'issues a %s certificate',
    async (kind, expectations) => {
      const issued = await pki.issue(host, kind)
      expectations(node(issued), issued)
    },
  )

  it('has a test for every kind', () => {
    expect(Object.keys(CERTIFICATE_KINDS).sort()).toEqual(
      ['valid', ...KIND_EXPECTATIONS.map(([kind]) => kind)].sort(),
    )
  })

  describe('PEM files', () => {
    let dir: string
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'launch-ready-pem-'))
    })
    afterAll(() => rm(dir, { recursive: true, force: true }))

    it('writes key, cert and fullchain, and serves the leaf alone when told', async () => {
      const issued = await pki.issue(host, 'missing-intermediate')
      const files = await writePemFiles(dir, host, issued)
      expect(await readFile(files.key, 'utf8')).toMatch(
        /^-----BEGIN PRIVATE KEY-----\n/,
      )
      expect((await stat(files.key)).mode & 0o777).toBe(0o600)
      expect(await readFile(files.cert, 'utf8')).toBe(pem([issued.certificate]))
      expect(await readFile(files.fullchain, 'utf8')).toBe(
        pem(issued.fullchain),
      )
      expect(files.served).toBe(files.cert)
    })

    it('serves the full chain for an ordinary certificate', async () => {
      const files = await writePemFiles(
        dir,
        'www',
        await pki.issue(host, 'valid'),
      )
      expect(files.served).toBe(files.fullchain)
    })
  })
})

function node(issued: IssuedCertificate): X509Certificate {
  return new X509Certificate(issued.certificate.toString('pem'))
}

/** Whole days between the test's clock and `date` (certificates drop ms). */
function daysFromNow(date: Date): number {
  return Math.round((date.getTime() - now.getTime()) / DAY_MS)
}
