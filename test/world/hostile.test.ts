import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { httpRequest, lookups, startTestWorld, statuses } from './harness'
import { TRICKLE_INTERVAL_MS } from './misbehaving'
import { follow, listenFor, listenForTls, request } from './probes'
import {
  HOSTILE_DOMAIN,
  HUGE_BODY_BYTES,
  LONG_CHAIN_HOPS,
  type World,
} from './world'

describe('the test world', () => {
  let world: World
  let ca: string

  beforeAll(async () => {
    ;({ world, ca } = await startTestWorld())
  }, 30_000)
  afterAll(() => world?.stop())

  const { host, addressOf, url } = lookups(() => ({ world, ca }))

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
})
