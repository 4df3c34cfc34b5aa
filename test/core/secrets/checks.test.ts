import { execFileSync } from 'node:child_process'
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { acceptFinding } from '../../../src/core/secrets'
import { audit } from '../../support/audit'

// A key that the aws-access-token rule reports (not AWS's EXAMPLE key,
// which the rule's allowlist accepts).
const AWS_KEY = ['AKIA', 'QYLPMN5HHHFPZAM2'].join('')

let dir: string
let workspaceFile: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'secrets-checks-'))
  const repo = join(dir, 'shop')
  await mkdir(join(repo, 'src'), { recursive: true })
  await writeFile(
    join(repo, 'src/config.ts'),
    `export const key = '${AWS_KEY}'\n`,
  )
  await writeFile(join(repo, 'README.md'), 'A shop.\n')
  execFileSync('git', ['init', '-q'], { cwd: repo })
  await writeFile(
    join(dir, 'build.log'),
    `> build\nexport STRIPE=${['sk_live_', '4eC39HqLyjWDarjtT1zdp7dc'].join('')}\ndone\n`,
  )
  await writeFile(join(dir, 'clean.log'), '> build\nok\n')
  workspaceFile = join(dir, 'shop.launchready.yaml')
  await writeFile(
    workspaceFile,
    [
      'version: 1',
      'name: Shop',
      'domain: shop.example.com',
      'canonicalOrigin: https://shop.example.com',
      'repo:',
      '  path: shop',
      'secrets:',
      '  buildLogs: [build.log, clean.log, missing.log]',
      '',
    ].join('\n'),
  )
})

afterAll(() => rm(dir, { recursive: true, force: true }))

describe('secrets.repo and secrets.build-log', () => {
  it('fail with the file, line, rule, redacted value and fingerprint', async () => {
    const result = await audit(workspaceFile, ['secrets.'])
    const repo = result.verdict('secrets.repo', 'shop')
    expect(repo).toMatchObject({
      status: 'fail',
      severity: 'blocker',
      stage: 3,
    })
    expect(repo.evidence.findings).toEqual([
      expect.objectContaining({
        file: 'src/config.ts',
        line: 1,
        rule: 'aws-access-token',
        redacted: 'AKIA…',
        fingerprint: expect.stringMatching(/^[0-9a-f]{40}$/),
      }),
    ])
    const log = result.verdict('secrets.build-log', 'build.log')
    expect(log).toMatchObject({ status: 'fail', severity: 'blocker' })
    expect(log.evidence.findings).toEqual([
      expect.objectContaining({
        file: 'build.log',
        line: 2,
        rule: 'stripe-access-token',
      }),
    ])
    expect(result.verdict('secrets.build-log', 'clean.log').status).toBe('pass')
    expect(result.verdict('secrets.build-log', 'missing.log')).toMatchObject({
      status: 'error',
      detail: expect.stringContaining('ENOENT'),
    })
    // No finding anywhere holds a secret.
    const everything = JSON.stringify(result.findings)
    expect(everything).not.toContain(AWS_KEY)
    expect(everything).not.toContain('4eC39HqLyjWDarjtT1zdp7dc')
  })

  it('pass once the baseline accepts the finding, and keep its reason', async () => {
    const first = await audit(workspaceFile, ['secrets.repo'])
    const [found] = first.verdict('secrets.repo', 'shop').evidence.findings as {
      fingerprint: string
      rule: string
      file: string
    }[]
    await acceptFinding(
      join(dir, 'shop', '.secrets-baseline.json'),
      found!,
      'a revoked key kept as a test fixture',
    )
    const again = await audit(workspaceFile, ['secrets.repo'])
    const verdict = again.verdict('secrets.repo', 'shop')
    expect(verdict.status).toBe('pass')
    expect(verdict.evidence.findings).toEqual([
      expect.objectContaining({
        accepted: 'a revoked key kept as a test fixture',
      }),
    ])
  })
})
