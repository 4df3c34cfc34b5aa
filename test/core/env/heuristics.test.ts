import { describe, expect, it } from 'vitest'
import { parseDotenv } from '../../../src/core/env/dotenv-file'
import { previewValueReason } from '../../../src/core/env/preview-hosts'
import {
  maskSecrets,
  realSecretReason,
  scanText,
} from '../../../src/core/env/secret-heuristic'

// Test keys are assembled so no scanner mistakes this file for a leak.
const LIVE = 'sk_' + 'live_' + '4eC39HqLyjWDarjtT1zdp7dc'
const AWS = 'AKIA' + 'IOSFODNN7EXAMPLF'

describe('parseDotenv', () => {
  it('reads values as dotenv does, with the line of each name', () => {
    const { entries } = parseDotenv(
      [
        '# comment',
        'A=1',
        'export B="two words"',
        "C='single'",
        'D=',
        'A=again',
      ].join('\n'),
    )
    expect([...entries.values()]).toEqual([
      { name: 'A', value: 'again', line: 6 },
      { name: 'B', value: 'two words', line: 3 },
      { name: 'C', value: 'single', line: 4 },
      { name: 'D', value: '', line: 5 },
    ])
  })
})

describe('realSecretReason (example files)', () => {
  it.each([
    ['STRIPE_SECRET_KEY', LIVE, /Stripe live key/],
    ['AWS_ACCESS_KEY_ID', AWS, /AWS access key/],
    ['SLACK_TOKEN', 'xoxb-' + '1234567890-abcdefghijkl', /Slack/],
    ['GH', 'ghp_' + 'a'.repeat(20) + 'B1c2D3e4F5g6H7i8J9', /GitHub/],
    ['SESSION_SECRET', 'q8Zr2LxW9vKp4TnB7yHd3FsJ6mC1', /random-looking/],
    [
      'DATABASE_URL',
      'postgres://app:Xk9vR2mPq7LwZ4tB8nYc@db.internal/app',
      /password/,
    ],
  ])('flags %s as real', (name, value, why) => {
    expect(realSecretReason(name, value)).toMatch(why)
  })

  it.each([
    ['STRIPE_SECRET_KEY', ''],
    ['STRIPE_SECRET_KEY', 'sk_live_your_key_here'],
    ['SESSION_SECRET', 'change-me'],
    ['SESSION_SECRET', '<a long random string>'],
    ['API_KEY', 'xxxxxxxxxxxxxxxxxxxxxxxx'],
    ['API_KEY', '${API_KEY}'],
    ['DATABASE_URL', 'postgres://user:password@localhost:5432/shop'],
    ['PUBLIC_URL', 'https://www.shop.test/assets/v2/index'],
    ['BUILD_ID', 'q8Zr2LxW9vKp4TnB7yHd3FsJ6mC1'],
    ['SESSION_SECRET', 'short1A'],
  ])('leaves %s=%s alone', (name, value) => {
    expect(realSecretReason(name, value)).toBeUndefined()
  })
})

describe('scanText and maskSecrets (build logs)', () => {
  it('finds tokens and secret-named values, redacted, with their line', () => {
    const log = `building\nkey is ${LIVE}\nSESSION_SECRET=q8Zr2LxW9vKp4TnB7yHd3FsJ6mC1\ndone`
    const hits = scanText(log, 'build log')
    expect(hits.map((h) => [h.line, h.rule, h.redacted])).toEqual([
      [2, 'Stripe live key', 'sk_l… (32 chars)'],
      [3, 'secret-named value', 'q8Zr… (28 chars)'],
    ])
    expect(JSON.stringify(hits)).not.toContain(LIVE)
    expect(hits[0]!.fingerprint).toMatch(/^[0-9a-f]{16}$/)
    expect(scanText(log, 'again')[0]!.fingerprint).toBe(hits[0]!.fingerprint)
  })

  it('masks what it finds and leaves the rest of the line', () => {
    expect(maskSecrets(`using ${LIVE} now`)).toBe('using sk_l… (32 chars) now')
    expect(maskSecrets('TOKEN="q8Zr2LxW9vKp4TnB7yHd3FsJ6mC1" ok')).toBe(
      'TOKEN="q8Zr… (28 chars)" ok',
    )
    expect(maskSecrets('compiled 42 modules')).toBe('compiled 42 modules')
  })
})

describe('previewValueReason', () => {
  const listed = new Set(['shop-staging.example.net'])
  it.each([
    ['https://shop-git-main.vercel.app', /vercel\.app/],
    ['https://shop.netlify.app/api', /netlify\.app/],
    ['https://x.pages.dev', /pages\.dev/],
    ['https://shop.herokuapp.com', /herokuapp/],
    ['http://localhost:3000', /this computer/],
    ['postgres://u:p@127.0.0.1:5432/db', /this computer/],
    ['redis://[::1]:6379', /this computer/],
    ['https://staging.shop.test', /staging subdomain/],
    ['preview.shop.test:8080', /preview subdomain/],
    ['https://api.shop-staging.example.net/v1', /listed as a preview/],
  ])('flags %s', (value, why) => {
    expect(previewValueReason(value, listed)).toMatch(why)
  })

  it.each([
    'https://www.shop.test',
    'postgres://u:p@10.0.0.5:5432/db',
    'https://shop-staging.test',
    'production',
    'true',
    '1.5',
    'not a url at all',
  ])('leaves %s alone', (value) => {
    expect(previewValueReason(value, listed)).toBeUndefined()
  })
})
