import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { audit, type Audited } from '../../support/audit'
import {
  createRepo,
  repoWorkspace,
  type TestRepo,
} from '../../support/git-repo'

const ENV_CHECKS = [
  'env.documented',
  'env.example-clean',
  'env.committed',
  'env.preview-only',
]
// Assembled so no scanner mistakes this file for a leak.
const LIVE = 'sk_' + 'live_' + '51Hx9aQ2bC3dE4fG5hI6jK7l'
const TEST_KEY = 'sk_' + 'test_' + '51Hx9aQ2bC3dE4fG5hI6jK7l'

const ENVIRONMENTS = [
  {
    name: 'production',
    url: 'https://www.shop.test',
    envFile: '.env.production',
  },
  {
    name: 'staging',
    url: 'https://shop-staging.example.net',
    envFile: '.env.staging',
  },
]

describe('the env checks on a repository with every mistake', () => {
  let repo: TestRepo
  let result: Audited
  beforeAll(async () => {
    repo = await createRepo({
      '.gitignore': '.env.production\nnode_modules/\n',
      'src/server.ts': [
        "import { connect } from './db'",
        'const db = connect(process.env.DATABASE_URL)',
        "const stripe = process.env['STRIPE_SECRET_KEY']",
        'const { SMTP_HOST, SMTP_PORT: port } = process.env',
        'if (process.env.FEATURE_GIFT_CARDS) enableGiftCards()',
      ].join('\n'),
      'web/api.ts': 'export const api = import.meta.env.VITE_API_URL\n',
      '.env.example': [
        '# Postgres connection string',
        'DATABASE_URL=postgres://user:password@localhost:5432/shop',
        `STRIPE_SECRET_KEY=${LIVE}`,
        'SMTP_HOST=smtp.example.com',
        'SMTP_PORT=587',
        'VITE_API_URL=https://api.example.com',
        'SENTRY_DSN=',
      ].join('\n'),
      '.env.production': [
        'DATABASE_URL=postgres://shop:pw@127.0.0.1:5432/shop',
        `STRIPE_SECRET_KEY=${TEST_KEY}`,
        'SMTP_HOST=smtp.postmarkapp.com',
        'SMTP_PORT=587',
        'VITE_API_URL=https://shop-git-main.vercel.app',
        'SENTRY_DSN=',
      ].join('\n'),
      '.env.staging': [
        'DATABASE_URL=postgres://shop:Xk9vR2mPq7LwZ4tB8nYc@db.internal/shop',
        'STRIPE_SECRET_KEY=' + TEST_KEY,
        'SMTP_HOST=smtp.postmarkapp.com',
        'SMTP_PORT=587',
        'VITE_API_URL=https://api.shop-staging.example.net',
        'SENTRY_DSN=https://abc@o1.ingest.sentry.io/1',
        'FEATURE_GIFT_CARDS=1',
      ].join('\n'),
    })
    repo.commit()
    const file = await repoWorkspace(repo, { environments: ENVIRONMENTS })
    result = await audit(file, ENV_CHECKS)
  })
  afterAll(() => repo.remove())

  it('names the undocumented variable and where the code reads it', () => {
    const f = result.verdict('env.documented', '.env.example')
    expect(f).toMatchObject({ status: 'fail', severity: 'medium', stage: 3 })
    expect(f.detail).toContain('FEATURE_GIFT_CARDS (read at src/server.ts:5)')
    expect(f.evidence['undocumented']).toEqual([
      { name: 'FEATURE_GIFT_CARDS', readAt: ['src/server.ts:5'] },
    ])
    expect(f.fix).toContain('\n  FEATURE_GIFT_CARDS=')
  })

  it('lists what each environment leaves unset, empty values included', () => {
    const production = result.verdict('env.documented', 'production')
    expect(production).toMatchObject({ status: 'fail', severity: 'high' })
    expect(production.evidence['missing']).toEqual([
      'FEATURE_GIFT_CARDS',
      'SENTRY_DSN',
    ])
    const staging = result.verdict('env.documented', 'staging')
    expect(staging).toMatchObject({ status: 'pass' })
  })

  it('finds the real key in the example file, redacted', () => {
    const f = result.verdict('env.example-clean', 'app')
    expect(f).toMatchObject({ status: 'fail', severity: 'blocker' })
    expect(f.evidence['secrets']).toEqual([
      {
        file: '.env.example',
        line: 3,
        name: 'STRIPE_SECRET_KEY',
        why: 'it looks like a real secret (stripe-access-token)',
        value: 'sk_l… (32 chars)',
      },
    ])
    expect(JSON.stringify(result.findings)).not.toContain(LIVE)
  })

  it('reports the committed env file, not the ignored one', () => {
    const f = result.verdict('env.committed', 'app')
    expect(f).toMatchObject({ status: 'fail', severity: 'blocker' })
    expect(f.evidence).toEqual({
      tracked: ['.env.staging'],
      withSecrets: ['.env.staging'],
    })
    expect(f.fix).toContain('git rm --cached .env.staging')
  })

  it('finds production values pointing at preview hosts and test keys', () => {
    const f = result.verdict('env.preview-only', 'production')
    expect(f).toMatchObject({ status: 'fail', severity: 'high', stage: 1 })
    const problems = f.evidence['problems'] as { name: string }[]
    expect(problems.map((p) => p.name)).toEqual([
      'DATABASE_URL',
      'STRIPE_SECRET_KEY',
      'VITE_API_URL',
    ])
    expect(f.detail).toContain('.env.production:5')
    // Only production is judged; staging may point at staging.
    expect(
      result.findings.filter((x) => x.check === 'env.preview-only'),
    ).toHaveLength(1)
  })
})

describe('the env checks on a tidy repository', () => {
  it('pass', async () => {
    const repo = await createRepo({
      '.gitignore': '.env\n.env.production\n',
      'src/index.js': 'module.exports = process.env.SHOP_NAME\n',
      '.env.example': 'SHOP_NAME=your-shop-name\nSTRIPE_SECRET_KEY=\n',
      '.env.production': 'SHOP_NAME=Shop\nSTRIPE_SECRET_KEY=' + LIVE + '\n',
      '.env': 'SHOP_NAME=Local\n',
    })
    try {
      repo.commit()
      const file = await repoWorkspace(repo, {
        environments: [ENVIRONMENTS[0]],
        previewHosts: ['shop-staging.example.net'],
      })
      const result = await audit(file, ENV_CHECKS)
      expect(
        result.findings.map((f) => `${f.check} ${f.target} ${f.status}`),
      ).toEqual([
        'env.preview-only production pass',
        'env.documented .env.example pass',
        'env.documented production pass',
        'env.example-clean app pass',
        'env.committed app pass',
      ])
    } finally {
      await repo.remove()
    }
  })
})

describe('the env checks without a usable repository', () => {
  it('say so as errors, naming the folder', async () => {
    const repo = await createRepo()
    try {
      // A folder that is not a git repository.
      repo.git('init', '-q')
      const file = await repoWorkspace(repo, {
        repo: { path: 'missing' },
        environments: [ENVIRONMENTS[0]],
      })
      const result = await audit(file, ENV_CHECKS)
      const documented = result.verdict('env.documented', '.env.example')
      expect(documented).toMatchObject({ status: 'error', severity: 'high' })
      expect(documented.detail).toMatch(/missing does not exist/)
      expect(result.verdict('env.committed', 'missing').status).toBe('error')
    } finally {
      await repo.remove()
    }
  })

  it.each([
    ['a folder', async (r: TestRepo) => r.write({ '.env.production/x': '' })],
    [
      'over 1 MB',
      async (r: TestRepo) =>
        r.write({ '.env.production': 'A=' + 'x'.repeat(1024 * 1024) }),
    ],
  ])(
    'report an env file that is %s as an error naming it',
    async (_, spoil) => {
      const repo = await createRepo({ '.env.example': 'A=\n' })
      try {
        repo.commit()
        await spoil(repo)
        const file = await repoWorkspace(repo, {
          environments: [ENVIRONMENTS[0]],
        })
        const result = await audit(file, ENV_CHECKS)
        for (const check of ['env.documented', 'env.preview-only']) {
          const f = result.verdict(check, 'production')
          expect(f).toMatchObject({
            status: 'error',
            title: `Could not read an env file for ${check}`,
          })
          expect(f.detail).toMatch(
            /^Could not read the env file: .*\.env\.production\)$/,
          )
        }
      } finally {
        await repo.remove()
      }
    },
  )

  it('do not run for a workspace without a repository', async () => {
    const repo = await createRepo()
    try {
      const file = await repoWorkspace(repo)
      const { readFile, writeFile } = await import('node:fs/promises')
      const text = await readFile(file, 'utf8')
      await writeFile(file, text.replace(/^repo:\n {2}path: app\n/m, ''))
      const result = await audit(file, ENV_CHECKS)
      expect(result.findings).toEqual([])
    } finally {
      await repo.remove()
    }
  })
})
