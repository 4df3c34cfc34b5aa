import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { lookups, startTestWorld, statuses } from './harness'
import { follow } from './probes'
import { scenarioDomain, type World } from './world'

describe('the test world', () => {
  let world: World
  let ca: string

  beforeAll(async () => {
    ;({ world, ca } = await startTestWorld())
  }, 30_000)
  afterAll(() => world?.stop())

  const { addressOf, hostOf, url, get } = lookups(() => ({ world, ca }))

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

    it('serves the shop’s page on the canonical origin, for any path', async () => {
      for (const path of ['/', '/orders/SO-10400']) {
        const answer = await get('https', 'www.shop.test', path)
        expect(answer.status, path).toBe(200)
        expect(answer.headers['content-type']).toBe('text/html; charset=utf-8')
        expect(answer.body).toContain('<title>www.shop.test</title>')
      }
    })

    it('serves the page of every other host without the app', async () => {
      const answer = await get('https', 'admin.shop.test', '/static/app.js')
      expect(answer.status).toBe(200)
      expect(answer.body).toContain('<h1>admin.shop.test</h1>')
      expect(answer.headers['cf-cache-status']).toBeUndefined()
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
})
