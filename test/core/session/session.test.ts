import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest'
import { RecentFiles } from '../../../src/core/session/recent'
import { Session, type SessionOptions } from '../../../src/core/session/session'
import { Store } from '../../../src/core/store/store'
import type { Finding } from '../../../src/shared/finding'
import type { ProgressEvent, RunView } from '../../../src/shared/ipc'
import { testVault } from '../../support/keychain'

const world = inject('world')
const vault = testVault()
let dir: string
let store: Store

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lr-session-'))
  store = new Store(join(dir, 'history.sqlite3'))
})
afterEach(async () => {
  store.close()
  await vault.clear()
})

function session(options: Partial<SessionOptions> = {}) {
  return new Session({
    store,
    vault,
    recent: new RecentFiles(join(dir, 'recent.json')),
    ...options,
  })
}

describe('Session', () => {
  it('opens a workspace and remembers it among the recent files', async () => {
    const s = session()
    const view = await s.open(world.workspaceFile)
    expect(view.workspace.domain).toBe(world.domain)
    expect(s.current()?.file).toBe(view.file)
    expect(s.recent()).toEqual([view.file])
  })

  it('says when it brought an older file up to date, and where the original is', async () => {
    const file = join(dir, 'old.launchready.yaml')
    await writeFile(
      file,
      'version: 0\nname: Old\ndomain: old.test\norigin: https://old.test\n',
    )
    const view = await session().open(file)
    expect(view.migrated).toEqual({
      from: 0,
      to: 1,
      backup: join(dir, 'old.launchready.v0.bak.yaml'),
      unsaved: undefined,
    })
    expect(view.workspace.canonicalOrigin).toBe('https://old.test')
  })

  it('keeps the open workspace when another fails to open', async () => {
    const s = session()
    await s.open(world.workspaceFile)
    const broken = join(dir, 'broken.launchready.yaml')
    await writeFile(broken, 'version: 1\nname: [\n')
    await expect(s.open(broken)).rejects.toThrow(/line 3/)
    expect(s.current()?.workspace.domain).toBe(world.domain)
  })

  it('runs the audit with progress, stores it and reports it', async () => {
    const events: ProgressEvent[] = []
    const audits: RunView[] = []
    const s = session({
      onProgress: (e) => events.push(e),
      onAudit: (run) => audits.push(run),
    })
    await s.open(world.workspaceFile)
    const run = await s.runAudit(['tls.'])
    expect(run.outcome).toBe('completed')
    expect(events[0]).toEqual({ type: 'started', total: run.findings.length })
    expect(events.at(-1)).toMatchObject({
      type: 'check-finished',
      done: run.findings.length,
    })
    expect(s.lastRun()).toEqual(run)
    expect(audits).toEqual([run])
    expect(s.history('tls.valid', `admin.${world.domain}`)).toHaveLength(1)
  })

  it('refuses a second audit while one runs, and cancels', async () => {
    const s = session()
    await s.open(world.workspaceFile)
    const first = s.runAudit()
    await expect(s.runAudit()).rejects.toThrow(/an audit is already running/)
    expect(s.cancelAudit()).toBe(true)
    expect((await first).outcome).toBe('cancelled')
    expect(s.cancelAudit()).toBe(false)
  })

  it('reports checks that passed last time and fail now', async () => {
    const regressions: Finding[][] = []
    const onAudit = (_run: RunView, r: readonly Finding[]) =>
      regressions.push([...r])
    await session({ onAudit }).open(world.workspaceFile)
    const today = session({ onAudit })
    await today.open(world.workspaceFile)
    await today.runAudit(['tls.expiry'])
    // A year on, every certificate has run out.
    const later = session({
      onAudit,
      now: () => new Date(Date.now() + 365 * 86_400_000),
    })
    await later.open(world.workspaceFile)
    await later.runAudit(['tls.expiry'])
    expect(regressions[0]).toEqual([])
    const names = regressions[1]!.map((f) => f.target)
    expect(names).toContain(`admin.${world.domain}`)
    // Already failing before: no news.
    expect(names).not.toContain(`expired.${world.domain}`)
  })

  it('says what a re-check fixed and what broke since the run before', async () => {
    const yearOn = () => new Date(Date.now() + 365 * 86_400_000)
    const later = session({ now: yearOn })
    await later.open(world.workspaceFile)
    await later.runAudit()
    expect(later.lastRun()!.changes).toBeUndefined()
    // A year on every certificate has run out; today, only one has.
    const today = session()
    await today.open(world.workspaceFile)
    const recheck = await today.runAudit(['tls.expiry'])
    const fixed = recheck.changes!.fixed.filter((c) => c.check === 'tls.expiry')
    expect(fixed.map((c) => c.target)).toContain(`admin.${world.domain}`)
    expect(fixed.map((c) => c.target)).not.toContain(`expired.${world.domain}`)
    expect(recheck.changes!.broke).toEqual([])
    // The re-check is laid over the full audit, not instead of it.
    expect(recheck.findings.some((f) => f.check === 'dns.apex')).toBe(true)
    expect(today.lastRun()).toEqual(recheck)

    const again = await later.runAudit(['tls.expiry'])
    expect(again.changes!.broke.map((c) => c.target)).toContain(
      `admin.${world.domain}`,
    )
    expect(Date.parse(again.changes!.since)).not.toBeNaN()
  }, 120_000)

  it('accepts a secret finding into the baseline with a reason, never its value', async () => {
    const key = ['AKIA', 'QYLPMN5HHHFPZAM2'].join('')
    await mkdir(join(dir, 'shop', 'src'), { recursive: true })
    await writeFile(join(dir, 'shop', 'src', 'fixture.ts'), `k = '${key}'\n`)
    execFileSync('git', ['init', '-q'], { cwd: join(dir, 'shop') })
    const file = join(dir, 'repo.launchready.yaml')
    await writeFile(
      file,
      [
        'version: 1',
        'name: Shop',
        'domain: shop.example.com',
        'canonicalOrigin: https://shop.example.com',
        'repo: { path: shop }',
      ].join('\n'),
    )
    const s = session()
    await s.open(file)
    const before = await s.runAudit(['secrets.repo'])
    const found = before.findings[0]!
    expect(found.status).toBe('fail')
    const listed = found.evidence.findings as { fingerprint: string }[]
    const fingerprint = listed[0]!.fingerprint

    await expect(s.acceptSecretFinding('0'.repeat(16), 'x')).rejects.toThrow(
      /no finding 0+; run the scan again/,
    )
    await s.acceptSecretFinding(fingerprint, 'A revoked key in a test fixture')
    const baseline = await readFile(
      join(dir, 'shop', '.secrets-baseline.json'),
      'utf8',
    )
    expect(JSON.parse(baseline)).toEqual({
      version: 1,
      accepted: [
        {
          fingerprint,
          rule: 'aws-access-token',
          file: 'src/fixture.ts',
          reason: 'A revoked key in a test fixture',
        },
      ],
    })
    expect(baseline).not.toContain(key)
    const after = await s.runAudit(['secrets.repo'])
    expect(after.findings[0]!.status).toBe('pass')
    expect(after.changes!.fixed).toEqual([
      expect.objectContaining({ check: 'secrets.repo', target: 'shop' }),
    ])
  })

  it('records a handover item in the file and writes the pack from it', async () => {
    const file = join(dir, 'handover.launchready.yaml')
    await writeFile(
      file,
      [
        '# Written by the engineer; keep this comment.',
        (await readFile(world.workspaceFile, 'utf8')).replace(
          /caFile: (\S+)/,
          `caFile: ${join(dirname(world.workspaceFile), '$1')}`,
        ),
      ].join('\n'),
    )
    const s = session()
    await s.open(file)
    const dnsAccess = () =>
      s.handoverChecklist().find((i) => i.id === 'handover.access.dns')!
    expect(dnsAccess().state).toBe('open')
    const after = await s.recordChecklistItem({
      id: 'handover.access.dns',
      done: true,
      owner: 'Sam',
      date: '2026-12-01',
      provider: 'Gandi',
    })
    expect(after.find((i) => i.id === 'handover.access.dns')!.state).toBe(
      'done',
    )
    expect(dnsAccess().state).toBe('done')
    const text = await readFile(file, 'utf8')
    expect(text).toContain('# Written by the engineer; keep this comment.')
    expect(text).toContain('provider: Gandi')

    await s.setSecret('smtp-password', 'never-in-the-pack-9f2c')
    const pack = await s.handoverDocument('md')
    expect(pack).toContain('Gandi')
    expect(pack).toContain('smtp-password')
    expect(pack).not.toContain('never-in-the-pack-9f2c')
  })

  it('lists credentials by name, marking those the workspace needs', async () => {
    const file = join(dir, 'mail.launchready.yaml')
    await writeFile(
      file,
      [
        'version: 1',
        'name: Mail',
        'domain: mail.test',
        'canonicalOrigin: https://mail.test',
        'email:',
        '  smtp: { host: smtp.mail.test, password: "secret:smtp-password" }',
      ].join('\n'),
    )
    const s = session()
    await s.open(file)
    await s.setSecret('stripe-key', 'sk_test_x')
    expect(await s.secrets()).toEqual([
      {
        name: 'smtp-password',
        stored: false,
        referenced: true,
        usedIn: ['email.smtp.password'],
      },
      { name: 'stripe-key', stored: true, referenced: false, usedIn: [] },
    ])
  })

  it('never hands a pasted secret to the window', async () => {
    const file = join(dir, 'leaky.launchready.yaml')
    await writeFile(
      file,
      'version: 1\nname: Leaky\ndomain: leaky.test\ncanonicalOrigin: https://leaky.test\n' +
        'endpoints:\n  - name: orders\n    url: https://leaky.test/api\n' +
        '    headers: { Authorization: "Bearer live-token-123456" }\n',
    )
    const view = await session().open(file)
    expect(JSON.stringify(view)).not.toContain('live-token-123456')
    expect(view.warnings[0]).toMatchObject({
      path: 'endpoints[0].headers.Authorization',
    })
  })
})
