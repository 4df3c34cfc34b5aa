import { beforeAll, describe, expect, inject, it } from 'vitest'
import { audit, type Audited } from '../../support/audit'

const world = inject('world')
const host = (label: string) => `${label}.${world.domain}`
let shop: Audited

beforeAll(async () => {
  shop = await audit(world.workspaceFile)
})

describe('domain.production-host', () => {
  it('passes a canonical origin on the team’s own domain', () => {
    expect(shop.verdict('domain.production-host', host('www'))).toMatchObject({
      status: 'pass',
      stage: 1,
    })
  })
})

describe('dns.apex, dns.www, dns.subdomains', () => {
  it('pass names that resolve, showing the records and their TTLs', () => {
    const apex = shop.verdict('dns.apex', world.domain)
    expect(apex.status).toBe('pass')
    expect(apex.evidence['records']).toEqual([
      expect.stringMatching(/^A 127\.0\.\d+\.\d+ \(TTL \d+ s\)$/),
    ])
    expect(shop.verdict('dns.www', host('www')).status).toBe('pass')
    expect(shop.verdict('dns.subdomains', host('admin')).status).toBe('pass')
  })
})

describe('dns.nameservers', () => {
  it('passes when both nameservers answer with the same serial', () => {
    const f = shop.verdict('dns.nameservers', world.domain)
    expect(f).toMatchObject({ status: 'pass' })
    expect(f.title).toBe(
      `All 2 nameservers of ${world.domain} answer and agree`,
    )
  })

  it('fails when a nameserver serves an older zone', async () => {
    const stale = await audit(world.scenarios['stale.test'], [
      'dns.nameservers',
    ])
    const f = stale.verdict('dns.nameservers', 'stale.test')
    expect(f).toMatchObject({ status: 'fail', severity: 'high' })
    expect(f.title).toBe(
      'The nameservers of stale.test serve different versions of the zone',
    )
    expect(f.detail).toMatch(/serial \d+ and apex .*; .*serial \d+ and apex/)
  })

  it('fails when a nameserver does not answer, naming it', async () => {
    const lame = await audit(world.scenarios['lame.test'], ['dns.nameservers'])
    const f = lame.verdict('dns.nameservers', 'lame.test')
    expect(f).toMatchObject({ status: 'fail', severity: 'high' })
    expect(f.title).toBe('1 of 2 nameservers of lame.test do not answer')
  })
})

describe('dns.caa', () => {
  it('passes when CAA allows the CA that issued the served certificate', () => {
    const f = shop.verdict('dns.caa', host('admin'))
    expect(f.status).toBe('pass')
    expect(f.detail).toMatch(/CAA at shop\.test allows ca\.launch-ready\.test/)
  })

  it('fails when CAA forbids the CA in use, with the record to add', () => {
    const f = shop.verdict('dns.caa', host('caa-forbidden'))
    expect(f).toMatchObject({ status: 'fail', severity: 'high' })
    expect(f.detail).toMatch(/allows only letsencrypt\.org/)
    expect(f.fix).toMatch(
      /^ {2}caa-forbidden\.shop\.test\. 3600 IN CAA 0 issue "ca\.launch-ready\.test"$/m,
    )
  })

  it('does not compare CAA with an untrusted certificate', () => {
    expect(shop.verdict('dns.caa', host('self-signed')).status).toBe('skip')
  })
})

describe('edge.canonical', () => {
  it('passes every variant of a site that ends on its canonical origin', () => {
    for (const variant of [
      'http://shop.test',
      'http://www.shop.test',
      'https://shop.test',
      'https://www.shop.test',
    ]) {
      expect(shop.verdict('edge.canonical', variant), variant).toMatchObject({
        status: 'pass',
      })
    }
    const apex = shop.verdict('edge.canonical', 'http://shop.test')
    expect(apex.evidence['chain']).toEqual([
      expect.stringMatching(/^301 http:\/\/shop\.test:\d+\/$/),
      expect.stringMatching(/^301 https:\/\/shop\.test:\d+\/$/),
      expect.stringMatching(/^200 https:\/\/www\.shop\.test:\d+\/$/),
    ])
  })

  it.each([
    [
      'split.shop.test',
      'https://split.shop.test',
      'fail',
      /serves the site instead of redirecting/,
    ],
    [
      'downgrade.shop.test',
      'https://downgrade.shop.test',
      'fail',
      /drop back to plain HTTP/,
    ],
    ['loop.shop.test', 'https://loop.shop.test', 'fail', /redirects in a loop/],
    [
      'temporary.shop.test',
      'http://temporary.shop.test',
      'warn',
      /the long way/,
    ],
  ] as const)(
    'says which variant of %s misbehaves',
    async (site, variant, status, title) => {
      const result = await audit(world.scenarios[site], ['edge.canonical'])
      const f = result.verdict('edge.canonical', variant)
      expect(f.status).toBe(status)
      expect(f.title).toMatch(title)
      expect(f.fix).toMatch(/return 301 https:\/\/www\./)
    },
  )
})

describe('edge.hsts', () => {
  it('passes a year of HSTS, warns on a short one, fails a missing one', () => {
    expect(shop.verdict('edge.hsts', host('www'))).toMatchObject({
      status: 'pass',
    })
    expect(shop.verdict('edge.hsts', host('admin'))).toMatchObject({
      status: 'warn',
      severity: 'medium',
      title: `The HSTS max-age of ${host('admin')} is only 1 day(s)`,
    })
    expect(shop.verdict('edge.hsts', host('no-redirect'))).toMatchObject({
      status: 'fail',
    })
  })

  it('warns that includeSubDomains would lock out subdomains without valid HTTPS', () => {
    const f = shop.verdict('edge.hsts', world.domain)
    expect(f).toMatchObject({ status: 'fail', severity: 'high' })
    expect(f.evidence['subdomainsWithoutValidHttps']).toEqual(
      expect.arrayContaining([host('expired'), host('self-signed')]),
    )
  })
})

describe('edge.cdn', () => {
  it('recognises Cloudflare and Fastly by their headers', () => {
    expect(shop.verdict('edge.cdn', host('www')).title).toBe(
      `${host('www')} is behind Cloudflare`,
    )
    expect(shop.verdict('edge.cdn', host('admin')).title).toBe(
      `${host('admin')} is behind Fastly`,
    )
  })

  it('fails a host with no edge in front, with the fix', () => {
    const f = shop.verdict('edge.cdn', host('no-redirect'))
    expect(f).toMatchObject({ status: 'fail', severity: 'high' })
    expect(f.fix).toMatch(/Proxied \(orange cloud\)/)
  })
})

describe('tls.chain', () => {
  it('passes a full chain, fails a missing or expiring intermediate', () => {
    expect(shop.verdict('tls.chain', host('www')).status).toBe('pass')
    expect(shop.verdict('tls.chain', host('no-intermediate'))).toMatchObject({
      status: 'fail',
      severity: 'high',
    })
    const expiring = shop.verdict('tls.chain', host('expiring-intermediate'))
    expect(expiring).toMatchObject({ status: 'fail', severity: 'blocker' })
    expect(expiring.title).toMatch(
      /An intermediate certificate of .* expires in [45] day\(s\)/,
    )
  })
})

describe('tls.protocol', () => {
  it('warns about a server that still accepts TLS 1.0 and 1.1', () => {
    const f = shop.verdict('tls.protocol', host('legacy-tls'))
    expect(f).toMatchObject({ status: 'warn', severity: 'medium' })
    expect(f.evidence['offered']).toMatchObject({
      TLSv1: 'accepted',
      'TLSv1.1': 'accepted',
      'TLSv1.2': 'accepted',
    })
  })

  it('notes a server without TLS 1.3, and passes a modern one', () => {
    expect(shop.verdict('tls.protocol', host('tls12-only'))).toMatchObject({
      status: 'pass',
      detail: 'TLS 1.3 is not offered; turning it on makes connections faster.',
    })
    expect(shop.verdict('tls.protocol', host('www'))).toMatchObject({
      status: 'pass',
      title: `${host('www')} offers TLSv1.2 and TLSv1.3 only`,
    })
  })
})

describe('tls.key', () => {
  it('fails a 1024-bit RSA key and a SHA-1 signature', () => {
    expect(shop.verdict('tls.key', host('weak-key')).detail).toMatch(
      /an RSA key of 1024 bits/,
    )
    expect(shop.verdict('tls.key', host('sha1')).detail).toMatch(
      /signed with sha1WithRSAEncryption|signed with ecdsa-with-SHA1/,
    )
    expect(shop.verdict('tls.key', host('www'))).toMatchObject({
      status: 'pass',
    })
  })
})

describe('tls.valid', () => {
  it('fails a certificate that is not valid yet', () => {
    expect(shop.verdict('tls.valid', host('not-yet-valid')).title).toBe(
      `The certificate of ${host('not-yet-valid')} is not valid yet`,
    )
  })
})

describe('http.security-headers', () => {
  it('passes the page with every header and warns, never blocks, without', () => {
    expect(shop.verdict('http.security-headers', host('www')).status).toBe(
      'pass',
    )
    const admin = shop.verdict('http.security-headers', host('admin'))
    expect(admin).toMatchObject({ status: 'warn', severity: 'low' })
    expect(admin.fix).toMatch(/^ {2}X-Content-Type-Options: nosniff$/m)
    const severities = shop.findings
      .filter((f) => f.check === 'http.security-headers')
      .map((f) => f.severity)
    expect(severities).not.toContain('blocker')
  })

  it('skips a host that only redirects elsewhere', () => {
    expect(shop.verdict('http.security-headers', world.domain).status).toBe(
      'skip',
    )
  })
})

describe('every Stage 2 finding', () => {
  it('says what was measured and, when it is a problem, how to fix it', () => {
    for (const f of shop.findings) {
      expect(
        Object.keys(f.evidence).length,
        `${f.check} ${f.target}`,
      ).toBeGreaterThan(0)
      if (f.status === 'fail' || f.status === 'warn')
        expect(f.fix, `${f.check} ${f.target}`).not.toBe('')
    }
  })
})

describe('tls.expiry on a certificate that has not started', () => {
  it('leaves the verdict to tls.valid', () => {
    expect(shop.verdict('tls.expiry', host('not-yet-valid'))).toMatchObject({
      status: 'skip',
    })
  })
})
