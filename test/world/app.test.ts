import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { lookups, startTestWorld } from './harness'
import type { Sent, SendOptions } from './probes'
import {
  API,
  APP_JS,
  appControl,
  ASSET_BYTES,
  EXPORT_BYTES,
  FOREIGN_IMAGE,
  LEGACY_JS,
  LOGO_PNG,
  LOGO_SIZE,
  LYING_LENGTH,
  ROUTE_DELAY_MS,
  STYLES_CSS,
  type World,
} from './world'

// Every request goes the way a browser's would: the Cloudflare-like
// front on www's public address, nginx behind it, the app behind nginx.

const WWW = 'www.shop.test'
const GZIP = { 'accept-encoding': 'gzip' } as const
const REQUEST_ID =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const CF_RAY = /^[0-9a-f]{16}-LHR$/
/** Timers may fire a little early: lower bounds only, and loose. */
const atLeast = (ms: number) => ms * 0.9

/** The body as the app sent it, gzip undone. */
function decoded(sent: Sent): Buffer {
  const gzipped = sent.headers['content-encoding'] === 'gzip'
  return gzipped ? gunzipSync(sent.body) : sent.body
}

function json(sent: Sent): unknown {
  return JSON.parse(decoded(sent).toString('utf8'))
}

/** A path no earlier request used, so the edge cache has not seen it. */
let fresh = 0
const uncached = (path: string) => `${path}?fresh=${Date.now()}-${++fresh}`

describe('the admin app behind www.shop.test', () => {
  let world: World
  let ca: string

  beforeAll(async () => {
    ;({ world, ca } = await startTestWorld())
  }, 30_000)
  afterAll(() => world?.stop())
  beforeEach(() => world.app.reset())

  const { send } = lookups(() => ({ world, ca }))
  const www = (
    path: string,
    options: Omit<SendOptions, 'address' | 'url' | 'ca'> = {},
  ) => send(WWW, path, options)
  const authorized = () => ({ authorization: world.apiToken })

  describe('the page', () => {
    it('is HTML over 1 KB, gzipped when asked, with the site’s headers', async () => {
      const page = await www('/', { headers: GZIP })
      expect(page.status).toBe(200)
      expect(page.headers).toMatchObject({
        'content-type': 'text/html; charset=utf-8',
        'content-encoding': 'gzip',
        vary: 'Accept-Encoding',
        server: 'cloudflare',
        'strict-transport-security': 'max-age=31536000',
        'content-security-policy': "frame-ancestors 'none'",
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'strict-origin-when-cross-origin',
      })
      expect(page.body.length).toBeLessThan(decoded(page).length)
      expect(decoded(page).length).toBeGreaterThan(1024)
      expect(decoded(page).toString()).toContain(`<title>${WWW}</title>`)
    })

    it('is sent as is to a client that does not ask for gzip', async () => {
      const page = await www('/')
      expect(page.headers['content-encoding']).toBeUndefined()
      expect(page.body.toString()).toContain(`<title>${WWW}</title>`)
    })

    it('refers to every static asset, and to an image on another host', async () => {
      const html = (await www('/')).body.toString()
      const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map(
        (m) => m[1],
      )
      expect(refs).toEqual(
        expect.arrayContaining([
          APP_JS,
          STYLES_CSS,
          LEGACY_JS,
          LOGO_PNG,
          FOREIGN_IMAGE,
        ]),
      )
      expect(new URL(FOREIGN_IMAGE).hostname).not.toMatch(/shop\.test$/)
    })
  })

  describe('static assets', () => {
    /** [path, content type, Cache-Control, validators, gzipped, bytes]. */
    const ASSETS = [
      [
        APP_JS,
        'text/javascript',
        'public, max-age=31536000, immutable',
        'etag',
        true,
        ASSET_BYTES.appJs,
      ],
      [
        STYLES_CSS,
        'text/css',
        'public, max-age=300',
        'none',
        true,
        ASSET_BYTES.stylesCss,
      ],
      [
        LEGACY_JS,
        'text/javascript',
        'public, max-age=86400',
        'last-modified',
        false,
        ASSET_BYTES.legacyJs,
      ],
      [LOGO_PNG, 'image/png', 'no-store', 'none', false, 100],
    ] as const

    it.each(ASSETS)(
      '%s is %s with "%s", validators: %s, gzipped: %s',
      async (path, type, cacheControl, validators, gzipped, bytes) => {
        const asset = await www(uncached(path), { headers: GZIP })
        expect(asset.status).toBe(200)
        expect(asset.headers['content-type']).toMatch(new RegExp(`^${type}`))
        expect(asset.headers['cache-control']).toBe(cacheControl)
        expect(asset.headers.etag !== undefined).toBe(validators === 'etag')
        expect(asset.headers['last-modified'] !== undefined).toBe(
          validators === 'last-modified',
        )
        expect(asset.headers['content-encoding']).toBe(
          gzipped ? 'gzip' : undefined,
        )
        expect(decoded(asset).length).toBeGreaterThanOrEqual(bytes)
        // Assets are not the API: no request id from the app.
        expect(asset.headers['x-request-id']).toBeUndefined()
      },
    )

    it('leaves legacy.js uncompressed though it is text over 1 KB', async () => {
      const legacy = await www(LEGACY_JS, { headers: GZIP })
      expect(legacy.headers['content-encoding']).toBeUndefined()
      expect(Number(legacy.headers['content-length'])).toBeGreaterThan(1024)
    })

    it('serves the logo as a real PNG', async () => {
      const png = (await www(LOGO_PNG)).body
      expect(png.subarray(0, 8)).toEqual(
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      )
      expect(png.toString('latin1', 12, 16)).toBe('IHDR')
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([
        LOGO_SIZE,
        LOGO_SIZE,
      ])
      expect(png.toString('latin1', png.length - 8, png.length - 4)).toBe(
        'IEND',
      )
    })

    it.each([APP_JS, STYLES_CSS, LEGACY_JS])(
      'the edge keeps %s: MISS, then HIT with an age, the app asked once',
      async (path) => {
        const at = uncached(path)
        const first = await www(at, { headers: GZIP })
        const second = await www(at, { headers: GZIP })
        expect(first.headers['cf-cache-status']).toBe('MISS')
        expect(first.headers.age).toBeUndefined()
        expect(second.headers['cf-cache-status']).toBe('HIT')
        expect(second.headers.age).toMatch(/^\d+$/)
        expect(decoded(second)).toEqual(decoded(first))
        expect(world.app.calls(path)).toBe(1)
      },
    )

    it('never keeps the no-store logo: MISS every time', async () => {
      const at = uncached(LOGO_PNG)
      for (let i = 0; i < 2; i++) {
        expect((await www(at)).headers['cf-cache-status']).toBe('MISS')
      }
      expect(world.app.calls(LOGO_PNG)).toBe(2)
    })

    it('answers 304 from the cache to the ETag, gzip’s weak one too', async () => {
      const plain = await www(APP_JS)
      const gzipped = await www(APP_JS, { headers: GZIP })
      expect(plain.headers.etag).toMatch(/^"[^"]+"$/)
      // nginx weakens the ETag of what it compresses (RFC 9110 8.8.3).
      expect(gzipped.headers.etag).toBe(`W/${plain.headers.etag}`)
      for (const tag of [plain.headers.etag!, gzipped.headers.etag!]) {
        const again = await www(APP_JS, { headers: { 'if-none-match': tag } })
        expect(again.status, tag).toBe(304)
        expect(again.body.length).toBe(0)
      }
    })

    it('answers an unknown static file with 404', async () => {
      expect((await www('/static/missing.js')).status).toBe(404)
    })
  })

  describe('the API: reads', () => {
    it.each([
      ['no token', {}],
      ['a wrong token', { authorization: 'Bearer wrong' }],
      ['the token without "Bearer"', 'bare'],
    ] as const)('orders and customers refuse %s with 401', async (_, how) => {
      const headers =
        how === 'bare'
          ? { authorization: world.apiToken.replace(/^Bearer /, '') }
          : how
      for (const path of [API.orders, API.customers]) {
        const refused = await www(path, { headers })
        expect(refused.status, path).toBe(401)
        expect(refused.headers['www-authenticate']).toBe(
          'Bearer realm="shop-admin"',
        )
        expect(refused.headers['x-request-id']).toMatch(REQUEST_ID)
        expect(json(refused)).toMatchObject({ error: 'unauthorized' })
      }
    })

    it('orders: ~20 KB of JSON, private, with an ETag and a request id', async () => {
      const orders = await www(API.orders, { headers: authorized() })
      expect(orders.status).toBe(200)
      expect(orders.headers).toMatchObject({
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'private, max-age=0',
        'cf-cache-status': 'DYNAMIC',
      })
      expect(orders.headers.etag).toMatch(/^"[^"]+"$/)
      expect(orders.headers['x-request-id']).toMatch(REQUEST_ID)
      expect(orders.body.length).toBeGreaterThan(18 * 1024)
      expect(json(orders)).toMatchObject({ orders: expect.any(Array) })
      const zipped = await www(API.orders, {
        headers: { ...authorized(), ...GZIP },
      })
      expect(zipped.headers['content-encoding']).toBe('gzip')
      expect(decoded(zipped)).toEqual(orders.body)
    })

    it('orders: 304 to If-None-Match, strong or gzip-weakened, with a request id', async () => {
      const plain = await www(API.orders, { headers: authorized() })
      const gzipped = await www(API.orders, {
        headers: { ...authorized(), ...GZIP },
      })
      expect(gzipped.headers.etag).toBe(`W/${plain.headers.etag}`)
      for (const tag of [plain.headers.etag!, gzipped.headers.etag!]) {
        const headers = { ...authorized(), 'if-none-match': tag }
        const again = await www(API.orders, { headers })
        expect(again.status, tag).toBe(304)
        expect(again.body.length).toBe(0)
        expect(again.headers.etag).toBe(plain.headers.etag)
        expect(again.headers['x-request-id']).toMatch(REQUEST_ID)
      }
      const stale = { ...authorized(), 'if-none-match': '"other"' }
      expect((await www(API.orders, { headers: stale })).status).toBe(200)
    })

    it('gives every response a request id of its own', async () => {
      const ids = await Promise.all(
        [1, 2, 3].map(async () => {
          const sent = await www(API.inventory)
          return sent.headers['x-request-id']
        }),
      )
      expect(new Set(ids).size).toBe(3)
    })

    it('customers: authenticated yet public for 10 minutes, and not kept by the edge', async () => {
      for (let i = 0; i < 2; i++) {
        const customers = await www(API.customers, { headers: authorized() })
        expect(customers.status).toBe(200)
        expect(customers.headers['cache-control']).toBe('public, max-age=600')
        expect(customers.headers['cf-cache-status']).toBe('DYNAMIC')
        expect(json(customers)).toMatchObject({ customers: expect.any(Array) })
      }
      expect(world.app.calls(API.customers)).toBe(2)
    })

    it('inventory: no validators and no Cache-Control at all', async () => {
      const inventory = await www(API.inventory)
      expect(inventory.status).toBe(200)
      expect(inventory.headers['x-request-id']).toMatch(REQUEST_ID)
      for (const header of [
        'etag',
        'last-modified',
        'cache-control',
        'expires',
      ]) {
        expect(inventory.headers[header], header).toBeUndefined()
      }
      const again = await www(API.inventory, {
        headers: { 'if-none-match': '*' },
      })
      expect(again.status).toBe(200)
    })

    it(`the slow report takes at least ${ROUTE_DELAY_MS.slowReport} ms`, async () => {
      const report = await www(API.slowReport)
      expect(report.status).toBe(200)
      expect(report.headers['x-request-id']).toMatch(REQUEST_ID)
      expect(report.ms).toBeGreaterThanOrEqual(
        atLeast(ROUTE_DELAY_MS.slowReport),
      )
    })

    it('export: a 3 MB JSON array, still over 1 MB gzipped', async () => {
      const plain = await www(API.export, { timeoutMs: 20_000 })
      expect(plain.ending).toBe('complete')
      expect(Number(plain.headers['content-length'])).toBeGreaterThanOrEqual(
        EXPORT_BYTES,
      )
      expect(Array.isArray(json(plain))).toBe(true)
      const zipped = await www(API.export, { headers: GZIP, timeoutMs: 20_000 })
      expect(zipped.headers['content-encoding']).toBe('gzip')
      expect(zipped.body.length).toBeGreaterThan(1024 * 1024)
    })
  })

  describe('the API: writes', () => {
    it(`notes: 201 after at least ${ROUTE_DELAY_MS.notes} ms, with a request id`, async () => {
      const note = await www(API.notes, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"order":"SO-10400","note":"Called"}',
      })
      expect(note.status).toBe(201)
      expect(note.headers['x-request-id']).toMatch(REQUEST_ID)
      expect(json(note)).toMatchObject({ saved: true })
      expect(note.ms).toBeGreaterThanOrEqual(atLeast(ROUTE_DELAY_MS.notes))
    })

    it('refunds: every request is counted, whatever its method', async () => {
      expect(world.app.calls(API.refunds)).toBe(0)
      const refund = await www(API.refunds, { method: 'POST', body: '{}' })
      expect(refund.status).toBe(201)
      expect(json(refund)).toMatchObject({ status: 'issued' })
      const probe = await www(API.refunds, { method: 'HEAD' })
      expect(probe.status).toBe(405)
      expect(world.app.calls(API.refunds)).toBe(2)
      world.app.reset()
      expect(world.app.calls(API.refunds)).toBe(0)
    })
  })

  describe('delays', () => {
    it('/api/delay?ms=N answers after N ms with a tiny body and a request id', async () => {
      const delayed = await www(`${API.delay}?ms=200`)
      expect(delayed.status).toBe(200)
      expect(delayed.headers['x-request-id']).toMatch(REQUEST_ID)
      expect(json(delayed)).toEqual({ ms: 200 })
      expect(delayed.ms).toBeGreaterThanOrEqual(atLeast(200))
    })

    it.each(['', '?ms=-1', '?ms=abc', '?ms=60001'])(
      '/api/delay%s is a 400',
      async (query) => {
        const refused = await www(`${API.delay}${query}`)
        expect(refused.status).toBe(400)
        expect(refused.headers['x-request-id']).toBeUndefined()
      },
    )

    it('setDelay() slows a route until reset()', async () => {
      world.app.setDelay(API.inventory, 1500)
      const slowed = await www(API.inventory)
      expect(slowed.ms).toBeGreaterThanOrEqual(atLeast(1500))
      world.app.reset()
      // Far under the delay that was set: it is gone, not merely shorter.
      expect((await www(API.inventory)).ms).toBeLessThan(1500)
    })

    it('setDelay() refuses a path that is no route', () => {
      expect(() => world.app.setDelay('/api/nope', 10)).toThrow(/no route/)
      expect(() => world.app.setDelay(API.orders, -1)).toThrow(/0 ms or more/)
    })

    it('does the same over HTTP for test workers in other processes', async () => {
      const control = appControl(world.app.origin)
      await control.setDelay(API.inventory, 300)
      expect((await www(API.inventory)).ms).toBeGreaterThanOrEqual(atLeast(300))
      expect(await control.calls(API.inventory)).toBe(1)
      await control.reset()
      expect(world.app.calls(API.inventory)).toBe(0)
      await expect(control.setDelay('/nope', 1)).rejects.toThrow(/no route/)
    })
  })

  describe('bad inputs, passed through by the edge as the app sends them', () => {
    it('hang: accepts and never answers, until the client gives up', async () => {
      const hung = await www(API.hang, { timeoutMs: 1000 })
      expect(hung.ending).toBe('timeout')
      expect(hung.status).toBeUndefined()
      expect(hung.ms).toBeGreaterThanOrEqual(atLeast(1000))
      expect(world.app.calls(API.hang)).toBe(1)
    })

    it('fail: 500 with a JSON error and no request id but the edge’s ray', async () => {
      const failed = await www(API.fail)
      expect(failed.status).toBe(500)
      expect(failed.headers['content-type']).toBe(
        'application/json; charset=utf-8',
      )
      expect(json(failed)).toMatchObject({ error: 'internal' })
      expect(failed.headers['x-request-id']).toBeUndefined()
      expect(failed.headers['cf-ray']).toMatch(CF_RAY)
    })

    it('reset: 200 and part of the body, then the connection drops', async () => {
      const reset = await www(API.reset)
      expect(reset.status).toBe(200)
      expect(reset.headers['x-request-id']).toMatch(REQUEST_ID)
      expect(reset.ending).toBe('aborted')
      expect(reset.body.toString()).toMatch(/^\{"orders":\[/)
      expect(() => JSON.parse(reset.body.toString())).toThrow()
    })

    it('endless: 200 and a chunked JSON array that never ends', async () => {
      const endless = await www(API.endless, {
        maxBytes: 1024 * 1024,
        timeoutMs: 10_000,
      })
      expect(endless.status).toBe(200)
      expect(endless.headers['transfer-encoding']).toBe('chunked')
      expect(endless.headers['content-length']).toBeUndefined()
      expect(endless.headers['x-request-id']).toMatch(REQUEST_ID)
      expect(endless.ending).toBe('capped')
      expect(endless.body.toString('utf8', 0, 2)).toBe('[{')
    })

    it('lying-length: declares 100 000 bytes, sends 200, hangs up', async () => {
      const short = await www(API.lyingLength)
      expect(short.status).toBe(200)
      // nginx passes the declared length on, then closes the connection
      // when the app does ("upstream prematurely closed connection").
      expect(short.headers['content-length']).toBe(`${LYING_LENGTH.declared}`)
      expect(short.body.length).toBe(LYING_LENGTH.sent)
      expect(short.ending).toBe('aborted')
    })

    it.each([
      ['GET', '/api/nope', 404],
      ['GET', '/api/orders/123', 404],
      ['POST', API.orders, 405],
      ['DELETE', API.inventory, 405],
    ] as const)(
      '%s %s: %i JSON without a request id',
      async (method, path, status) => {
        const answer = await www(path, { method })
        expect(answer.status).toBe(status)
        expect(answer.headers['content-type']).toBe(
          'application/json; charset=utf-8',
        )
        expect(answer.headers['x-request-id']).toBeUndefined()
        expect(json(answer)).toMatchObject({ error: expect.any(String) })
      },
    )

    it('leaves the app answering after all of them', async () => {
      await Promise.all([
        www(API.hang, { timeoutMs: 200 }),
        www(API.reset),
        www(API.endless, { maxBytes: 64 * 1024 }),
        www(API.lyingLength),
      ])
      const orders = await www(API.orders, { headers: authorized() })
      expect(orders.status).toBe(200)
    })
  })
})
