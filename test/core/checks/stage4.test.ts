import { beforeAll, describe, expect, inject, it } from 'vitest'
import {
  audit,
  provideSecret,
  workspaceWith,
  type Audited,
} from '../../support/audit'

const world = inject('world')
const stage4 = [
  'cache.',
  'http.compression',
  'http.payload-size',
  'perf.latency',
  'http.request-id',
]
let shop: Audited

/** How many requests reached `path` of the admin app so far. */
async function calls(path: string): Promise<number> {
  const response = await fetch(
    `${world.appOrigin}/__world/calls?path=${encodeURIComponent(path)}`,
  )
  return ((await response.json()) as { calls: number }).calls
}

beforeAll(async () => {
  provideSecret('shop-api-token', world.apiToken)
  shop = await audit(world.workspaceFile, stage4)
}, 120_000)

const asset = (path: string) =>
  shop.findings.find(
    (f) => f.check === 'cache.static' && new URL(f.target).pathname === path,
  )!

describe('cache.static', () => {
  it('passes a hashed, immutable asset the edge serves on repeat', () => {
    const f = asset('/static/app.3f9a8c1e.js')
    expect(f.status).toBe('pass')
    expect(f.title).toMatch(/cached for 1 year\(s\) and served from the edge/)
    expect(f.evidence).toMatchObject({
      hashedName: true,
      repeat: 'cf-cache-status: HIT',
    })
  })

  it('warns about an unhashed asset without validators', () => {
    const f = asset('/static/styles.css')
    expect(f).toMatchObject({ status: 'warn', severity: 'low' })
    expect(f.detail).toMatch(/no ETag or Last-Modified/)
  })

  it('warns that an uncacheable asset is downloaded on every view', () => {
    const f = asset('/static/logo.png')
    expect(f).toMatchObject({ status: 'warn', severity: 'medium' })
    expect(f.detail).toMatch(/not cacheable \(no-store\)/)
  })

  it('never fetches another site’s files', () => {
    expect(shop.findings.some((f) => f.target.includes('elsewhere.test'))).toBe(
      false,
    )
  })
})

describe('cache.private-data', () => {
  it('is a blocker when a logged-in response is publicly cacheable', () => {
    const f = shop.verdict('cache.private-data', 'List customers')
    expect(f).toMatchObject({ status: 'fail', severity: 'blocker' })
    expect(f.detail).toMatch(/may keep it for 600 s/)
    expect(f.fix).toMatch(/^ {2}Cache-Control: private, no-store$/m)
  })

  it('passes a private response, and never shows the credential', () => {
    const f = shop.verdict('cache.private-data', 'List orders')
    expect(f.status).toBe('pass')
    expect(f.evidence['request']).toMatch(
      /with Authorization \(secret:shop-api-token\)$/,
    )
    expect(JSON.stringify(shop.findings)).not.toContain(
      world.apiToken.replace(/^Bearer /, ''),
    )
  })

  it('says which credential is missing when the vault lacks it', async () => {
    provideSecret('shop-api-token', '')
    const without = await audit(world.workspaceFile, ['cache.private-data'], {
      vault: undefined,
    })
    provideSecret('shop-api-token', world.apiToken)
    const f = without.verdict('cache.private-data', 'List orders')
    expect(f).toMatchObject({
      status: 'error',
      title: 'No credential to call List orders',
    })
    expect(f.fix).toMatch(/LAUNCH_READY_SECRET_SHOP_API_TOKEN/)
  })
})

describe('cache.api-reads', () => {
  it('passes validators honoured with 304, warns when there are none', () => {
    expect(shop.verdict('cache.api-reads', 'List orders')).toMatchObject({
      status: 'pass',
      evidence: {
        conditionalStatus: 304,
        conditionalRequest: ['if-none-match'],
      },
    })
    expect(shop.verdict('cache.api-reads', 'Stock levels')).toMatchObject({
      status: 'warn',
      title: 'Stock levels cannot be revalidated',
    })
  })
})

describe('http.compression', () => {
  it('passes gzipped text and warns about text over 1 KB sent plain', () => {
    const page = shop.findings.find(
      (f) => f.check === 'http.compression' && f.target.endsWith('/'),
    )
    expect(page?.title).toMatch(/is compressed with gzip/)
    expect(page?.detail).toMatch(/BREACH/)
    const legacy = shop.findings.find(
      (f) =>
        f.check === 'http.compression' &&
        f.target.endsWith('/static/legacy.js'),
    )
    expect(legacy).toMatchObject({ status: 'warn', severity: 'medium' })
    expect(shop.verdict('http.compression', 'List orders').status).toBe('pass')
  })
})

describe('http.payload-size', () => {
  it('flags a 3 MB export against the 1 MB budget, and passes small reads', () => {
    const f = shop.verdict('http.payload-size', 'Export all orders')
    expect(f).toMatchObject({ status: 'warn', severity: 'medium' })
    expect(f.title).toMatch(/sends 3\.\d MB/)
    expect(shop.verdict('http.payload-size', 'List orders').status).toBe('pass')
  })
})

describe('perf.latency', () => {
  it('fails a read over its p95 budget and names the slow phase', () => {
    const f = shop.verdict('perf.latency', 'Sales report (slow)')
    expect(f).toMatchObject({ status: 'fail', severity: 'high' })
    expect(f.detail).toMatch(/waiting for the server \(first byte\)/)
    expect(f.fix).toMatch(/server's own work/)
    expect(f.evidence['p95Ms']).toBeGreaterThanOrEqual(450)
  })

  it('passes a fast read with its percentiles and distribution', () => {
    const f = shop.verdict('perf.latency', 'List orders')
    expect(f.status).toBe('pass')
    expect(f.evidence).toMatchObject({ samples: 20, budgetMs: 300 })
    const bands = f.evidence['distribution'] as Record<string, number>
    expect(Object.values(bands).reduce((a, b) => a + b, 0)).toBe(20)
  })

  it('samples a write marked safe to repeat, never one that is not', async () => {
    expect(shop.verdict('perf.latency', 'Add an order note').status).toBe(
      'pass',
    )
    expect(shop.verdict('perf.latency', 'Refund an order')).toMatchObject({
      status: 'skip',
      title: 'Refund an order was not called',
    })
    expect(await calls('/api/refunds')).toBe(0)
  })
})

describe('http.request-id', () => {
  it('passes when pages and errors both carry an id (the edge’s cf-ray)', () => {
    const f = shop.verdict('http.request-id', 'https://www.shop.test')
    expect(f).toMatchObject({ status: 'pass', stage: 6 })
    expect(f.evidence['error']).toMatch(/^cf-ray: /)
  })

  it('warns when neither the page nor an error carries one', async () => {
    const file = await workspaceWith(world.workspaceFile, {
      canonicalOrigin: 'https://admin.shop.test',
    })
    const f = (await audit(file, ['http.request-id'])).verdict(
      'http.request-id',
      'https://admin.shop.test',
    )
    expect(f).toMatchObject({ status: 'warn', severity: 'medium' })
    expect(f.title).toBe('Responses carry no request id')
    expect(f.fix).toMatch(/add_header X-Request-ID \$request_id always;/)
  })
})

describe('endpoints that misbehave', () => {
  let bad: Audited
  beforeAll(async () => {
    bad = await audit(
      world.badEndpointsWorkspaceFile,
      ['perf.latency', 'cache.api-reads'],
      {
        netTimeoutMs: 3000,
      },
    )
  }, 120_000)

  it.each([
    ['Never answers', /did not answer in time/, /timed out after 3 s/],
    ['Always fails', /failed 20 of 20 requests \(500\)/, /500/],
    ['Resets mid-response', /broke off request 1/, /reset|closed/],
    ['Never ends', /sends a body that does not end/, /without finishing/],
    [
      'Short of its Content-Length',
      /broke off request 1/,
      /ended after \d+ of the 100000 bytes its Content-Length announced/,
    ],
  ])('perf.latency reports "%s" within its timeout', (name, title, detail) => {
    const f = bad.verdict('perf.latency', name)
    expect(f.status).toBe('fail')
    expect(f.title).toMatch(title)
    expect(f.detail).toMatch(detail)
  })

  it('leaves the healthy endpoint’s result standing', () => {
    expect(bad.verdict('perf.latency', 'List orders').status).toBe('pass')
    expect(bad.verdict('cache.api-reads', 'List orders').status).toBe('pass')
    expect(bad.outcome).toBe('completed')
  })
})
