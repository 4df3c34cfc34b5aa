import { describe, expect, it } from 'vitest'
import { allowedIssuers } from '../../../src/core/checks/caa'
import {
  EDGE_SIGNATURES,
  isCloudflareAddress,
} from '../../../src/core/checks/cdn'
import { parseHsts } from '../../../src/core/checks/hsts'
import { previewReason } from '../../../src/core/checks/production-host'
import { isSha1, weakKey } from '../../../src/core/checks/tls-key'
import type { CertificateInfo } from '../../../src/core/net/tls'

describe('parseHsts (RFC 6797 §6.1)', () => {
  it.each([
    [
      'max-age=31536000',
      { maxAge: 31536000, includeSubDomains: false, preload: false },
    ],
    [
      'max-age="600"; includeSubDomains; preload',
      { maxAge: 600, includeSubDomains: true, preload: true },
    ],
    [
      'MAX-AGE=10 ; INCLUDESUBDOMAINS',
      { maxAge: 10, includeSubDomains: true, preload: false },
    ],
  ])('reads %j', (value, policy) => {
    expect(parseHsts(value)).toEqual(policy)
  })

  it.each([
    ['includeSubDomains', 'it has no max-age'],
    ['max-age=abc', 'max-age "abc" is not a number of seconds'],
    ['max-age=1; max-age=2', 'the max-age directive appears twice'],
    ['', 'it has no max-age'],
  ])('rejects %j: %s', (value, reason) => {
    expect(parseHsts(value)).toBe(reason)
  })
})

describe('allowedIssuers (RFC 8659 §4)', () => {
  const records = [
    { critical: 0, issue: 'letsencrypt.org' },
    { critical: 0, issue: 'pki.goog; cansignhttpexchanges=yes' },
    { critical: 0, iodef: 'mailto:security@shop.test' },
  ]
  it('takes the domain before any parameters', () => {
    expect(allowedIssuers(records, false)).toEqual([
      'letsencrypt.org',
      'pki.goog',
    ])
  })
  it('lets issuewild govern wildcard certificates when present', () => {
    const wild = [...records, { critical: 0, issuewild: ';' }]
    expect(allowedIssuers(wild, true)).toEqual([])
    expect(allowedIssuers(records, true)).toEqual([
      'letsencrypt.org',
      'pki.goog',
    ])
  })
  it('reads ";" as no CA at all', () => {
    expect(allowedIssuers([{ critical: 0, issue: ';' }], false)).toEqual([])
  })
})

describe('edge recognition', () => {
  const edgeOf = (headers: Record<string, string>) =>
    EDGE_SIGNATURES.filter((s) => s.matches(headers)).map((s) => s.edge)
  it.each([
    [{ 'cf-ray': '8f1c2b3a4d5e6f70-LHR' }, ['Cloudflare']],
    [{ server: 'cloudflare' }, ['Cloudflare']],
    [{ 'x-served-by': 'cache-lhr7380-LHR', via: '1.1 varnish' }, ['Fastly']],
    [
      { 'x-amz-cf-id': 'abc', via: '1.1 1234.cloudfront.net (CloudFront)' },
      ['Amazon CloudFront'],
    ],
    [{ 'x-vercel-id': 'lhr1::abc' }, ['Vercel']],
    [{ server: 'nginx/1.22.1' }, []],
  ])('recognises %j', (headers, edges) => {
    expect(edgeOf(headers)).toEqual(edges)
  })

  it.each([
    ['104.16.132.229', true],
    ['172.67.1.1', true],
    ['2606:4700::6810:84e5', true],
    ['8.8.8.8', false],
    ['127.0.1.1', false],
    ['not an address', false],
  ])('knows %s is %s Cloudflare', (address, expected) => {
    expect(isCloudflareAddress(address)).toBe(expected)
  })
})

describe('previewReason', () => {
  it.each([
    ['shop-git-main.vercel.app', 'it is a preview host of vercel.app'],
    ['admin.up.railway.app', 'it is a preview host of up.railway.app'],
    ['203.0.113.7', 'it is a bare IP address'],
    ['[2001:db8::1]', 'it is a bare IP address'],
    ['localhost', 'it is localhost'],
    ['www.shop.example', undefined],
    ['vercel.app.shop.example', undefined],
  ])('%s → %s', (host, reason) => {
    expect(previewReason(host)).toBe(reason)
  })
})

describe('key and signature strength', () => {
  const cert = (over: Partial<CertificateInfo>): CertificateInfo => ({
    subject: 'CN=x',
    issuer: 'CN=y',
    validFrom: '',
    validTo: '',
    serialNumber: '',
    fingerprint256: '',
    subjectAltNames: [],
    keyType: 'rsa',
    keyBits: 2048,
    isCA: false,
    selfSigned: false,
    ...over,
  })
  it.each([
    [cert({ keyBits: 1024 }), 'an RSA key of 1024 bits (at least 2048 needed)'],
    [cert({ keyBits: 4096 }), undefined],
    [
      cert({ keyType: 'ec', keyBits: undefined, curve: 'prime256v1' }),
      undefined,
    ],
    [
      cert({ keyType: 'ec', keyBits: undefined, curve: 'secp224r1' }),
      'an EC key on secp224r1 (at least 256 bits needed)',
    ],
    [cert({ keyType: 'ed25519', keyBits: undefined }), undefined],
  ])('judges %j', (c, reason) => {
    expect(weakKey(c)).toBe(reason)
  })
  it('spots SHA-1 signatures by name', () => {
    expect(isSha1('sha1WithRSAEncryption')).toBe(true)
    expect(isSha1('ecdsa-with-SHA1')).toBe(true)
    expect(isSha1('sha256WithRSAEncryption')).toBe(false)
  })
})
