import { execFile } from 'node:child_process'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterEach, describe, expect, inject, it } from 'vitest'
import type { JsonReport } from '../../src/core/report/report'
import { runCli } from '../support/cli'
import { testVault } from '../support/keychain'

const world = inject('world')
const vault = testVault()
afterEach(() => vault.clear())

/** Runs the CLI in-process with the test keychain, capturing its output. */
const cli = (argv: string[], stdin = '') => runCli(argv, { stdin, vault })

describe('launch-ready audit', () => {
  it('reports the world as JSON and exits 1 for its blockers', async () => {
    const { code, stdout } = await cli([
      'audit',
      world.workspaceFile,
      '--format',
      'json',
    ])
    expect(code).toBe(1)
    const report = JSON.parse(stdout) as JsonReport
    expect(report).toMatchObject({
      workspace: 'Shop (test world)',
      outcome: 'completed',
    })
    expect(Date.parse(report.startedAt)).not.toBeNaN()
    expect(report.durationMs).toBeGreaterThan(0)
    const blockers = report.findings
      .filter((f) => f.status === 'fail' && f.severity === 'blocker')
      .map((f) => `${f.check} ${f.target}`)
    expect(blockers).toEqual([
      'tls.chain expiring-intermediate.shop.test',
      'tls.expiry expired.shop.test',
      'tls.valid expired.shop.test',
      'tls.valid no-intermediate.shop.test',
      'tls.valid not-yet-valid.shop.test',
      'tls.valid self-signed.shop.test',
      'tls.valid wrong-host.shop.test',
    ])
    expect(report.findings).toContainEqual(
      expect.objectContaining({
        check: 'edge.https-redirect',
        target: 'no-redirect.shop.test',
        status: 'fail',
        severity: 'high',
      }),
    )
    // The healthy canonical host passes every check that applies to it.
    const www = report.findings.filter((f) => f.target === 'www.shop.test')
    expect(www.filter((f) => f.status !== 'pass')).toEqual([])
    expect(Object.keys(report.findings[0]!)).toEqual([
      'check',
      'stage',
      'status',
      'severity',
      'target',
      'title',
      'detail',
      'evidence',
      'fix',
    ])
  })

  it('honours --only and --fail-on', async () => {
    const redirects = await cli([
      'audit',
      world.workspaceFile,
      '--only',
      'edge.https-redirect',
      '--format',
      'json',
      '--fail-on',
      'blocker',
    ])
    const report = JSON.parse(redirects.stdout) as JsonReport
    expect(new Set(report.findings.map((f) => f.check))).toEqual(
      new Set(['edge.https-redirect']),
    )
    // The missing redirect is high, not a blocker.
    expect(redirects.code).toBe(0)
    const strict = await cli([
      'audit',
      world.workspaceFile,
      '--only',
      'edge.',
      '--fail-on',
      'high',
    ])
    expect(strict.code).toBe(1)
    expect(strict.stdout).toMatch(/^# Launch readiness: Shop \(test world\)/)
  })

  it.each([
    [['audit'], /audit takes exactly one workspace file/],
    [
      ['audit', 'a.yaml', '--format', 'xml'],
      /--format must be json or markdown/,
    ],
    [
      ['audit', 'a.yaml', '--fail-on', 'severe'],
      /--fail-on must be one of blocker, high/,
    ],
    [['audit', 'a.yaml', '--only', 'tls.nope'], /Unknown check: tls\.nope/],
    [['audit', 'a.yaml', '--colour'], /Unknown option '--colour'/],
    [['deploy'], /deploy needs mark/],
    [[], /No command given/],
  ])('exits 2 on bad usage %j, saying why', async (argv, message) => {
    const { code, stderr } = await cli(argv)
    expect(code).toBe(2)
    expect(stderr).toMatch(message)
    expect(stderr).toContain('Usage:')
  })

  it('exits 2 on a bad workspace, naming the field and line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lr-cli-'))
    const file = join(dir, 'bad.launchready.yaml')
    await writeFile(
      file,
      'version: 1\nname: x\ndomain: 12.34\ncanonicalOrigin: ftp://x\n',
    )
    const { code, stderr } = await cli(['audit', file])
    expect(code).toBe(2)
    expect(stderr).toMatch(/canonicalOrigin at line 4, column 18/)
  })
})

describe('launch-ready secret', () => {
  it('stores a value read from stdin, lists names only, deletes', async () => {
    const canary = 'canary-value-5d1e'
    const set = await cli(['secret', 'set', 'smtp-password'], `${canary}\n`)
    expect(set).toMatchObject({
      code: 0,
      stderr: 'Stored "smtp-password" in the keychain.\n',
    })
    expect(await vault.get('smtp-password')).toBe(canary)
    const list = await cli(['secret', 'list'])
    expect(list).toMatchObject({ code: 0, stdout: 'smtp-password\n' })
    expect(list.stdout + list.stderr + set.stdout).not.toContain(canary)
    expect(await cli(['secret', 'delete', 'smtp-password'])).toMatchObject({
      code: 0,
    })
    expect(await cli(['secret', 'delete', 'smtp-password'])).toMatchObject({
      code: 1,
      stderr: 'No secret named "smtp-password".\n',
    })
  })

  it('refuses an empty value and a bad name', async () => {
    expect((await cli(['secret', 'set', 'x'], '')).stderr).toMatch(
      /stdin was empty/,
    )
    expect((await cli(['secret', 'set', 'Bad Name'], 'v')).stderr).toMatch(
      /names are 1–64/,
    )
    expect(await vault.list()).toEqual([])
  })
})

describe('the launch-ready command', () => {
  it('runs the built CLI from bin/', async () => {
    const run = promisify(execFile)
    const { stdout } = await run(process.execPath, [
      'bin/launch-ready.js',
      '--help',
    ])
    expect(stdout).toMatch(/^Usage:\n {2}launch-ready audit <workspace>/)
    const error = (await run(process.execPath, [
      'bin/launch-ready.js',
      'audit',
      'missing.yaml',
    ]).catch((e: unknown) => e)) as { code: number; stderr: string }
    expect(error.code).toBe(2)
    expect(error.stderr).toMatch(
      /Could not open the workspace: the file does not exist/,
    )
  })

  it('finds its bundled rules from any folder it is run in', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lr-bin-scan-'))
    const token = ['ghp_', 'R8sW2nqEe7yD4mXvK1cTz9LfUaB3hJ5oPi6G'].join('')
    await writeFile(join(dir, 'config.ts'), `export const t = '${token}'\n`)
    const bin = resolve('bin/launch-ready.js')
    const failed = (await promisify(execFile)(
      process.execPath,
      [bin, 'scan', 'secrets', '.'],
      { cwd: dir },
    ).catch((e: unknown) => e)) as { code: number; stdout: string }
    expect(failed.code).toBe(1)
    expect(failed.stdout).toMatch(/config\.ts:1:\d+ github-pat ghp_…/)
    expect(failed.stdout).not.toContain(token)
  })
})
