import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest'
import {
  downAlert,
  driftAlert,
  recoveredAlert,
} from '../../../src/core/monitor/alerts/alert'
import {
  DeliveryError,
  type AlertChannel,
} from '../../../src/core/monitor/alerts/channel'
import { AlertDispatcher } from '../../../src/core/monitor/alerts/dispatcher'
import { emailChannel } from '../../../src/core/monitor/alerts/email'
import { slackChannel } from '../../../src/core/monitor/alerts/slack'
import { trayChannel } from '../../../src/core/monitor/alerts/tray'
import { webhookChannel } from '../../../src/core/monitor/alerts/webhook'
import { createNetwork } from '../../../src/core/net/network'
import { Store } from '../../../src/core/store/store'
import { loadWorkspace } from '../../../src/core/workspace/load'
import { FakeClock } from '../../support/fake-clock'
import { mailControl } from '../../world/mail-control'
import { startWebhookReceiver, type WebhookReceiver } from '../../world/webhook'

const world = inject('world')
const WS = '/work/acme.launchready.yaml'
const T0 = Date.UTC(2026, 0, 1, 9)

let store: Store
let receiver: WebhookReceiver
let clock: FakeClock
let dispatcher: AlertDispatcher | undefined

beforeEach(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lr-alerts-'))
  store = new Store(join(dir, 'history.sqlite3'))
  receiver = await startWebhookReceiver()
  clock = new FakeClock(T0)
})
afterEach(async () => {
  await dispatcher?.stop()
  dispatcher = undefined
  await receiver.stop()
  store.close()
})

const facts = {
  site: 'Acme shop',
  monitor: 'uptime https://www.acme.test/',
  target: 'https://www.acme.test/',
  owner: 'Sam (sam@acme.test)',
  at: T0,
}
const down = downAlert(facts, 'HTTP 502 from the origin', T0 - 90_000)

function dispatch(channels: AlertChannel[], options = {}) {
  dispatcher = new AlertDispatcher({
    queue: store.alerts,
    workspace: WS,
    channels,
    clock,
    random: () => 0.5,
    timeoutMs: 400,
    ...options,
  })
  return dispatcher
}

const hook = (path = '/hook', timeoutMs = 400) =>
  webhookChannel({ name: 'ops', url: receiver.origin + path, timeoutMs })

/** Lets the retry timer fire and waits for its delivery. */
async function retryAfter(ms: number) {
  await clock.advance(ms)
  await dispatcher!.drain()
}

describe('alerts', () => {
  it('name the monitor, what failed, since when, the owner and a first step', () => {
    expect(down).toMatchObject({
      kind: 'down',
      title: 'https://www.acme.test/ is down',
      what: 'HTTP 502 from the origin',
      since: '2026-01-01T08:58:30.000Z',
      owner: 'Sam (sam@acme.test)',
    })
    expect(down.firstStep).toMatch(/roll back/)
    const back = recoveredAlert({ ...facts, at: T0 + 600_000 }, T0 - 90_000)
    expect(back.what).toMatch(/about 12 min down/)
    const drift = driftAlert(
      facts,
      'TXT _dmarc.acme.test',
      'p=reject',
      'p=none',
    )
    expect(drift.what).toBe('Was "p=reject", now "p=none".')
    const anonymous = downAlert({ ...facts, owner: undefined }, 'x', T0)
    expect(anonymous.owner).toMatch(/set monitoring.owner/)
  })
})

describe('alert delivery', () => {
  it('retries a webhook that answered 500 and delivers once, no duplicate', async () => {
    receiver.script('/hook', ['fail'])
    const d = dispatch([hook()])
    await d.raise(down)
    const [first] = store.alerts.list(WS)
    expect(first).toMatchObject({ state: 'pending', attempts: 1 })
    expect(first!.lastError).toMatch(/answered 500/)
    // Backoff: not before base/2, so nothing happens a second later.
    await retryAfter(1000)
    expect(receiver.received()).toHaveLength(1)
    await retryAfter(5000)
    expect(store.alerts.list(WS)).toEqual([
      expect.objectContaining({ state: 'delivered', attempts: 2 }),
    ])
    // The same event raised again is neither queued nor sent again.
    await d.raise(down)
    await retryAfter(60_000)
    const answers = receiver.received().map((r) => r.answer)
    expect(answers).toEqual(['fail', 'ok'])
    const keys = new Set(receiver.received().map((r) => r.idempotencyKey))
    expect(keys).toEqual(new Set([down.key]))
    expect(receiver.received()[1]!.body).toEqual(down)
  })

  it('delivers after a restart what was still waiting, once', async () => {
    receiver.script('/hook', ['fail'])
    const first = dispatch([hook()])
    await first.raise(down)
    await first.stop()
    dispatcher = undefined
    // A new process over the same history: the alert is still queued.
    const second = dispatch([hook()])
    await clock.advance(10_000)
    await second.drain()
    expect(receiver.received().map((r) => r.answer)).toEqual(['fail', 'ok'])
    expect(store.alerts.list(WS)).toEqual([
      expect.objectContaining({ state: 'delivered', attempts: 2 }),
    ])
  })

  it('abandons a webhook that hangs after its timeout and retries it', async () => {
    receiver.script('/hook', ['hang'])
    const d = dispatch([hook('/hook', 300)])
    await d.raise(down)
    const [first] = store.alerts.list(WS)
    expect(first).toMatchObject({ state: 'pending', attempts: 1 })
    expect(first!.lastError).toMatch(/timed out after 0\.3 s/)
    await retryAfter(10_000)
    expect(store.alerts.list(WS)[0]).toMatchObject({ state: 'delivered' })
    expect(receiver.received().map((r) => r.answer)).toEqual(['hang', 'ok'])
  })

  it('backs off exponentially and gives up after the last attempt', async () => {
    // A channel that fails at once, so the clock alone sets the pace.
    const tries: number[] = []
    const refusing: AlertChannel = {
      name: 'ops',
      kind: 'webhook',
      send: async () => {
        tries.push(clock.now())
        throw new DeliveryError('ops', 'the server answered 500')
      },
    }
    const d = dispatch([refusing], { maxAttempts: 4, baseDelayMs: 1000 })
    await d.raise(down)
    await retryAfter(60_000)
    // ¾ of 1 s, 2 s, 4 s: the jitter at its middle.
    const waits = tries.slice(1).map((t, i) => t - tries[i]!)
    expect(waits).toEqual([750, 1500, 3000])
    expect(store.alerts.list(WS)[0]).toMatchObject({
      state: 'failed',
      attempts: 4,
    })
  })

  it('does not retry what the server refused as invalid', async () => {
    // The generic body has no `text`, so Slack's path answers 400.
    const d = dispatch([hook('/services/T0/B0/x')])
    await d.raise(down)
    expect(store.alerts.list(WS)[0]).toMatchObject({
      state: 'failed',
      attempts: 1,
      lastError: expect.stringMatching(/answered 400 \("invalid_payload"\)/),
    })
  })

  it('keeps an alert queued for every channel while one of them fails', async () => {
    receiver.script('/a', ['fail', 'fail'])
    const shown: string[] = []
    const d = dispatch([
      webhookChannel({
        name: 'a',
        url: receiver.origin + '/a',
        timeoutMs: 400,
      }),
      slackChannel({
        name: 'slack',
        url: receiver.origin + '/services/T0/B0/x',
        timeoutMs: 400,
      }),
      trayChannel('tray', { notify: (n) => void shown.push(n.title) }),
    ])
    await d.raise(down)
    expect(shown).toEqual(['https://www.acme.test/ is down'])
    const slack = receiver
      .received()
      .find((r) => r.path.startsWith('/services'))
    const body = slack!.body as { text: string; blocks: unknown[] }
    expect(body.text).toContain('https://www.acme.test/ is down')
    expect(JSON.stringify(body.blocks)).toContain('Sam (sam@acme.test)')
    expect(JSON.stringify(body.blocks)).toContain('First step')
    const states = () =>
      Object.fromEntries(store.alerts.list(WS).map((r) => [r.channel, r.state]))
    expect(states()).toEqual({
      a: 'pending',
      slack: 'delivered',
      tray: 'delivered',
    })
    await retryAfter(10_000)
    await retryAfter(20_000)
    expect(states().a).toBe('delivered')
  })

  it('drops the oldest waiting alerts past the queue bound', async () => {
    receiver.script('/hook', Array(10).fill('fail'))
    const d = dispatch([hook()], { maxPending: 2 })
    for (let i = 0; i < 4; i++) {
      await d.raise(downAlert(facts, 'HTTP 502', T0 + i))
    }
    const states = store.alerts.list(WS).map((r) => r.state)
    expect(states).toEqual(['pending', 'pending', 'dropped', 'dropped'])
  })

  it('sends a test alert per channel and records the delivery', async () => {
    const d = dispatch([hook(), hook('/down', 400)])
    expect(store.alerts.lastDelivered(WS)).toBeUndefined()
    expect(await d.sendTest('ops', 'Acme shop')).toEqual({
      ok: true,
      channel: 'ops',
    })
    expect(store.alerts.lastDelivered(WS)).toMatchObject({
      channel: 'ops',
      kind: 'test',
    })
    expect(await d.sendTest('nope', 'Acme shop')).toMatchObject({
      ok: false,
      error: 'There is no alert channel named "nope".',
    })
  })

  it('reports a test alert the server refused, in words', async () => {
    receiver.script('/hook', ['fail'])
    const d = dispatch([hook()])
    const result = await d.sendTest('ops', 'Acme shop')
    expect(result).toMatchObject({ ok: false })
    expect(!result.ok && result.error).toMatch(
      /^Could not deliver the alert: the server answered 500/,
    )
  })

  it('emails an alert through the workspace SMTP account', async () => {
    const loaded = await loadWorkspace(world.mail.workspaces['shop.test']!)
    const smtp = loaded.workspace.email!.smtp!
    const net = await createNetwork(loaded.workspace, loaded.file)
    const channel = emailChannel({
      name: 'email',
      smtp,
      to: ['ops@shop.test'],
      domain: 'shop.test',
      password: async () => world.mail.smtpPassword,
      ca: net.ca,
      address: async (host) => (await net.resolver.addresses(host))[0]?.address,
      timeoutMs: 10_000,
    })
    const d = dispatch([channel], { timeoutMs: 10_000 })
    const alert = downAlert(
      { ...facts, monitor: `uptime ${Date.now()}` },
      'HTTP 502',
      T0,
    )
    await d.raise(alert)
    expect(store.alerts.list(WS)[0]).toMatchObject({ state: 'delivered' })
    const mail = await mailControl(world.mail.origin).received()
    const sent = mail.filter((m) => m.headers.includes(alert.key))
    expect(sent).toHaveLength(1)
    expect(sent[0]).toMatchObject({
      subject: '[Acme shop] https://www.acme.test/ is down',
      to: ['ops@shop.test'],
    })
    expect(JSON.stringify(mail)).not.toContain(world.mail.smtpPassword)
  })
})
