import { mkdtemp, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { rootCertificates } from 'node:tls'
import { join } from 'node:path'
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { AlertDispatcher } from '../../../src/core/monitor/alerts/dispatcher'
import { MonitorService } from '../../../src/core/monitor/service'
import { createNetwork } from '../../../src/core/net/network'
import { Store } from '../../../src/core/store/store'
import { loadWorkspace } from '../../../src/core/workspace/load'
import type { Finding } from '../../../src/shared/finding'
import { audit, provideSecret, workspaceWith } from '../../support/audit'
import { FakeClock } from '../../support/fake-clock'
import {
  ADMIN_PAGES,
  ADMIN_USER,
  DASHBOARD_TEXT,
  KNOWN_ORDER,
} from '../../world/admin-pages'

const world = inject('world')
const CHROMIUM = '/usr/bin/chromium'
const CHECK = 'monitor.synthetic-login'

const page = (path: string) =>
  `https://www.${world.domain}:${world.httpsPort}${path}`

/** The world's admin login as a workspace describes it. */
const script = (changes: Record<string, unknown> = {}) => ({
  url: page(ADMIN_PAGES.login),
  username: ADMIN_USER,
  usernameField: '#username',
  password: 'secret:admin-password',
  passwordField: '#password',
  submit: '#sign-in',
  dashboardText: DASHBOARD_TEXT,
  criticalAction: {
    name: 'order lookup',
    steps: [
      { action: 'fill', selector: '#order-id', value: KNOWN_ORDER.id },
      { action: 'click', selector: '#look-up' },
    ],
    expectText: KNOWN_ORDER.text,
  },
  budgetMs: 10_000,
  browserPath: CHROMIUM,
  ...changes,
})

async function login(changes: Record<string, unknown> = {}): Promise<Finding> {
  const file = await workspaceWith(world.workspaceFile, {
    monitoring: { syntheticLogin: script(changes) },
  })
  const { findings } = await audit(file, [CHECK])
  expect(findings).toHaveLength(1)
  return findings[0]!
}

const stepsOf = (f: Finding) =>
  (f.evidence.steps as { step: string; ok: boolean }[]).map(
    (s) => `${s.step}:${s.ok ? 'ok' : 'failed'}`,
  )

let shots: string
beforeAll(async () => {
  shots = await mkdtemp(join(tmpdir(), 'lr-synthetic-'))
  process.env.LAUNCH_READY_SCREENSHOTS = shots
  provideSecret('admin-password', world.adminPassword)
})

describe('monitor.synthetic-login', () => {
  it('passes a login that reaches the dashboard and finds the order', async () => {
    const f = await login()
    expect(f, JSON.stringify(f)).toMatchObject({
      status: 'pass',
      stage: 6,
      title: 'The admin login works',
    })
    expect(stepsOf(f)).toEqual([
      'open login page:ok',
      'fill username:ok',
      'fill password:ok',
      'submit:ok',
      'dashboard visible:ok',
      'order lookup:ok',
    ])
    expect(f.evidence.totalMs).toBeLessThan(10_000)
  })

  it('fails a wrong password at the dashboard step and keeps a screenshot', async () => {
    provideSecret('admin-password', 'not-the-password')
    try {
      const f = await login()
      expect(f, JSON.stringify(f)).toMatchObject({
        status: 'fail',
        title: 'The admin login failed at "dashboard visible"',
      })
      expect(f.detail).toMatch(/Wrong user name or password/)
      const shot = f.evidence.screenshot as string
      expect(shot.startsWith(shots) && shot.endsWith('.png')).toBe(true)
      expect((await stat(shot)).size).toBeGreaterThan(1000)
      expect(f.detail).not.toContain('not-the-password')
    } finally {
      provideSecret('admin-password', world.adminPassword)
    }
  })

  it('names the step and the missing field when the login page changed', async () => {
    const started = Date.now()
    const f = await login({ url: `${page(ADMIN_PAGES.login)}?v=2` })
    expect(f, JSON.stringify(f)).toMatchObject({
      status: 'fail',
      title: 'The admin login failed at "fill username"',
    })
    expect(f.detail).toMatch(/No user name field matches "#username"/)
    expect(f.evidence.screenshot).toMatch(/\.png$/)
    expect(Date.now() - started).toBeLessThan(10_000 + 15_000)
    expect(f.evidence.totalMs).toBeLessThan(10_000)
  })

  it('fails a login that runs over its budget, naming the slow step', async () => {
    const f = await login({
      budgetMs: 1500,
      criticalAction: {
        name: 'order lookup',
        url: page(`${ADMIN_PAGES.lookup}?id=${KNOWN_ORDER.id}&ms=3000`),
        expectText: KNOWN_ORDER.text,
      },
    })
    expect(f, JSON.stringify(f)).toMatchObject({
      status: 'fail',
      title: 'The admin login failed at "order lookup"',
    })
    expect(f.detail).toMatch(/over its 1\.5 s budget during "order lookup"/)
    expect(f.evidence.totalMs).toBeLessThan(2500)
  })

  it('refuses a certificate the workspace CA does not vouch for, before the browser loads it', async () => {
    const other = join(shots, 'other-ca.pem')
    await writeFile(other, rootCertificates[0]!)
    const { workspace } = await loadWorkspace(world.workspaceFile)
    const file = await workspaceWith(world.workspaceFile, {
      network: { ...workspace.network, caFile: other },
      monitoring: { syntheticLogin: script() },
    })
    const [f] = (await audit(file, [CHECK])).findings
    expect(f, JSON.stringify(f)).toMatchObject({
      status: 'fail',
      title: 'The admin login failed at "open login page"',
    })
    expect(f!.detail).toMatch(
      /^The certificate of www\.shop\.test:\d+ is not trusted/,
    )
  })

  it('skips a workspace with no scripted login, showing how to add one', async () => {
    const { findings } = await audit(world.workspaceFile, [CHECK])
    expect(findings[0]).toMatchObject({ status: 'skip' })
    expect(findings[0]!.fix).toMatch(/syntheticLogin:/)
  })
})

describe('the synthetic-login monitor', () => {
  async function serve(password: string) {
    const file = await workspaceWith(world.workspaceFile, {
      monitoring: {
        // The world's own page tells the service this machine is online.
        referenceUrls: [page('/')],
        syntheticLogin: script({ intervalMinutes: 5 }),
      },
    })
    const { workspace, file: path } = await loadWorkspace(file)
    const store = new Store(join(shots, `h-${Date.now()}.sqlite3`))
    const clock = new FakeClock()
    const service = new MonitorService({
      workspace,
      workspaceId: path,
      net: await createNetwork(workspace, path),
      store,
      dispatcher: new AlertDispatcher({
        queue: store.alerts,
        workspace: path,
        channels: [],
        clock,
      }),
      clock,
      vault: { get: async () => password },
      screenshotDir: shots,
    })
    const spec = service.monitors.find((m) => m.kind === 'synthetic-login')!
    await service.runOnce(spec, new AbortController().signal)
    const [sample] = store.monitor.samples(path, spec.id, 0, Infinity)
    await service.stop()
    store.close()
    return { spec, sample: sample!, status: service.status().get(spec.id)! }
  }

  it('runs every intervalMinutes and records a sign-in as up', async () => {
    const { spec, sample, status } = await serve(world.adminPassword)
    expect(spec).toMatchObject({
      intervalMs: 5 * 60_000,
      target: page(ADMIN_PAGES.login),
    })
    expect(sample.ok, sample.error ?? '').toBe(true)
    expect(status.state).toBe('up')
  })

  it('records a failed sign-in with its step, to be confirmed', async () => {
    const { sample, status } = await serve('not-the-password')
    expect(sample.ok).toBe(false)
    expect(sample.error).toMatch(/^At "dashboard visible": The login form/)
    expect(status.state).toBe('suspect')
  })
})
