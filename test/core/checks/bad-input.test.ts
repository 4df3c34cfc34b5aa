import { beforeAll, describe, expect, inject, it } from 'vitest'
import { audit, type Audited } from '../../support/audit'

const world = inject('world')
const hostile = (label: string) => `${label}.hostile.shop.test`
let result: Audited

beforeAll(async () => {
  // Short network timeouts keep the hostile hosts quick to give up on.
  result = await audit(world.hostileWorkspaceFile, undefined, {
    deadlineMs: 90_000,
    checkTimeoutMs: 20_000,
    netTimeoutMs: 3000,
  })
}, 120_000)

describe('an audit of hostile hosts', () => {
  it('completes, with the healthy hosts still judged', () => {
    expect(result.outcome).toBe('completed')
    expect(result.verdict('tls.valid', 'www.hostile.shop.test').status).toBe(
      'pass',
    )
  })

  it.each([
    ['edge.https-redirect', 'redirect-loop', 'fail', /go round in a loop/],
    ['http.security-headers', 'redirect-loop', 'error', /redirects in a loop/],
    ['edge.https-redirect', 'long-chain', 'fail', /more than 10 hops/],
    ['http.security-headers', 'long-chain', 'error', /more than 5 times/],
    [
      'tls.valid',
      'silent-tls',
      'error',
      /timed out after \d+(\.\d)? s in the TLS handshake/,
    ],
    [
      'edge.https-redirect',
      'silent-tls',
      'error',
      /timed out after \d+(\.\d)? s waiting for the response headers/,
    ],
    [
      'edge.https-redirect',
      'trickle',
      'error',
      /timed out after \d+(\.\d)? s waiting for the response headers/,
    ],
    ['http.security-headers', 'trickle', 'error', /timed out after/],
    [
      'edge.https-redirect',
      'huge-body',
      'fail',
      /answered 200 instead of a redirect/,
    ],
    ['dns.subdomains', 'cname-loop', 'fail', /form a loop/],
    ['tls.valid', 'cname-loop', 'error', /resolve/],
  ] as const)(
    '%s on %s ends as %s, saying what happened',
    (check, label, status, said) => {
      const f = result.verdict(check, hostile(label))
      expect(f.status).toBe(status)
      expect(`${f.title} ${f.detail}`).toMatch(said)
    },
  )

  it('reads only the start of a 50 MB body', () => {
    const f = result.verdict('edge.https-redirect', hostile('huge-body'))
    expect(f.evidence).toMatchObject({
      contentLength: String(50 * 1024 * 1024),
    })
  })

  it('gets a truncated UDP answer in full over TCP', () => {
    const f = result.verdict('dns.subdomains', hostile('many-a'))
    expect(f.status).toBe('pass')
    expect(f.evidence['records']).toHaveLength(150)
  })
})

describe('an audit through a DNS server that never answers', () => {
  it('ends every DNS-dependent check as an error within its timeout', async () => {
    const dead = await audit(
      world.deadDnsWorkspaceFile,
      ['dns.', 'tls.valid'],
      { deadlineMs: 60_000 },
    )
    expect(dead.outcome).toBe('completed')
    for (const f of dead.findings) {
      expect(f.status, `${f.check} ${f.target}`).toBe('error')
      expect(`${f.title} ${f.detail}`).toMatch(
        /no DNS server answered in time|timed out/,
      )
    }
  }, 90_000)
})
