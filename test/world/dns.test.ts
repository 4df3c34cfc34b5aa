import { describe, expect, it, beforeAll, afterAll } from 'vitest'
import { lookups, startTestWorld } from './harness'
import { dig, digFlags, listenFor, resolverAt } from './probes'
import {
  CAA_IDENTITY,
  CANONICAL_SCENARIOS,
  HOSTILE_DOMAIN,
  hostsOf,
  LAME_DOMAIN,
  MANY_A_RECORDS,
  scenarioDomain,
  STALE_DOMAIN,
  type World,
} from './world'

describe('the test world', () => {
  let world: World
  let ca: string

  beforeAll(async () => {
    ;({ world, ca } = await startTestWorld())
  }, 30_000)
  afterAll(() => world?.stop())

  const { host, addressOf } = lookups(() => ({ world, ca }))

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
})

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
