import { X509Certificate } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import tls, { type DetailedPeerCertificate } from 'node:tls'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { WorkspaceSchema, type Workspace } from '../../src/shared/workspace'
import {
  createTestPki,
  EXPIRING_INTERMEDIATE_CA_NAME,
  INTERMEDIATE_CA_NAME,
  pem,
  ROOT_CA_NAME,
  writePemFiles,
  type CertificateKind,
} from './certificates'
import { accepts, startEdge } from './edge'
import { TRICKLE_INTERVAL_MS } from './misbehaving'
import { WorldError } from './process'
import {
  dig,
  digFlags,
  follow,
  handshake,
  listenFor,
  listenForTls,
  request,
  resolverAt,
  sClient,
  sentChain,
  type Hop,
} from './probes'
import {
  CAA_IDENTITY,
  CANONICAL_SCENARIOS,
  HOSTILE_DOMAIN,
  hostsOf,
  HUGE_BODY_BYTES,
  LAME_DOMAIN,
  LONG_CHAIN_HOPS,
  MANY_A_RECORDS,
  scenarioDomain,
  STALE_DOMAIN,
  startWorld,
  type HostKind,
  type World,
  type WorldHost,
} from './world'

// Names under .test never go to the system resolver (it is not on
// loopback): every query here asks one of the world's DNS servers, and
// every request connects to an address the test looked up in world.hosts.

const DAY_MS = 86_400_000

describe('the test world', () => {
  let world: World
  let ca: string

  beforeAll(async () => {
    world = await startWorld({ net: 'auto' })
    ca = await readFile(world.caFile, 'utf8')
  }, 30_000)
  afterAll(() => world?.stop())

  const host = (name: string) => {
    const found = world.hosts.find((h) => h.name === name)
    if (!found) throw new Error(`the world has no host ${name}`)
    return found
  }
  const hostOf = (kind: HostKind) => world.hosts.find((h) => h.kind === kind)!
  const addressOf = (name: string) => host(name).address
  /** scheme://name:port/path with the world's test port. */
  const url = (scheme: 'http' | 'https', name: string, path = '/') =>
    `${scheme}://${name}:${scheme === 'http' ? world.httpPort : world.httpsPort}${path}`
  const get = (scheme: 'http' | 'https', name: string, path = '/') =>
    request({ address: addressOf(name), url: url(scheme, name, path), ca })
  const shake = (
    target: WorldHost,
    options: Partial<Parameters<typeof handshake>[0]> = {},
  ) =>
    handshake({
      address: target.address,
      port: world.httpsPort,
      servername: target.name,
      ca,
      ...options,
    })

  describe('its hosts', () => {
    it('each have a loopback address of their own, or are a CNAME', () => {
      const addressed = world.hosts.filter((h) => h.cname === undefined)
      const addresses = addressed.map((h) => h.address)
      expect(new Set(addresses).size).toBe(addresses.length)
      for (const address of addresses) expect(address).toMatch(/^127\.0\./)
      for (const h of world.hosts.filter((h) => h.cname !== undefined)) {
        expect(h.address, h.name).toBe('')
      }
    })

    it('cover every case the checks need, each in its workspace', () => {
      const byWorkspace = (key: Parameters<typeof hostsOf>[1]) =>
        hostsOf(world, key).map((h) => h.kind)
      expect(byWorkspace('main').sort()).toEqual(
        [
          ...['valid', 'valid', 'valid', 'expired', 'wrong-host'],
          ...['self-signed', 'missing-intermediate', 'no-redirect'],
          ...['short-lived', 'not-yet-valid', 'weak-key', 'sha1-signature'],
          ...['legacy-tls', 'tls12-only', 'expiring-intermediate'],
          'caa-forbidden',
        ].sort(),
      )
      expect(byWorkspace('hostile').sort()).toEqual(
        [
          ...['valid', 'valid', 'redirect-loop', 'long-chain', 'silent-tls'],
          ...['trickle', 'huge-body', 'cname-loop', 'cname-loop'],
          ...['dangling-cname', 'many-a'],
        ].sort(),
      )
      for (const scenario of CANONICAL_SCENARIOS) {
        expect(hostsOf(world, scenario).map((h) => h.name)).toEqual([
          scenarioDomain(scenario),
          `www.${scenarioDomain(scenario)}`,
        ])
      }
      expect(byWorkspace('stale')).toEqual(['stale-zone'])
      expect(byWorkspace('lame')).toEqual(['lame-zone'])
      for (const h of world.hosts) {
        expect(h.name === h.domain || h.name.endsWith(`.${h.domain}`)).toBe(
          true,
        )
      }
    })
  })

  describe('DNS', () => {
    const ns1 = () => resolverAt(world.nameservers[0]!.endpoint)
    const ns2 = () => resolverAt(world.nameservers[1]!.endpoint)
    const siteZones = () => [
      world.domain,
      HOSTILE_DOMAIN,
      ...CANONICAL_SCENARIOS.map(scenarioDomain),
    ]

    it('answers A for every host with an address, the same from both servers', async () => {
      const plain = world.hosts.filter(
        (h) =>
          h.cname === undefined &&
          !['many-a', 'stale-zone', 'lame-zone'].includes(h.kind),
      )
      for (const resolver of [ns1(), ns2()]) {
        for (const h of plain) {
          expect(await resolver.resolve4(h.name), h.name).toEqual([h.address])
        }
      }
    })

    it('gives TTLs with the addresses', async () => {
      const [record] = await ns1().resolve4(`www.${world.domain}`, {
        ttl: true,
      })
      expect(record).toEqual({ address: addressOf('www.shop.test'), ttl: 300 })
    })

    it('has ns1 and ns2, at their addresses, on the same port', async () => {
      const [first, second] = world.nameservers
      expect(first).toMatchObject({ name: 'ns1.shop.test' })
      expect(second).toMatchObject({ name: 'ns2.shop.test' })
      expect(first!.endpoint).toBe(`${first!.address}:${world.dnsPort}`)
      expect(second!.endpoint).toBe(`${second!.address}:${world.dnsPort}`)
      expect(world.resolver).toBe(first!.endpoint)
      for (const ns of world.nameservers) {
        expect(await ns1().resolve4(ns.name)).toEqual([ns.address])
      }
    })

    it('serves every site zone from both servers with the same serial and NS set', async () => {
      for (const zone of siteZones()) {
        const [a, b] = await Promise.all([
          ns1().resolveSoa(zone),
          ns2().resolveSoa(zone),
        ])
        expect(b.serial, zone).toBe(a.serial)
        expect(a.nsname).toBe('ns1.shop.test')
        for (const resolver of [ns1(), ns2()]) {
          expect((await resolver.resolveNs(zone)).sort(), zone).toEqual([
            'ns1.shop.test',
            'ns2.shop.test',
          ])
        }
      }
    })

    it('answers SOA when each nameserver is asked directly at its address', async () => {
      // What dns.nameservers does: NS names → addresses → SOA on dnsPort.
      const names = await ns1().resolveNs(world.domain)
      const serials = await Promise.all(
        names.map(async (name) => {
          const [address] = await ns1().resolve4(name)
          const direct = resolverAt(`${address}:${world.dnsPort}`)
          return (await direct.resolveSoa(world.domain)).serial
        }),
      )
      expect(serials).toHaveLength(2)
      expect(serials[1]).toBe(serials[0])
    })

    it('has stale.test disagree: ns2 serves an older serial and another address', async () => {
      const [a, b] = await Promise.all([
        ns1().resolveSoa(STALE_DOMAIN),
        ns2().resolveSoa(STALE_DOMAIN),
      ])
      expect(b.serial).toBe(a.serial - 1)
      const [one, two] = await Promise.all([
        ns1().resolve4(STALE_DOMAIN),
        ns2().resolve4(STALE_DOMAIN),
      ])
      expect(one).toEqual([host(STALE_DOMAIN).address])
      expect(two).toHaveLength(1)
      expect(two).not.toEqual(one)
      expect((await ns1().resolveNs(STALE_DOMAIN)).sort()).toEqual([
        'ns1.shop.test',
        'ns2.shop.test',
      ])
    })

    it('has lame.test list a nameserver that never answers', async () => {
      expect((await ns1().resolveNs(LAME_DOMAIN)).sort()).toEqual([
        'ns1.shop.test',
        'ns3.lame.test',
      ])
      expect(await ns1().resolve4('ns3.lame.test')).toEqual([
        world.lameNameserver,
      ])
      const lame = resolverAt(`${world.lameNameserver}:${world.dnsPort}`, 300)
      await expect(lame.resolveSoa(LAME_DOMAIN)).rejects.toMatchObject({
        code: expect.stringMatching(/^(ECONNREFUSED|ETIMEOUT)$/),
      })
      expect((await ns1().resolveSoa(LAME_DOMAIN)).nsname).toBe('ns1.shop.test')
    })

    it('allows the world CA by CAA at the apex, and forbids it on caa-forbidden', async () => {
      expect(await ns1().resolveCaa(world.domain)).toEqual([
        expect.objectContaining({ critical: 0, issue: CAA_IDENTITY }),
      ])
      expect(await ns1().resolveCaa('caa-forbidden.shop.test')).toEqual([
        expect.objectContaining({ critical: 0, issue: 'letsencrypt.org' }),
      ])
      // Other names have none of their own: RFC 8659 climbs to the apex.
      await expect(ns1().resolveCaa('www.shop.test')).rejects.toMatchObject({
        code: 'ENODATA',
      })
      expect(world.caaIdentity).toBe(CAA_IDENTITY)
    })

    it('has a CNAME loop and a dangling CNAME', async () => {
      const loop = `cname-loop.${HOSTILE_DOMAIN}`
      const back = `cname-loop-b.${HOSTILE_DOMAIN}`
      expect(await ns1().resolveCname(loop)).toEqual([back])
      expect(await ns1().resolveCname(back)).toEqual([loop])
      const dangling = `dangling-cname.${HOSTILE_DOMAIN}`
      const [target] = await ns1().resolveCname(dangling)
      expect(target).toBe(`gone.${HOSTILE_DOMAIN}`)
      await expect(ns1().resolve4(target!)).rejects.toMatchObject({
        code: 'ENOTFOUND',
      })
    })

    it('truncates the 150 A records of many-a over UDP and sends them all over TCP', async () => {
      const name = `many-a.${HOSTILE_DOMAIN}`
      const [address, port] = [world.nameservers[0]!.address, world.dnsPort]
      const udp = await dig(address, port, [name, 'A', '+notcp', '+ignore'])
      expect(digFlags(udp)).toContain('tc')
      const tcp = await dig(address, port, [name, 'A', '+tcp', '+short'])
      const addresses = tcp.trim().split('\n')
      expect(addresses).toHaveLength(MANY_A_RECORDS)
      expect(new Set(addresses).size).toBe(MANY_A_RECORDS)
      // node:dns (c-ares) retries over TCP on TC by itself.
      expect(await ns1().resolve4(name)).toHaveLength(MANY_A_RECORDS)
    })

    it('has a dead DNS server that swallows UDP and holds TCP without answering', async () => {
      const dead = resolverAt(world.deadResolver, 300)
      await expect(dead.resolve4(world.domain)).rejects.toMatchObject({
        code: 'ETIMEOUT',
      })
      const [address, port] = world.deadResolver.split(':')
      // A DNS query over TCP: length prefix, then a minimal query.
      const tcp = await listenFor(address!, Number(port), tcpQuery(), 400)
      expect(tcp).toEqual({ connected: true, received: '', ended: false })
    })
  })

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

  describe('the edge: redirects', () => {
    it('redirects plain HTTP permanently to HTTPS on the same host', async () => {
      const redirecting = world.hosts.filter((h) => h.redirectsToHttps)
      expect(redirecting.length).toBeGreaterThan(20)
      for (const h of redirecting) {
        const answer = await get('http', h.name, '/orders?page=2')
        expect(answer.status, h.name).toBe(301)
        expect(answer.headers.location, h.name).toBe(
          url('https', h.name, '/orders?page=2'),
        )
      }
    })

    it('serves the page over plain HTTP on the no-redirect host', async () => {
      const target = hostOf('no-redirect')
      const answer = await get('http', target.name)
      expect(answer.status).toBe(200)
      expect(answer.headers.location).toBeUndefined()
      expect(answer.body).toContain(`<h1>${target.name}</h1>`)
    })

    it('serves a small HTML page on the canonical origin', async () => {
      const answer = await get('https', 'www.shop.test')
      expect(answer.status).toBe(200)
      expect(answer.headers['content-type']).toBe('text/html; charset=utf-8')
      expect(answer.body).toContain('<title>www.shop.test</title>')
    })

    it.each([
      ['http', 'shop.test', 2],
      ['https', 'shop.test', 1],
      ['http', 'www.shop.test', 1],
      ['https', 'www.shop.test', 0],
    ] as const)(
      'takes %s://%s to https://www.shop.test in %i permanent hop(s)',
      async (scheme, name, hops) => {
        const chain = await followFrom(scheme, name, '/cart?x=1')
        expect(chain.looped).toBe(false)
        expect(chain.hops).toHaveLength(hops + 1)
        expect(chain.hops.slice(0, -1).map((h) => h.status)).toEqual(
          Array(hops).fill(301),
        )
        expect(chain.hops.at(-1)).toMatchObject({
          url: url('https', 'www.shop.test', '/cart?x=1'),
          status: 200,
        })
      },
    )

    it('split: apex and www both serve the page over https', async () => {
      const domain = scenarioDomain('split')
      for (const name of [domain, `www.${domain}`]) {
        expect((await get('https', name)).status, name).toBe(200)
      }
    })

    it('downgrade: https apex goes through http www', async () => {
      const domain = scenarioDomain('downgrade')
      expect(statuses(await followFrom('https', domain))).toEqual([
        [301, url('http', `www.${domain}`)],
        [301, url('https', `www.${domain}`)],
        [200, undefined],
      ])
    })

    it('loop: https apex and www redirect to each other', async () => {
      const domain = scenarioDomain('loop')
      const chain = await followFrom('https', domain)
      expect(chain.looped).toBe(true)
      expect(statuses(chain)).toEqual([
        [301, url('https', `www.${domain}`)],
        [301, url('https', domain)],
      ])
    })

    it('temporary: 302s, and http apex goes to http www first', async () => {
      const domain = scenarioDomain('temporary')
      expect(statuses(await followFrom('http', domain))).toEqual([
        [302, url('http', `www.${domain}`)],
        [302, url('https', `www.${domain}`)],
        [200, undefined],
      ])
      expect(statuses(await followFrom('https', domain))).toEqual([
        [302, url('https', `www.${domain}`)],
        [200, undefined],
      ])
    })

    function followFrom(scheme: 'http' | 'https', name: string, path = '/') {
      return follow(url(scheme, name, path), addressOf, ca)
    }
  })

  describe('the edge: headers', () => {
    const CF_RAY = /^[0-9a-f]{16}-LHR$/

    it('the apex looks like Cloudflare and sends HSTS with includeSubDomains', async () => {
      const secure = await get('https', 'shop.test')
      expect(secure.status).toBe(301)
      expect(secure.headers).toMatchObject({
        server: 'cloudflare',
        'strict-transport-security': 'max-age=31536000; includeSubDomains',
      })
      expect(secure.headers['cf-ray']).toMatch(CF_RAY)
      const plain = await get('http', 'shop.test')
      expect(plain.headers.server).toBe('cloudflare')
      expect(plain.headers['cf-ray']).toMatch(CF_RAY)
      // RFC 6797 section 7.2: never over plain HTTP.
      expect(plain.headers['strict-transport-security']).toBeUndefined()
    })

    it('www looks like Cloudflare and sends HSTS and the security headers', async () => {
      const answer = await get('https', 'www.shop.test')
      expect(answer.headers).toMatchObject({
        server: 'cloudflare',
        'strict-transport-security': 'max-age=31536000',
        'content-security-policy': "frame-ancestors 'none'",
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'strict-origin-when-cross-origin',
      })
      expect(answer.headers['x-frame-options']).toBeUndefined()
      const again = await get('https', 'www.shop.test')
      expect(again.headers['cf-ray']).toMatch(CF_RAY)
      expect(again.headers['cf-ray']).not.toBe(answer.headers['cf-ray'])
    })

    it('admin looks like Fastly, with a 1-day HSTS and X-Frame-Options alone', async () => {
      for (const scheme of ['http', 'https'] as const) {
        const answer = await get(scheme, 'admin.shop.test')
        expect(answer.headers, scheme).toMatchObject({
          server: 'nginx',
          'x-served-by': 'cache-lhr7380-LHR',
          via: '1.1 varnish',
          'x-frame-options': 'DENY',
        })
        expect(answer.headers['cf-ray']).toBeUndefined()
        expect(answer.headers['content-security-policy']).toBeUndefined()
        expect(answer.headers['x-content-type-options']).toBeUndefined()
        expect(answer.headers['referrer-policy']).toBeUndefined()
      }
      const secure = await get('https', 'admin.shop.test')
      expect(secure.headers['strict-transport-security']).toBe('max-age=86400')
    })

    it.each(['expired', 'no-redirect', 'legacy-tls', 'caa-forbidden'])(
      '%s has no edge and no security headers',
      async (label) => {
        const answer = await get('https', `${label}.shop.test`).catch(
          async () => get('http', `${label}.shop.test`),
        )
        expect(answer.headers.server).toBe('nginx')
        for (const header of [
          'cf-ray',
          'x-served-by',
          'via',
          'strict-transport-security',
          'content-security-policy',
          'x-frame-options',
        ]) {
          expect(answer.headers[header], header).toBeUndefined()
        }
      },
    )
  })

  describe('the hostile site', () => {
    const name = (label: string) => `${label}.${HOSTILE_DOMAIN}`

    it('has a healthy apex and www', async () => {
      const chain = await follow(url('http', HOSTILE_DOMAIN), addressOf, ca)
      expect(statuses(chain)).toEqual([
        [301, url('https', HOSTILE_DOMAIN)],
        [301, url('https', `www.${HOSTILE_DOMAIN}`)],
        [200, undefined],
      ])
    })

    it.each(['http', 'https'] as const)(
      'redirect-loop sends %s clients from /a to /b and back for ever',
      async (scheme) => {
        const target = name('redirect-loop')
        const chain = await follow(url(scheme, target), addressOf, ca)
        expect(chain.looped).toBe(true)
        expect(statuses(chain)).toEqual([
          [301, url(scheme, target, '/a')],
          [301, url(scheme, target, '/b')],
          [301, url(scheme, target, '/a')],
        ])
      },
    )

    it.each(['http', 'https'] as const)(
      `long-chain takes ${LONG_CHAIN_HOPS} hops over %s`,
      async (scheme) => {
        const target = name('long-chain')
        const chain = await follow(url(scheme, target, '/0'), addressOf, ca, 40)
        expect(chain.hops).toHaveLength(LONG_CHAIN_HOPS + 1)
        expect(chain.hops.slice(0, -1).every((h) => h.status === 301)).toBe(
          true,
        )
        expect(chain.hops[1]!.url).toBe(url(scheme, target, '/1'))
        expect(chain.hops.at(-1)).toMatchObject({
          url: url(scheme, target, `/${LONG_CHAIN_HOPS}`),
          status: 200,
        })
      },
    )

    it('silent-tls accepts connections on both ports and never says a word', async () => {
      const target = host(name('silent-tls'))
      const [plain, raw, secure] = await Promise.all([
        listenFor(
          target.address,
          world.httpPort,
          httpRequest(target.name),
          500,
        ),
        listenFor(target.address, world.httpsPort, '', 500),
        listenForTls(target.address, world.httpsPort, target.name, ca, '', 500),
      ])
      expect(plain).toEqual({ connected: true, received: '', ended: false })
      expect(raw).toEqual({ connected: true, received: '', ended: false })
      // No ServerHello ever comes back.
      expect(secure).toEqual({ secure: false, received: '' })
    })

    it('trickle sends a status line, then a header every 200 ms, never ending', async () => {
      const target = host(name('trickle'))
      const wait = TRICKLE_INTERVAL_MS * 5 + 100
      const [plain, secure] = await Promise.all([
        listenFor(
          target.address,
          world.httpPort,
          httpRequest(target.name),
          wait,
        ),
        listenForTls(
          target.address,
          world.httpsPort,
          target.name,
          ca,
          httpRequest(target.name),
          wait,
        ),
      ])
      for (const { received } of [plain, secure]) {
        expect(received).toMatch(
          /^HTTP\/1\.1 200 OK\r\n(X-Trickle-\d+: \.+\r\n)+$/,
        )
        const headers = received.match(/X-Trickle-/g) ?? []
        expect(headers.length).toBeGreaterThanOrEqual(3)
        expect(headers.length).toBeLessThanOrEqual(6)
        expect(received).not.toContain('\r\n\r\n')
      }
      expect(plain.ended).toBe(false)
    })

    it.each(['http', 'https'] as const)(
      'huge-body sends 50 MB with its Content-Length over %s',
      async (scheme) => {
        const answer = await request({
          address: addressOf(name('huge-body')),
          url: url(scheme, name('huge-body')),
          ca,
          keepBytes: 0,
        })
        expect(answer.status).toBe(200)
        expect(answer.headers['content-length']).toBe(`${HUGE_BODY_BYTES}`)
        expect(answer.bodyBytes).toBe(HUGE_BODY_BYTES)
      },
    )
  })

  describe('workspaces', () => {
    const load = async (file: string) =>
      WorkspaceSchema.parse(parse(await readFile(file, 'utf8')))
    const caFileOf = (file: string, workspace: Workspace) =>
      resolve(dirname(file), workspace.network.caFile!)
    const network = () => ({
      resolvers: [world.resolver],
      caaIdentity: CAA_IDENTITY,
      httpPort: world.httpPort,
      httpsPort: world.httpsPort,
      dnsPort: world.dnsPort,
    })
    const subdomainsOf = (key: Parameters<typeof hostsOf>[1]) =>
      hostsOf(world, key)
        .map((h) => h.name)
        .filter((n) => !/^(www\.)?[a-z]*\.?shop\.test$/.test(n))

    it('writes the main workspace the app accepts, pointing at the world', async () => {
      const workspace = await load(world.workspaceFile)
      expect(workspace).toMatchObject({
        version: 1,
        name: 'Shop (test world)',
        domain: 'shop.test',
        canonicalOrigin: 'https://www.shop.test',
        network: network(),
      })
      expect(workspace.subdomains).toEqual(
        hostsOf(world, 'main')
          .map((h) => h.name)
          .filter((n) => n !== 'shop.test' && n !== 'www.shop.test'),
      )
      expect(caFileOf(world.workspaceFile, workspace)).toBe(world.caFile)
    })

    it('writes the hostile workspace, without the far end of the CNAME loop', async () => {
      const workspace = await load(world.hostileWorkspaceFile)
      expect(workspace).toMatchObject({
        domain: HOSTILE_DOMAIN,
        canonicalOrigin: `https://www.${HOSTILE_DOMAIN}`,
        network: network(),
      })
      expect(workspace.subdomains).toEqual(
        subdomainsOf('hostile').filter((n) => !n.startsWith('cname-loop-b')),
      )
      expect(caFileOf(world.hostileWorkspaceFile, workspace)).toBe(world.caFile)
    })

    it('writes the dead-DNS workspace: the main site behind a silent resolver', async () => {
      const [main, dead] = await Promise.all([
        load(world.workspaceFile),
        load(world.deadDnsWorkspaceFile),
      ])
      expect(dead.network.resolvers).toEqual([world.deadResolver])
      expect({ ...dead, name: '', network: {} }).toEqual({
        ...main,
        name: '',
        network: {},
      })
    })

    it('writes a workspace for any domain, with overrides', async () => {
      const domain = scenarioDomain('loop')
      const file = await world.workspaceFor(domain, {
        subdomains: ['extra'],
        network: { httpsPort: 1443 },
      })
      const workspace = await load(file)
      expect(workspace).toMatchObject({
        domain,
        canonicalOrigin: `https://www.${domain}`,
        subdomains: ['extra'],
        network: { ...network(), httpsPort: 1443 },
      })
      expect(caFileOf(file, workspace)).toBe(world.caFile)
      const stale = await load(await world.workspaceFor(STALE_DOMAIN))
      expect(stale).toMatchObject({ domain: STALE_DOMAIN, subdomains: [] })
      expect(await world.workspaceFor(domain)).not.toBe(file)
    })

    it('writes a CA file holding the root certificate alone', async () => {
      const blocks = ca.match(/-----BEGIN CERTIFICATE-----/g) ?? []
      expect(blocks).toHaveLength(1)
      expect(new X509Certificate(ca).subject).toContain(`CN=${ROOT_CA_NAME}`)
    })
  })
})

describe('a world with latency', () => {
  const LATENCY_MS = 100
  /** Timers may fire a little early; the bound stays loose on purpose. */
  const atLeast = (roundTrips: number) => roundTrips * LATENCY_MS * 0.8
  let world: World
  let ca: string

  beforeAll(async () => {
    world = await startWorld({ net: 'auto', latencyMs: LATENCY_MS })
    ca = await readFile(world.caFile, 'utf8')
  }, 30_000)
  afterAll(() => world?.stop())

  const www = () => world.hosts.find((h) => h.name === 'www.shop.test')!

  it('reports its latency', () => {
    expect(world.latencyMs).toBe(LATENCY_MS)
  })

  it('delays DNS over UDP by a round trip', async () => {
    const started = performance.now()
    expect(await resolverAt(world.resolver).resolve4(www().name)).toEqual([
      www().address,
    ])
    expect(performance.now() - started).toBeGreaterThanOrEqual(atLeast(1))
  })

  it('delays DNS over TCP, on both nameservers', async () => {
    for (const ns of world.nameservers) {
      const started = performance.now()
      const output = await dig(ns.address, world.dnsPort, [
        world.domain,
        'SOA',
        '+tcp',
        '+short',
      ])
      expect(output).toMatch(/^ns1\.shop\.test\. /)
      expect(performance.now() - started).toBeGreaterThanOrEqual(atLeast(1))
    }
  })

  it('delays HTTP by a round trip and HTTPS by its handshake too', async () => {
    const admin = world.hosts.find((h) => h.name === 'admin.shop.test')!
    for (const [scheme, port, trips] of [
      ['http', world.httpPort, 1],
      ['https', world.httpsPort, 2],
    ] as const) {
      const started = performance.now()
      const answer = await request({
        address: admin.address,
        url: `${scheme}://${admin.name}:${port}/`,
        ca,
      })
      expect(answer.status).toBeLessThan(400)
      expect(performance.now() - started, scheme).toBeGreaterThanOrEqual(
        atLeast(trips),
      )
    }
  })

  it('keeps the CDN front and the truncated answer working through the proxies', async () => {
    const answer = await request({
      address: www().address,
      url: `https://${www().name}:${world.httpsPort}/`,
      ca,
    })
    expect(answer.headers.server).toBe('cloudflare')
    const many = await resolverAt(world.resolver, 2000).resolve4(
      `many-a.${HOSTILE_DOMAIN}`,
    )
    expect(many).toHaveLength(MANY_A_RECORDS)
  })
})

/** "Launch Ready Test Intermediate CA" from "CN=…\nO=…". */
function commonName(subject: string): string {
  return /CN=([^\n,]+)/.exec(subject)?.[1] ?? subject
}

/** [status, location] of each hop. */
function statuses(chain: { hops: Hop[] }): [number, string | undefined][] {
  return chain.hops.map((h) => [h.status, h.location])
}

function httpRequest(host: string): string {
  return `GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`
}

/** A DNS query for shop.test A, framed for TCP (RFC 1035 section 4.2.2). */
function tcpQuery(): string {
  const name = Buffer.concat([
    ...'shop.test'
      .split('.')
      .map((l) => Buffer.from([l.length, ...Buffer.from(l)])),
    Buffer.from([0]),
  ])
  const header = Buffer.from([0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0])
  const message = Buffer.concat([header, name, Buffer.from([0, 1, 0, 1])])
  const length = Buffer.from([message.length >> 8, message.length & 0xff])
  return Buffer.concat([length, message]).toString('latin1')
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

/** `count` distinct TCP ports nothing listens on right now. */
async function freePorts(host: string, count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => listenAnywhere(host)),
  )
  const ports = servers.map((s) => (s.address() as { port: number }).port)
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))))
  return ports
}

function listenAnywhere(host: string): Promise<Server> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen({ host, port: 0 }, () => resolvePromise(server))
  })
}

describe('starting and stopping a world', () => {
  it('stop() ends knotd, nginx and every Node server, and removes the temp dir', async () => {
    // With latency, so the proxies are part of what must stop.
    const world = await startWorld({ net: 'auto', latencyMs: 10 })
    const pids = await serversOf(world.dir)
    expect(pids.map((p) => p.name).sort()).toEqual(
      expect.arrayContaining(['knotd', 'knotd', 'nginx']),
    )
    const listeners = world.hosts
      .filter((h) => h.server !== 'none')
      .flatMap((h) => [world.httpPort, world.httpsPort].map((p) => [h, p]))
    const [deadAddress, deadPort] = world.deadResolver.split(':')
    expect(await accepts(deadAddress!, Number(deadPort))).toBe(true)
    await world.stop()
    for (const { pid, name } of pids) {
      expect(await isAlive(pid), `${name} (${pid})`).toBe(false)
    }
    for (const [h, port] of listeners as [WorldHost, number][]) {
      expect(await accepts(h.address, port), `${h.name}:${port}`).toBe(false)
    }
    expect(await accepts(deadAddress!, Number(deadPort))).toBe(false)
    expect(existsSync(world.dir)).toBe(false)
    await world.stop() // a second stop is harmless
  }, 30_000)

  it('names the CDN front when its port is taken, and leaves nothing running', async () => {
    // .1 is the apex, which the Cloudflare-like front answers for.
    const net = 19
    const address = `127.0.${net}.1`
    const port = 18443 + (net - 1) * 100
    const blocker = await occupy(address, port)
    const start = startWorld({ net })
    try {
      await expect(start).rejects.toThrow(
        `Could not start the CDN front: cannot listen on ${address}:${port} (listen EADDRINUSE: address already in use ${address}:${port})`,
      )
    } finally {
      await start.then((w) => w.stop()).catch(() => undefined)
      if (blocker) await new Promise((r) => blocker.close(r))
    }
    expect(await leakedServers()).toEqual([])
  }, 30_000)

  it('names nginx and its error when a port is taken, and leaves nothing running', async () => {
    // 1–19 are for picking by hand; automatic worlds never use them.
    // .3 is admin, which nginx serves itself (no CDN front before it).
    const net = 19
    const address = `127.0.${net}.3`
    const port = 18080 + (net - 1) * 100
    const blocker = await occupy(address, port)
    let error: unknown
    try {
      const world = await startWorld({ net })
      await world.stop()
    } catch (caught) {
      error = caught
    } finally {
      if (blocker) await new Promise((r) => blocker.close(r))
    }
    expect(error).toBeInstanceOf(WorldError)
    const message = (error as WorldError).message
    expect(message).toMatch(/^Could not start nginx: it exited with code 1 \(/)
    expect(message).toContain(
      `bind() to ${address}:${port} failed (98: Address already in use)`,
    )
    expect(await leakedServers()).toEqual([])
  }, 30_000)

  it('names nginx and quotes it when its config is wrong', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'launch-ready-edge-'))
    try {
      const [httpPort, httpsPort] = await freePorts('127.0.18.2', 2)
      const start = startEdge({
        dir,
        httpPort: httpPort!,
        httpsPort: httpsPort!,
        sites: [
          {
            name: 'broken.shop.test',
            address: '127.0.18.2',
            certificate: join(dir, 'missing.pem'),
            key: join(dir, 'missing.key'),
            redirectToHttps: true,
            description: 'a certificate that is not there',
          },
        ],
      })
      await expect(start).rejects.toThrow(
        /^Could not start nginx: it exited with code 1 \(.*\[emerg\] cannot load certificate ".*missing\.pem"/s,
      )
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
    expect(await leakedServers()).toEqual([])
  })

  it('names knotd when the program is missing, and leaves nothing running', async () => {
    await expect(
      startWorld({ net: 'auto', programs: { knotd: '/nonexistent/knotd' } }),
    ).rejects.toThrow(
      'Could not start knotd: /nonexistent/knotd is not an executable file',
    )
    expect(await leakedServers()).toEqual([])
  }, 30_000)
})

/** Listens on address:port; undefined when something else already does. */
function occupy(host: string, port: number): Promise<Server | undefined> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer()
    server.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EADDRINUSE' ? resolvePromise(undefined) : reject(error),
    )
    server.listen({ host, port }, () => resolvePromise(server))
  })
}

interface ServerPid {
  readonly pid: number
  readonly name: string
  readonly cmdline: string
}

/** Every process on the machine with its parent and command line. */
async function processes(): Promise<(ServerPid & { ppid: number })[]> {
  const found: (ServerPid & { ppid: number })[] = []
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8')
      const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8')
      // "pid (comm) state ppid …"; comm may hold spaces, so split after ")".
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (state === 'Z') continue
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
      found.push({
        pid: Number(entry),
        ppid: Number(ppid),
        name,
        cmdline: cmdline.replace(/\0/g, ' '),
      })
    } catch {
      // The process ended while we looked.
    }
  }
  return found
}

/** knotd and nginx processes of the world in `dir`, nginx workers too. */
async function serversOf(dir: string): Promise<ServerPid[]> {
  const all = await processes()
  const mains = all.filter((p) => p.cmdline.includes(dir))
  const children = all.filter((p) => mains.some((m) => m.pid === p.ppid))
  return [...mains, ...children]
}

/**
 * Servers whose world dir is gone. A world removes its dir only after
 * its servers have exited, so any such process has leaked.
 */
async function leakedServers(): Promise<ServerPid[]> {
  const all = await processes()
  return all.filter((p) => {
    const dir = /\/\S*launch-ready-world-[^/\s]+/.exec(p.cmdline)?.[0]
    return dir !== undefined && !existsSync(dir)
  })
}

async function isAlive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return false
  }
}
