import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { Store } from '../../../src/core/store/store'
import { startSite, type TestSite } from '../../support/site'
import { audit, workspaceWith } from '../../support/audit'

const world = inject('world')

let store: Store
let broken: TestSite
beforeAll(async () => {
  store = new Store(
    join(await mkdtemp(join(tmpdir(), 'lr-route-')), 'h.sqlite3'),
  )
  broken = await startSite()
  await broken.set('error')
})
afterAll(async () => {
  store.close()
  await broken.stop()
})

describe('monitor.uptime', () => {
  it('passes a page that answers, saying how often it is watched', async () => {
    const shop = await audit(world.workspaceFile, ['monitor.uptime'])
    const [f] = shop.findings
    expect(f, JSON.stringify(f)).toMatchObject({ status: 'pass', stage: 6 })
    expect(f!.detail).toMatch(/every 1 min/)
    expect(f!.evidence.status).toBe(200)
  })

  it('fails a page that answers 500', async () => {
    const file = await workspaceWith(world.workspaceFile, {
      monitoring: { uptime: { urls: [broken.url] } },
    })
    const f = (await audit(file, ['monitor.uptime'])).verdict(
      'monitor.uptime',
      broken.url,
    )
    expect(f).toMatchObject({ status: 'fail', severity: 'high' })
    expect(f.detail).toMatch(/^It answered HTTP 500\./)
  })
})

describe('monitor.alert-route', () => {
  const route = async (file: string) =>
    (await audit(file, ['monitor.alert-route'], { alertLog: store.alerts }))
      .findings[0]!

  it('fails with no channel, showing how to add one', async () => {
    const f = await route(world.workspaceFile)
    expect(f).toMatchObject({
      status: 'fail',
      title: 'No alert channel is set up',
    })
    expect(f.fix).toMatch(/kind: slack/)
  })

  it('fails until a channel has delivered, then passes', async () => {
    const file = await workspaceWith(world.workspaceFile, {
      monitoring: {
        owner: 'Sam (sam@shop.test)',
        alerts: [{ kind: 'webhook', name: 'ops', url: 'http://127.0.0.1:9/' }],
      },
    })
    expect(await route(file)).toMatchObject({
      status: 'fail',
      title: 'No alert has reached anyone yet',
    })
    store.alerts.enqueue(
      {
        workspace: file,
        key: 'test:ops:1',
        channel: 'ops',
        kind: 'test',
        alert: '{}',
      },
      1000,
    )
    const [row] = store.alerts.list(file)
    store.alerts.markDelivered(row!.id, 1, 2000)
    expect(await route(file)).toMatchObject({
      status: 'pass',
      evidence: { lastChannel: 'ops', lastKind: 'test' },
    })
  })
})
