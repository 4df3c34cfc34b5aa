import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest'
import { AlertDispatcher } from '../../../src/core/monitor/alerts/dispatcher'
import { webhookChannel } from '../../../src/core/monitor/alerts/webhook'
import {
  MonitorService,
  type MonitorEvent,
} from '../../../src/core/monitor/service'
import { createNetwork } from '../../../src/core/net/network'
import { Store } from '../../../src/core/store/store'
import { loadWorkspace } from '../../../src/core/workspace/load'
import {
  WorkspaceSchema,
  type Workspace,
  type WorkspaceInput,
} from '../../../src/shared/workspace'
import { FakeClock } from '../../support/fake-clock'
import { startSite, type TestSite } from '../../support/site'
import { startWebhookReceiver, type WebhookReceiver } from '../../world/webhook'

const world = inject('world')
const WS = '/work/acme.launchready.yaml'
const MINUTE = 60_000

let store: Store
let receiver: WebhookReceiver
let site: TestSite
let references: TestSite[]
let clock: FakeClock
let service: MonitorService | undefined
let events: MonitorEvent[]

beforeEach(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lr-service-'))
  store = new Store(join(dir, 'history.sqlite3'))
  receiver = await startWebhookReceiver()
  site = await startSite()
  references = [await startSite(), await startSite()]
  clock = new FakeClock()
  events = []
})
afterEach(async () => {
  await service?.stop()
  service = undefined
  await Promise.all([site, ...references].map((s) => s.stop()))
  await receiver.stop()
  store.close()
})

async function serve(overrides: Partial<WorkspaceInput> = {}) {
  const workspace = WorkspaceSchema.parse({
    version: 1,
    name: 'Acme shop',
    domain: 'acme.test',
    canonicalOrigin: new URL(site.url).origin,
    monitoring: {
      owner: 'Sam (sam@acme.test)',
      referenceUrls: references.map((r) => r.url),
      confirmAfterSeconds: 30,
      daily: { tls: false, records: false },
      alerts: [{ kind: 'webhook', name: 'ops', url: receiver.origin + '/h' }],
    },
    ...overrides,
  } satisfies WorkspaceInput)
  return start(workspace, WS)
}

async function start(workspace: Workspace, id: string, file?: string) {
  const net = await createNetwork(workspace, file, { timeoutMs: 2000 })
  const dispatcher = new AlertDispatcher({
    queue: store.alerts,
    workspace: id,
    channels: [
      webhookChannel({
        name: 'ops',
        url: receiver.origin + '/h',
        timeoutMs: 2000,
      }),
    ],
    clock,
  })
  service = new MonitorService({
    workspace,
    workspaceId: id,
    net,
    store,
    dispatcher,
    clock,
    onEvent: (e) => void events.push(e),
    scheduler: { random: () => 0.5 },
  })
  return service
}

/** Waits (in real time) for the monitor's I/O to settle on `done`. */
async function until(done: () => boolean, what: string) {
  for (let i = 0; i < 400 && !done(); i++)
    await new Promise((resolve) => setTimeout(resolve, 10))
  if (!done()) throw new Error(`Never happened: ${what}`)
}

const stateOf = (s: MonitorService) => [...s.status().values()][0]!.state
const transitions = () =>
  events.flatMap((e) => (e.type === 'state' ? [`${e.from}→${e.to}`] : []))

describe('MonitorService', () => {
  it('confirms a failure with a re-check before alerting, then alerts recovery', async () => {
    const s = await serve()
    s.start()
    await clock.advance(2000)
    await until(
      () => store.monitor.sampleCount(WS, `uptime ${site.url}`) === 1,
      'first sample',
    )
    expect(stateOf(s)).toBe('up')

    await site.set('error')
    await clock.advance(MINUTE)
    await until(() => stateOf(s) === 'suspect', 'suspect')
    expect(receiver.received()).toEqual([])
    // The re-check comes after confirmAfterSeconds, not a full interval.
    await clock.advance(30_000)
    await until(() => receiver.received().length === 1, 'down alert')
    expect(stateOf(s)).toBe('down')
    const [alert] = receiver.received()
    expect(alert!.body).toMatchObject({
      kind: 'down',
      title: `${site.url} is down`,
      what: 'It answered HTTP 500.',
      owner: 'Sam (sam@acme.test)',
    })

    await site.set('ok')
    await clock.advance(MINUTE)
    await until(() => stateOf(s) === 'recovering', 'recovering')
    await clock.advance(30_000)
    await until(() => receiver.received().length === 2, 'recovered alert')
    expect(stateOf(s)).toBe('up')
    expect(transitions()).toEqual([
      'up→suspect',
      'suspect→down',
      'down→recovering',
      'recovering→up',
    ])
    const [incident] = store.monitor.incidents(WS, 0, clock.now())
    expect(incident!.endedAt).toBeDefined()
    expect(incident!.durationMs).toBeGreaterThanOrEqual(2 * MINUTE)
    expect(incident!.cause).toBe('It answered HTTP 500.')
  })

  it('reports "offline", not "down", when the network drops for 3 minutes', async () => {
    const s = await serve()
    s.start()
    await clock.advance(2000)
    await until(
      () => store.monitor.sampleCount(WS, `uptime ${site.url}`) === 1,
      'first sample',
    )
    // The network drops: the site and every reference endpoint vanish.
    await Promise.all([site, ...references].map((r) => r.set('down')))
    for (let minute = 1; minute <= 3; minute++) {
      const before = store.monitor.sampleCount(WS, `uptime ${site.url}`)
      await clock.advance(MINUTE)
      await until(
        () => store.monitor.sampleCount(WS, `uptime ${site.url}`) > before,
        `sample in minute ${minute}`,
      )
      await until(() => stateOf(s) === 'offline', 'offline')
    }
    await Promise.all([site, ...references].map((r) => r.set('ok')))
    await clock.advance(MINUTE)
    await until(() => stateOf(s) === 'up', 'up again')
    expect(transitions()).toEqual(['up→offline', 'offline→up'])
    expect(receiver.received()).toEqual([])
    expect(store.alerts.list(WS)).toEqual([])
    expect(store.monitor.incidents(WS, 0, clock.now())).toEqual([])
  })

  it('carries a monitor state across a restart', async () => {
    await site.set('error')
    const s = await serve()
    const spec = s.monitors[0]!
    const signal = new AbortController().signal
    await s.runOnce(spec, signal)
    await s.runOnce(spec, signal)
    expect(stateOf(s)).toBe('down')
    await s.stop()
    const again = await serve()
    expect(stateOf(again)).toBe('down')
    await site.set('ok')
    await again.runOnce(spec, signal)
    await again.runOnce(spec, signal)
    await until(() => receiver.received().length === 2, 'both alerts')
    expect(
      receiver.received().map((r) => (r.body as { kind: string }).kind),
    ).toEqual(['down', 'recovered'])
  })

  it('alerts once when a DNS or mail record drifts', async () => {
    const loaded = await loadWorkspace(world.workspaceFile)
    const workspace = {
      ...loaded.workspace,
      monitoring: { ...loaded.workspace.monitoring, referenceUrls: [] },
    }
    const s = await start(workspace, loaded.file, loaded.file)
    const records = s.monitors.find((m) => m.kind === 'records')!
    const signal = new AbortController().signal
    await s.runOnce(records, signal)
    await s.runOnce(records, signal)
    expect(events).toEqual([])
    // What the last check saw differs from what DNS says now.
    const record = `DMARC _dmarc.${workspace.email?.domain ?? workspace.domain}`
    store.monitor.observeRecord(
      loaded.file,
      records.id,
      record,
      'v=DMARC1; p=reject',
      0,
    )
    await s.runOnce(records, signal)
    expect(events).toEqual([
      expect.objectContaining({
        type: 'drift',
        record,
        before: 'v=DMARC1; p=reject',
      }),
    ])
    await until(() => receiver.received().length === 1, 'drift alert')
    expect(receiver.received()[0]!.body).toMatchObject({
      kind: 'drift',
      title: `${record} changed`,
    })
    // Newest first: the change back from the seeded value.
    expect(store.monitor.driftEvents(loaded.file, 0)[0]).toMatchObject({
      before: 'v=DMARC1; p=reject',
    })
  })

  it('after a sleep and a clock set back, samples resume without a burst', async () => {
    const s = await serve()
    const url = `uptime ${site.url}`
    s.start()
    await clock.advance(2000)
    await until(() => store.monitor.sampleCount(WS, url) === 1, 'first sample')
    clock.sleep(5 * 60 * MINUTE)
    await clock.advance(40_000)
    await until(() => store.monitor.sampleCount(WS, url) === 2, 'catch-up')
    clock.setWall(-3 * 60 * MINUTE)
    for (let i = 3; i <= 5; i++) {
      await clock.advance(MINUTE)
      await until(() => store.monitor.sampleCount(WS, url) === i, `sample ${i}`)
    }
    const ats = store.monitor.samples(WS, url, 0, Infinity).map((x) => x.at)
    expect(ats).toHaveLength(5)
    // One catch-up sample after five hours asleep, not three hundred;
    // the later ones carry the wall time as it was set back.
    const first = Math.min(...ats)
    const late = ats.filter((at) => at - first >= 5 * 60 * MINUTE)
    expect(late).toHaveLength(1)
    expect(stateOf(s)).toBe('up')
    expect(receiver.received()).toEqual([])
  })

  it('alerts on a certificate that expired, and not on a valid one', async () => {
    const loaded = await loadWorkspace(world.workspaceFile)
    const workspace = {
      ...loaded.workspace,
      monitoring: { ...loaded.workspace.monitoring, referenceUrls: [] },
    }
    clock = new FakeClock(Date.now())
    const s = await start(workspace, loaded.file, loaded.file)
    const signal = new AbortController().signal
    const tls = (host: string) =>
      s.monitors.find((m) => m.id === `tls ${host}`)!
    for (const host of [`expired.${world.domain}`, `www.${world.domain}`]) {
      await s.runOnce(tls(host), signal)
      await s.runOnce(tls(host), signal)
    }
    await until(() => receiver.received().length === 1, 'certificate alert')
    expect(receiver.received()[0]!.body).toMatchObject({
      kind: 'down',
      title: `The certificate of expired.${world.domain} needs attention`,
      what: expect.stringMatching(/^Its certificate expired on \d{4}-/),
      firstStep: expect.stringMatching(/^Renew the certificate/),
    })
    expect(s.status().get(`tls www.${world.domain}`)!.state).toBe('up')
  })
})
