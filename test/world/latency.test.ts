import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestWorld } from './harness'
import { dig, request, resolverAt, send } from './probes'
import { API, HOSTILE_DOMAIN, MANY_A_RECORDS, type World } from './world'

describe('a world with latency', () => {
  const LATENCY_MS = 100
  /** Timers may fire a little early; the bound stays loose on purpose. */
  const atLeast = (roundTrips: number) => roundTrips * LATENCY_MS * 0.8
  let world: World
  let ca: string

  beforeAll(async () => {
    ;({ world, ca } = await startTestWorld({ latencyMs: LATENCY_MS }))
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

  it('passes the admin API through the proxies, its own delay on top', async () => {
    const delayed = await send({
      address: www().address,
      url: `https://${www().name}:${world.httpsPort}${API.delay}?ms=100`,
      ca,
    })
    expect(delayed.status).toBe(200)
    // The TLS handshake and the request: two round trips, then 100 ms.
    expect(delayed.ms).toBeGreaterThanOrEqual(atLeast(2) + 90)
  })
})
