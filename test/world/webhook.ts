import http from 'node:http'
import { closeServer, listen, trackConnections } from './listen'

/**
 * A Slack-compatible webhook receiver on loopback. POST /services/… takes
 * Slack's incoming-webhook JSON (`text` and/or `blocks`) and answers
 * "ok"; any other path takes any JSON, like a generic webhook. Each path
 * can be told to answer its next requests with a 500 or to hang, so
 * tests can watch alerts being retried.
 *
 *   GET  /__world/webhook         → 200, JSON: WebhookDelivery[]
 *   POST /__world/webhook/script  → 204; body {"path", "answers": [...]}
 *   POST /__world/webhook/reset   → 204, deliveries and scripts forgotten
 */

export type WebhookAnswer = 'ok' | 'fail' | 'hang'

/** One request the receiver took, and how it answered. */
export interface WebhookDelivery {
  readonly path: string
  readonly idempotencyKey?: string
  readonly body: unknown
  readonly answer: WebhookAnswer | 'invalid'
}

export const WEBHOOK_CONTROL = {
  list: '/__world/webhook',
  script: '/__world/webhook/script',
  reset: '/__world/webhook/reset',
} as const

export interface WebhookReceiver {
  /** "http://address:port". */
  readonly origin: string
  /** Every request so far, oldest first. */
  received(): readonly WebhookDelivery[]
  /** The next answers for `path`, in order; after them, "ok". */
  script(path: string, answers: readonly WebhookAnswer[]): void
  reset(): void
  stop(): Promise<void>
}

/** Starts a receiver at address:port (port 0 picks a free one). */
export async function startWebhookReceiver(
  options: { readonly address?: string; readonly port?: number } = {},
): Promise<WebhookReceiver> {
  const deliveries: WebhookDelivery[] = []
  const scripts = new Map<string, WebhookAnswer[]>()
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://receiver.invalid').pathname
      const text = Buffer.concat(chunks).toString('utf8')
      if (path.startsWith('/__world/')) {
        return control(path, req.method, text, res)
      }
      take(path, req, text, res)
    })
  })

  const control = (
    path: string,
    method: string | undefined,
    text: string,
    res: http.ServerResponse,
  ) => {
    if (path === WEBHOOK_CONTROL.list && method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' })
      return void res.end(JSON.stringify(deliveries))
    }
    if (path === WEBHOOK_CONTROL.script && method === 'POST') {
      const { path: target, answers } = JSON.parse(text) as {
        path: string
        answers: WebhookAnswer[]
      }
      scripts.set(target, [...answers])
      return void res.writeHead(204).end()
    }
    if (path === WEBHOOK_CONTROL.reset && method === 'POST') {
      deliveries.length = 0
      scripts.clear()
      return void res.writeHead(204).end()
    }
    res.writeHead(404).end(`No control ${method} ${path}.\n`)
  }

  const take = (
    path: string,
    req: http.IncomingMessage,
    text: string,
    res: http.ServerResponse,
  ) => {
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      body = undefined
    }
    const key = req.headers['idempotency-key']
    const record = (answer: WebhookDelivery['answer']) =>
      deliveries.push({
        path,
        ...(typeof key === 'string' ? { idempotencyKey: key } : {}),
        body,
        answer,
      })
    const slack = path.startsWith('/services/')
    const payload = body as { text?: unknown; blocks?: unknown } | undefined
    if (
      req.method !== 'POST' ||
      !payload ||
      (slack && typeof payload.text !== 'string' && !payload.blocks)
    ) {
      record('invalid')
      res.writeHead(400, { 'content-type': 'text/plain' })
      return void res.end('invalid_payload')
    }
    const answer = scripts.get(path)?.shift() ?? 'ok'
    record(answer)
    if (answer === 'hang') return // Never answered; stop() drops it.
    if (answer === 'fail') {
      res.writeHead(500, { 'content-type': 'text/plain' })
      return void res.end('internal_error')
    }
    res.writeHead(200, { 'content-type': 'text/plain' })
    res.end('ok')
  }

  const dropAll = trackConnections(server)
  const address = options.address ?? '127.0.0.1'
  await listen(server, address, options.port ?? 0, 'the webhook receiver')
  const { port } = server.address() as { port: number }
  return {
    origin: `http://${address}:${port}`,
    received: () => [...deliveries],
    script: (path, answers) => void scripts.set(path, [...answers]),
    reset() {
      deliveries.length = 0
      scripts.clear()
    },
    async stop() {
      dropAll()
      await closeServer(server)
    },
  }
}

/** The receiver's control, from another process. */
export function webhookControl(origin: string) {
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(new URL(path, origin), {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status}`)
    return response
  }
  return {
    received: async () =>
      (await (
        await call('GET', WEBHOOK_CONTROL.list)
      ).json()) as WebhookDelivery[],
    script: async (path: string, answers: readonly WebhookAnswer[]) =>
      void (await call('POST', WEBHOOK_CONTROL.script, { path, answers })),
    reset: async () => void (await call('POST', WEBHOOK_CONTROL.reset)),
  }
}
