import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EnvCheckReport } from '../../src/cli/env-check'
import { runCli } from '../support/cli'
import { createRepo, repoWorkspace, type TestRepo } from '../support/git-repo'

/** Runs the CLI in-process with `env` as its environment. */
const cli = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
  runCli(argv, { env })

const SECRET_VALUE = 'value-that-must-never-be-printed'

describe('launch-ready env check', () => {
  let repo: TestRepo
  let workspace: string
  beforeAll(async () => {
    repo = await createRepo({
      '.gitignore': '.env.*\n!.env.example\n',
      'src/server.ts': [
        'export const config = {',
        '  db: process.env.DATABASE_URL,',
        "  stripe: process.env['STRIPE_SECRET_KEY'],",
        '  flag: process.env.FEATURE_FLAG,',
        '}',
      ].join('\n'),
      '.env.example': 'DATABASE_URL=\nSTRIPE_SECRET_KEY=\nSENTRY_DSN=\n',
      '.env.staging': `DATABASE_URL=${SECRET_VALUE}\nSTRIPE_SECRET_KEY=x\n`,
    })
    repo.commit()
    workspace = await repoWorkspace(repo, {
      environments: [
        // Production's file lives only on a laptop; CI has the values.
        { name: 'production', envFile: '.env.production' },
        { name: 'staging', envFile: '.env.staging' },
      ],
    })
  })
  afterAll(() => repo.remove())

  const all = {
    DATABASE_URL: SECRET_VALUE,
    STRIPE_SECRET_KEY: SECRET_VALUE,
    SENTRY_DSN: SECRET_VALUE,
    FEATURE_FLAG: '1',
  }

  it('exits 0 when CI sets every variable', async () => {
    const { code, stdout } = await cli(
      ['env', 'check', workspace, '--environment', 'production'],
      all,
    )
    expect(code).toBe(0)
    expect(stdout).toMatch(/values from this process's environment/)
    expect(stdout).toMatch(/^OK: production sets every required variable\.$/m)
    expect(stdout).toMatch(
      /Not documented in \.env\.example \(1\):\n {2}FEATURE_FLAG {2}read at src\/server\.ts:4/,
    )
  })

  it('exits 1 naming each missing variable and where it is read', async () => {
    const { code, stdout } = await cli(
      ['env', 'check', workspace, '--environment', 'production'],
      { DATABASE_URL: SECRET_VALUE, FEATURE_FLAG: '' },
    )
    expect(code).toBe(1)
    expect(stdout).toContain(
      [
        'Missing (3):',
        '  FEATURE_FLAG  read at src/server.ts:4',
        '  SENTRY_DSN  listed in .env.example',
        '  STRIPE_SECRET_KEY  read at src/server.ts:3',
      ].join('\n'),
    )
    expect(stdout).toMatch(/^FAIL: production is missing 3 variable\(s\)/m)
    expect(stdout).not.toContain(SECRET_VALUE)
  })

  it("reads an environment's env file when it exists, as JSON", async () => {
    const { code, stdout } = await cli(
      ['env', 'check', workspace, '-e', 'staging', '--format', 'json'],
      all,
    )
    expect(code).toBe(1)
    const report = JSON.parse(stdout) as EnvCheckReport
    expect(report).toMatchObject({
      environment: 'staging',
      source: 'env-file',
      envFile: '.env.staging',
      ok: false,
      missing: [
        { name: 'FEATURE_FLAG', readAt: ['src/server.ts:4'] },
        { name: 'SENTRY_DSN', readAt: [] },
      ],
    })
    expect(stdout).not.toContain(SECRET_VALUE)
  })

  it('with --strict, fails on an undocumented variable too', async () => {
    const { code } = await cli(
      ['env', 'check', workspace, '--environment', 'production', '--strict'],
      all,
    )
    expect(code).toBe(1)
  })

  it.each([
    [['env'], /env needs check/],
    [['env', 'check'], /exactly one workspace file/],
    [['env', 'check', 'w.yaml'], /needs --environment/],
    [['env', 'check', 'w.yaml', '-e', 'p', '--format', 'xml'], /--format/],
  ])('exits 2 on bad usage %j', async (argv, why) => {
    const { code, stderr } = await cli(argv)
    expect(code).toBe(2)
    expect(stderr).toMatch(why)
  })

  it('exits 2 for an environment the workspace does not declare', async () => {
    const { code, stderr } = await cli([
      'env',
      'check',
      workspace,
      '--environment',
      'prodution',
    ])
    expect(code).toBe(2)
    expect(stderr).toMatch(
      /no environment "prodution" \(it has "production", "staging"\)/,
    )
  })
})
