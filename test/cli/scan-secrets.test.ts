import { execFileSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../support/cli'

const GITHUB = ['ghp_', 'R8sW2nqEe7yD4mXvK1cTz9LfUaB3hJ5oPi6G'].join('')
const STRIPE = ['sk_live_', '4eC39HqLyjWDarjtT1zdp7dc'].join('')

async function cli(argv: string[]) {
  const run = await runCli(argv)
  // Whatever the format, the secrets themselves never leave the scanner.
  expect(run.stdout + run.stderr).not.toContain(GITHUB)
  expect(run.stdout + run.stderr).not.toContain(STRIPE)
  return run
}

let dir: string
let repo: string
let clean: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scan-cli-'))
  repo = join(dir, 'repo')
  clean = join(dir, 'clean')
  const git = (...args: string[]) =>
    execFileSync(
      'git',
      ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args],
      { cwd: repo },
    )
  execFileSync('mkdir', ['-p', repo, clean])
  git('init', '-q')
  await writeFile(join(repo, 'old.ts'), `const s = "${STRIPE}"\n`)
  git('add', '.')
  git('commit', '-qm', 'one')
  await writeFile(join(repo, 'old.ts'), 'const s = process.env.STRIPE\n')
  await writeFile(join(repo, 'app.ts'), `const t = "${GITHUB}"\n`)
  git('add', '.')
  git('commit', '-qm', 'two')
  await writeFile(join(clean, 'a.ts'), 'export const a = 1\n')
  await writeFile(join(dir, 'build.log'), `> build\ntoken ${GITHUB}\n`)
})

afterAll(() => rm(dir, { recursive: true, force: true }))

describe('launch-ready scan secrets', () => {
  it('prints JSON findings and exits 1 when a secret is not accepted', async () => {
    const { code, stdout } = await cli([
      'scan',
      'secrets',
      repo,
      '--format',
      'json',
    ])
    expect(code).toBe(1)
    const report = JSON.parse(stdout)
    expect(report.findings).toEqual([
      expect.objectContaining({
        rule: 'github-pat',
        file: 'app.ts',
        line: 1,
        redacted: 'ghp_…',
        fingerprint: expect.stringMatching(/^[0-9a-f]{40}$/),
      }),
    ])
  })

  it('exits 0 on a clean tree', async () => {
    const { code, stdout } = await cli(['scan', 'secrets', clean])
    expect(code).toBe(0)
    expect(stdout).toMatch(/1 files, 0 findings/)
  })

  it('adds the git history with --history', async () => {
    const { stdout } = await cli([
      'scan',
      'secrets',
      repo,
      '--history',
      '--format',
      'json',
    ])
    const rules = JSON.parse(stdout).findings.map(
      (f: { rule: string; commit?: string }) =>
        `${f.rule} ${f.commit ? 'history' : 'tree'}`,
    )
    expect(rules.sort()).toEqual([
      'github-pat history',
      'github-pat tree',
      'stripe-access-token history',
    ])
  })

  it('scans a log file given instead of a folder', async () => {
    const { code, stdout } = await cli([
      'scan',
      'secrets',
      join(dir, 'build.log'),
    ])
    expect(code).toBe(1)
    expect(stdout).toMatch(/build\.log:2:7 github-pat ghp_…/)
  })

  it('writes SARIF 2.1.0, and accepted findings as suppressions that do not fail', async () => {
    const first = await cli(['scan', 'secrets', repo, '--format', 'json'])
    const [finding] = JSON.parse(first.stdout).findings
    const baseline = join(dir, 'baseline.json')
    await writeFile(
      baseline,
      JSON.stringify({
        version: 1,
        accepted: [
          { fingerprint: finding.fingerprint, reason: 'revoked in March' },
        ],
      }),
    )
    const { code, stdout } = await cli([
      'scan',
      'secrets',
      repo,
      '--format',
      'sarif',
      '--baseline',
      baseline,
    ])
    expect(code).toBe(0)
    const sarif = JSON.parse(stdout)
    expect(sarif).toMatchObject({
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
    })
    expect(sarif.runs).toHaveLength(1)
    const [run] = sarif.runs
    expect(run.tool.driver).toMatchObject({
      name: 'launch-ready',
      rules: [
        { id: 'github-pat', shortDescription: { text: expect.any(String) } },
      ],
    })
    expect(run.results).toEqual([
      {
        ruleId: 'github-pat',
        level: 'error',
        message: { text: expect.stringContaining('ghp_…') },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: 'app.ts' },
              region: { startLine: 1, startColumn: 12 },
            },
          },
        ],
        partialFingerprints: { 'launchReady/v1': finding.fingerprint },
        suppressions: [{ kind: 'external', justification: 'revoked in March' }],
      },
    ])
    expect(run.invocations[0].executionSuccessful).toBe(true)
  })

  it.each([
    [['scan'], /scan needs a kind/],
    [['scan', 'secrets'], /takes exactly one path/],
    [
      ['scan', 'secrets', '.', '--format', 'xml'],
      /--format must be text, json or sarif/,
    ],
    [
      ['scan', 'secrets', 'package.json', '--history'],
      /--history needs a folder/,
    ],
    [['scan', 'secrets', '/no/such/place'], /no such file or folder/],
  ])('rejects %j with exit 2', async (argv, message) => {
    const { code, stderr } = await cli(argv)
    expect(code).toBe(2)
    expect(stderr).toMatch(message)
  })
})
