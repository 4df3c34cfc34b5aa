import { X509Certificate } from 'node:crypto'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import tls, { type DetailedPeerCertificate } from 'node:tls'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createTestPki,
  EXPIRING_INTERMEDIATE_CA_NAME,
  INTERMEDIATE_CA_NAME,
  pem,
  writePemFiles,
  type CertificateKind,
} from './certificates'
import { startEdge } from './edge'
import { DAY_MS, freePorts, lookups, startTestWorld } from './harness'
import { sClient, sentChain } from './probes'
import { type HostKind, type World } from './world'

describe('the test world', () => {
  let world: World
  let ca: string

  beforeAll(async () => {
    ;({ world, ca } = await startTestWorld())
  }, 30_000)
  afterAll(() => world?.stop())

  const { host, hostOf, shake } = lookups(() => ({ world, ca }))

  describe('certificates', () => {
    it.each([
      'shop.test',
      'www.shop.test',
      'admin.shop.test',
      'no-redirect.shop.test',
      'tls12-only.shop.test',
      'caa-forbidden.shop.test',
      'expiring-intermediate.shop.test',
      'www.split.shop.test',
      'hostile.shop.test',
    ])('%s presents a trusted certificate for its name', async (name) => {
      const result = await shake(host(name))
      expect(result.authorizationError).toBeUndefined()
      expect(result.authorized).toBe(true)
      expect(result.identityError).toBeUndefined()
    })

    it.each<[HostKind, string]>([
      ['expired', 'CERT_HAS_EXPIRED'],
      ['not-yet-valid', 'CERT_NOT_YET_VALID'],
      ['self-signed', 'DEPTH_ZERO_SELF_SIGNED_CERT'],
      ['missing-intermediate', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
    ])('the %s host fails verification with %s', async (kind, code) => {
      const result = await shake(hostOf(kind))
      expect(result.authorized).toBe(false)
      expect(result.authorizationError).toBe(code)
    })

    it('the wrong-host host has a trusted chain for another name', async () => {
      const result = await shake(hostOf('wrong-host'))
      expect(result.authorized).toBe(true)
      expect(result.peer.subjectaltname).toBe('DNS:elsewhere.test')
      expect(result.identityError?.message).toMatch(
        /Host: wrong-host\.shop\.test\. is not in the cert's altnames/,
      )
    })

    /** What each kind's leaf must look like, as the server sends it. */
    const LEAVES: readonly [HostKind, (leaf: X509Certificate) => void][] = [
      [
        'valid',
        (leaf) => {
          expect(leaf.publicKey.asymmetricKeyDetails?.namedCurve).toBe(
            'prime256v1',
          )
          expect(leaf.signatureAlgorithm).toMatch(/sha256/i)
        },
      ],
      [
        'weak-key',
        (leaf) => {
          expect(leaf.publicKey.asymmetricKeyType).toBe('rsa')
          expect(leaf.publicKey.asymmetricKeyDetails?.modulusLength).toBe(1024)
        },
      ],
      [
        'sha1-signature',
        (leaf) => expect(leaf.signatureAlgorithm).toMatch(/sha1/i),
      ],
      [
        'not-yet-valid',
        (leaf) =>
          expect(leaf.validFromDate.getTime()).toBeGreaterThan(
            Date.now() + 9 * DAY_MS,
          ),
      ],
      [
        'expired',
        (leaf) =>
          expect(leaf.validToDate.getTime()).toBeLessThan(
            Date.now() - 9 * DAY_MS,
          ),
      ],
      [
        'short-lived',
        (leaf) =>
          expect(
            leaf.validToDate.getTime() - leaf.validFromDate.getTime(),
          ).toBe(6 * DAY_MS),
      ],
    ]

    it.each(LEAVES)('serves a %s leaf', async (kind, expectations) => {
      const target = hostOf(kind)
      const [leaf] = await sentChain(
        target.address,
        world.httpsPort,
        target.name,
      )
      expect(leaf, target.name).toBeDefined()
      const certificate = new X509Certificate(leaf!)
      expect(certificate.subjectAltName).toBe(`DNS:${target.name}`)
      expectations(certificate)
    })

    it.each<[HostKind, string[]]>([
      ['valid', ['leaf', INTERMEDIATE_CA_NAME]],
      ['missing-intermediate', ['leaf']],
      ['self-signed', ['leaf']],
      ['expiring-intermediate', ['leaf', EXPIRING_INTERMEDIATE_CA_NAME]],
      ['weak-key', ['leaf', INTERMEDIATE_CA_NAME]],
    ])('the %s host sends the chain %j', async (kind, expected) => {
      const target = hostOf(kind)
      const sent = (
        await sentChain(target.address, world.httpsPort, target.name)
      ).map((block) => new X509Certificate(block))
      expect(
        sent.map((c, i) => (i === 0 ? 'leaf' : commonName(c.subject))),
      ).toEqual(expected)
    })

    it('the expiring intermediate has 5 days left and chains to the root', async () => {
      const target = hostOf('expiring-intermediate')
      const [leaf, intermediate] = (
        await sentChain(target.address, world.httpsPort, target.name)
      ).map((block) => new X509Certificate(block))
      const daysLeft =
        (intermediate!.validToDate.getTime() - Date.now()) / DAY_MS
      expect(daysLeft).toBeGreaterThan(4.9)
      expect(daysLeft).toBeLessThanOrEqual(5)
      expect(leaf!.verify(intermediate!.publicKey)).toBe(true)
      const root = new X509Certificate(ca)
      expect(intermediate!.verify(root.publicKey)).toBe(true)
    })
  })

  describe('TLS protocol versions', () => {
    const legacy = { ciphers: 'DEFAULT@SECLEVEL=0' } as const

    it.each(['TLSv1', 'TLSv1.1', 'TLSv1.2'] as const)(
      'legacy-tls accepts %s',
      async (version) => {
        const result = await shake(hostOf('legacy-tls'), {
          ...legacy,
          minVersion: version,
          maxVersion: version,
        })
        expect(result.protocol).toBe(version)
        expect(result.authorized).toBe(true)
      },
    )

    it('legacy-tls accepts TLS 1.0 from openssl s_client -tls1 as well', async () => {
      const target = hostOf('legacy-tls')
      const output = await sClient(
        target.address,
        world.httpsPort,
        target.name,
        ['-tls1', '-cipher', 'DEFAULT@SECLEVEL=0'],
      )
      expect(output).toMatch(/Protocol\s*:\s*TLSv1\n/)
    })

    it('tls12-only speaks TLS 1.2 and refuses 1.3', async () => {
      const target = hostOf('tls12-only')
      const tls12 = await shake(target, { maxVersion: 'TLSv1.2' })
      expect(tls12.protocol).toBe('TLSv1.2')
      await expect(shake(target, { minVersion: 'TLSv1.3' })).rejects.toThrow(
        /protocol version/i,
      )
    })

    it.each(['TLSv1', 'TLSv1.1'] as const)(
      'the other hosts refuse %s and speak TLS 1.3',
      async (version) => {
        for (const name of ['admin.shop.test', 'www.shop.test']) {
          const old = shake(host(name), {
            ...legacy,
            minVersion: version,
            maxVersion: version,
          })
          await expect(old, name).rejects.toThrow(/protocol version|alert/i)
          expect((await shake(host(name))).protocol).toBe('TLSv1.3')
        }
      },
    )
  })
})

/** "Launch Ready Test Intermediate CA" from "CN=…\nO=…". */
function commonName(subject: string): string {
  return /CN=([^\n,]+)/.exec(subject)?.[1] ?? subject
}

describe('the edge with the other certificate kinds', () => {
  // Each kind is one line in CERTIFICATE_KINDS; this proves the edge
  // serves them too, the legacy ones at a lowered OpenSSL level.
  it.each<
    [CertificateKind, string | null, (peer: DetailedPeerCertificate) => void]
  >([
    [
      'not-yet-valid',
      'CERT_NOT_YET_VALID',
      (peer) => expect(Date.parse(peer.valid_from)).toBeGreaterThan(Date.now()),
    ],
    [
      'short-lived',
      null,
      (peer) =>
        expect(Date.parse(peer.valid_to) - Date.parse(peer.valid_from)).toBe(
          6 * 86_400_000,
        ),
    ],
    ['weak-key', null, (peer) => expect(peer.bits).toBe(1024)],
    [
      'sha1-signature',
      null,
      (peer) =>
        expect(new X509Certificate(peer.raw).signatureAlgorithm).toMatch(
          /sha1/i,
        ),
    ],
    ['valid-rsa', null, (peer) => expect(peer.bits).toBe(2048)],
  ])('serves a %s certificate', async (kind, trustError, expectations) => {
    const result = await serveAndConnect(kind)
    expect(result.trustError).toBe(trustError)
    expect(result.peer.subjectaltname).toBe(`DNS:${kind}.shop.test`)
    expectations(result.peer)
  })
})

/**
 * Starts an edge with one host holding a certificate of `kind`, shakes
 * hands with it, and stops it again.
 */
async function serveAndConnect(kind: CertificateKind) {
  const dir = await mkdtemp(join(tmpdir(), 'launch-ready-edge-'))
  try {
    const pki = await createTestPki()
    const name = `${kind}.shop.test`
    const address = '127.0.18.1'
    const issued = await pki.issue(name, kind)
    await mkdir(join(dir, 'certs'))
    const files = await writePemFiles(join(dir, 'certs'), name, issued)
    const [httpPort, httpsPort] = await freePorts(address, 2)
    const edge = await startEdge({
      dir: join(dir, 'edge'),
      httpPort: httpPort!,
      httpsPort: httpsPort!,
      sites: [
        {
          name,
          address,
          certificate: files.served,
          key: files.key,
          legacy: issued.legacy,
          redirectToHttps: true,
          description: kind,
        },
      ],
    })
    try {
      return await connectTls(
        address,
        httpsPort!,
        name,
        pem([pki.root.certificate]),
      )
    } finally {
      await edge.stop()
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

async function connectTls(
  address: string,
  port: number,
  name: string,
  ca: string,
): Promise<{ peer: DetailedPeerCertificate; trustError: string | null }> {
  const socket = tls.connect({
    host: address,
    port,
    servername: name,
    ca: [ca],
    rejectUnauthorized: false,
    // Node's OpenSSL refuses 1024-bit keys and SHA-1 at its default level
    // (authorizationError UNSPECIFIED); level 0 judges the chain itself.
    ciphers: 'DEFAULT@SECLEVEL=0',
  })
  try {
    await new Promise((resolvePromise, reject) => {
      socket.once('secureConnect', resolvePromise)
      socket.once('error', reject)
    })
    const error = socket.authorizationError
    return {
      peer: socket.getPeerCertificate(true),
      trustError: error ? String(error) : null,
    }
  } finally {
    socket.destroy()
  }
}
