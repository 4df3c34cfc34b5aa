import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  startWebhookReceiver,
  webhookControl,
  type WebhookReceiver,
} from './webhook'

let receiver: WebhookReceiver
beforeEach(async () => {
  receiver = await startWebhookReceiver()
})
afterEach(() => receiver.stop())

const post = (path: string, body: unknown, signal?: AbortSignal) =>
  fetch(new URL(path, receiver.origin), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': 'k1' },
    body: JSON.stringify(body),
    signal,
  })

describe('webhook receiver', () => {
  it('takes a Slack message and answers "ok", as Slack does', async () => {
    const response = await post('/services/T0/B0/x', { text: 'hi' })
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('ok')
    expect(receiver.received()).toEqual([
      {
        path: '/services/T0/B0/x',
        idempotencyKey: 'k1',
        body: { text: 'hi' },
        answer: 'ok',
      },
    ])
  })

  it('refuses a Slack message with neither text nor blocks', async () => {
    const response = await post('/services/T0/B0/x', { hello: 1 })
    expect(response.status).toBe(400)
    expect(await response.text()).toBe('invalid_payload')
  })

  it('answers as scripted from another process: 500, a hang, then ok', async () => {
    const control = webhookControl(receiver.origin)
    await control.script('/hook', ['fail', 'hang'])
    expect((await post('/hook', { a: 1 })).status).toBe(500)
    const hung = post('/hook', { a: 2 }, AbortSignal.timeout(300))
    await expect(hung).rejects.toThrow()
    expect((await post('/hook', { a: 3 })).status).toBe(200)
    const answers = (await control.received()).map((d) => d.answer)
    expect(answers).toEqual(['fail', 'hang', 'ok'])
    await control.reset()
    expect(await control.received()).toEqual([])
  })
})
