import { gzipSync, brotliCompressSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { assetUrls, isHashedName } from '../../../src/core/checks/assets'
import { cacheStatus } from '../../../src/core/checks/cache-static'
import { decodeBody, isTextual } from '../../../src/core/checks/endpoints'
import { percentile } from '../../../src/core/checks/latency'
import { formatBytes } from '../../../src/core/checks/payload-size'
import { requestIdOf } from '../../../src/core/checks/request-id'
import type { HttpResponse } from '../../../src/core/net/http'

describe('percentile (nearest rank)', () => {
  const values = Array.from({ length: 20 }, (_, i) => i + 1)
  it.each([
    [50, 10],
    [95, 19],
    [99, 20],
    [100, 20],
    [1, 1],
  ])('p%i of 1..20 is %i', (p, expected) => {
    expect(percentile(values, p)).toBe(expected)
  })
  it('is NaN for no samples', () => {
    expect(percentile([], 95)).toBeNaN()
  })
})

describe('assetUrls', () => {
  it('finds scripts, styles, preloads, icons and images, resolved', () => {
    const html = `<!doctype html><html><head>
      <link rel="stylesheet" href="/static/styles.css">
      <link rel="modulepreload" href="./static/chunk-A1b2C3d4.js">
      <link rel="icon" href="/favicon.ico">
      <link rel="canonical" href="https://www.shop.test/">
      <script src="/static/app.3f9a8c1e.js" defer></script>
      <script>inline()</script>
      </head><body><img src="https://elsewhere.test/pixel.gif">
      <img src="data:image/png;base64,AAAA"><img src="/static/logo.png"><img src="/static/logo.png"></body></html>`
    expect(assetUrls(html, 'https://www.shop.test:8443/')).toEqual([
      'https://www.shop.test:8443/static/styles.css',
      'https://www.shop.test:8443/static/chunk-A1b2C3d4.js',
      'https://www.shop.test:8443/favicon.ico',
      'https://www.shop.test:8443/static/app.3f9a8c1e.js',
      'https://elsewhere.test/pixel.gif',
      'https://www.shop.test:8443/static/logo.png',
    ])
  })
})

describe('isHashedName', () => {
  it.each([
    ['https://a.test/static/app.3f9a8c1e.js', true],
    ['https://a.test/assets/index-BxT3ab9Q.css', true],
    ['https://a.test/static/styles.css', false],
    ['https://a.test/jquery-3.7.1.min.js', false],
    ['https://a.test/vendor.bundle.js', false],
  ])('%s → %s', (url, hashed) => {
    expect(isHashedName(url)).toBe(hashed)
  })
})

describe('cacheStatus', () => {
  it.each([
    [{ 'cf-cache-status': 'HIT' }, true],
    [{ 'cf-cache-status': 'MISS' }, false],
    [{ 'cf-cache-status': 'DYNAMIC' }, false],
    [{ 'x-cache': 'Hit from cloudfront' }, true],
    [{ age: '42' }, true],
    [{ age: '0' }, false],
    [{}, false],
  ])('%j → hit %s', (headers, hit) => {
    expect(cacheStatus(headers).hit).toBe(hit)
  })
})

describe('decodeBody', () => {
  const json = Buffer.from(JSON.stringify({ orders: Array(500).fill('x') }))
  const response = (body: Buffer, encoding?: string, truncated = false) =>
    ({
      body,
      truncated,
      headers: encoding ? { 'content-encoding': encoding } : {},
    }) as unknown as HttpResponse
  it.each([
    ['gzip', gzipSync(json)],
    ['br', brotliCompressSync(json)],
  ])('undoes %s', async (encoding, body) => {
    const decoded = await decodeBody(response(body, encoding), 1 << 20)
    expect(decoded).toMatchObject({
      bytes: json.length,
      complete: true,
      encoding,
    })
    expect(decoded.text).toBe(json.toString())
  })
  it('reports a cut-off body as a lower bound', async () => {
    const body = gzipSync(json).subarray(0, 20)
    const decoded = await decodeBody(response(body, 'gzip', true), 1 << 20)
    expect(decoded.complete).toBe(false)
  })
  it('stops at the limit instead of inflating a bomb', async () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024))
    const decoded = await decodeBody(response(bomb, 'gzip'), 1 << 20)
    expect(decoded).toMatchObject({ bytes: 1 << 20, complete: false })
  })
})

describe('small helpers', () => {
  it.each([
    ['application/json; charset=utf-8', true],
    ['text/html', true],
    ['application/javascript', true],
    ['application/problem+json', true],
    ['image/svg+xml', true],
    ['image/png', false],
    [undefined, false],
  ])('isTextual(%s) is %s', (type, textual) => {
    expect(isTextual(type)).toBe(textual)
  })
  it('formats sizes', () => {
    expect([
      formatBytes(512),
      formatBytes(1536),
      formatBytes(3 * 1024 * 1024),
    ]).toEqual(['512 B', '1.5 KB', '3.0 MB'])
  })
  it('finds request ids by their usual names', () => {
    expect(requestIdOf({ 'x-request-id': 'abc' })).toBe('x-request-id: abc')
    expect(requestIdOf({ 'cf-ray': '8f1c-LHR' })).toBe('cf-ray: 8f1c-LHR')
    expect(requestIdOf({ server: 'nginx' })).toBeUndefined()
  })
})
