import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { RecentFiles } from '../../../src/core/session/recent'
import { Session } from '../../../src/core/session/session'
import { Store } from '../../../src/core/store/store'
import type { WorkspaceInput } from '../../../src/shared/workspace'
import { memoryVault } from '../../support/memory-vault'
import { startSite, type TestSite } from '../../support/site'
import { startWebhookReceiver, type WebhookReceiver } from '../../world/webhook'

let dir: string
let store: Store
let site: TestSite
let receiver: WebhookReceiver
let session: Session

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lr-monitoring-'))
  store = new Store(join(dir, 'history.sqlite3'))
  site = await startSite()
  receiver = await startWebhookReceiver()
  session = new Session({
    store,
    vault: memoryVault({
      'ops-hook': `${receiver.origin}/services/T0/B0/ops`,
    }),
    recent: new RecentFiles(join(dir, 'recent.json')),
  })
  const workspace: WorkspaceInput = {
    version: 1,
    name: 'Acme shop',
    domain: 'acme.test',
    canonicalOrigin: new URL(site.url).origin,
    monitoring: {
      owner: 'Sam',
      uptime: { urls: [site.url], timeoutSeconds: 2 },
      daily: { tls: false, records: false },
      referenceUrls: [site.url],
      alerts: [{ kind: 'slack', name: 'ops', url: 'secret:ops-hook' }],
    },
  }
  const file = join(dir, 'acme.launchready.yaml')
  await writeFile(file, stringify(workspace))
  await session.open(file)
})

afterEach(async () => {
  await session.stopMonitoring()
  store.close()
  await Promise.all([site.stop(), receiver.stop()])
})

it('shows the monitors and channels before anything has run', () => {
  const view = session.monitoringDashboard()
  expect(view.running).toBe(false)
  expect(view.monitors).toEqual([
    expect.objectContaining({ kind: 'uptime', target: site.url, uptime: {} }),
  ])
  expect(view.channels).toEqual([{ name: 'ops', kind: 'slack' }])
})

it('runs the monitors until stopped, and the page reads as up', async () => {
  expect((await session.startMonitoring()).running).toBe(true)
  // The first probe comes within a second of the start (one job).
  await expect
    .poll(() => session.monitoringDashboard().monitors[0]!.uptime.day, {
      timeout: 10_000,
    })
    .toBe(1)
  expect(session.monitoringDashboard().monitors[0]!.state).toBe('up')
  await session.stopMonitoring()
  expect(session.monitoringDashboard().running).toBe(false)
})

it('sends a test alert through a channel and records the delivery', async () => {
  expect(await session.sendTestAlert('ops')).toEqual({
    ok: true,
    channel: 'ops',
  })
  expect(receiver.received()).toEqual([
    expect.objectContaining({ path: '/services/T0/B0/ops', answer: 'ok' }),
  ])
  expect(session.monitoringDashboard().channels[0]!.deliveredAt).toEqual(
    expect.any(Number),
  )
  const missing = await session.sendTestAlert('nowhere')
  expect(missing).toMatchObject({ ok: false, channel: 'nowhere' })
})
