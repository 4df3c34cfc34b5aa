import http from 'node:http'
import { closeServer, listen, trackConnections } from './listen'
import type { Mailbox, ReceivedMail } from './mailbox'

/**
 * The mail control: the world's received mail over HTTP, on an address
 * of its own, for test workers in another process than the world (the
 * way the admin app's /__world/ paths serve its call counts).
 *
 *   GET  /__world/mail        → 200, JSON: ReceivedMail[], oldest first
 *   POST /__world/mail/reset  → 204, the mailbox emptied
 */

/** The control paths. */
export const MAIL_CONTROL = {
  mail: '/__world/mail',
  reset: '/__world/mail/reset',
} as const

/** A running control server. */
export interface MailControlServer {
  /** "http://address:port". */
  readonly origin: string
  stop(): Promise<void>
}

/** Serves `mailbox` at address:port. */
export async function startMailControl(options: {
  readonly address: string
  readonly port: number
  readonly mailbox: Mailbox
}): Promise<MailControlServer> {
  const server = http.createServer((req, res) =>
    answer(options.mailbox, req, res),
  )
  const dropAll = trackConnections(server)
  const stop = async () => {
    dropAll()
    await closeServer(server)
  }
  try {
    await listen(server, options.address, options.port, 'the mail control')
  } catch (error) {
    await stop()
    throw error
  }
  return { origin: `http://${options.address}:${options.port}`, stop }
}

function answer(
  mailbox: Mailbox,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): void {
  req.resume()
  const path = new URL(req.url ?? '/', 'http://control.invalid').pathname
  if (path === MAIL_CONTROL.mail && req.method === 'GET') {
    const body = JSON.stringify(mailbox.list())
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    })
    return void res.end(body)
  }
  if (path === MAIL_CONTROL.reset && req.method === 'POST') {
    mailbox.clear()
    return void res.writeHead(204).end()
  }
  res.writeHead(404, { 'content-type': 'text/plain' })
  res.end(`No control ${req.method} ${path}.\n`)
}

/** The world's mail, from another process. */
export interface MailControl {
  /** Every message the world's receivers took, oldest first. */
  received(): Promise<ReceivedMail[]>
  /** Empties the mailbox. */
  reset(): Promise<void>
}

/** Reaches the mail control at `origin` (world.mail.origin). */
export function mailControl(origin: string): MailControl {
  const call = async (method: string, path: string) => {
    const response = await fetch(new URL(path, origin), { method })
    if (!response.ok) {
      throw new Error(`${method} ${path}: ${await response.text()}`)
    }
    return response
  }
  return {
    received: async () =>
      (await (await call('GET', MAIL_CONTROL.mail)).json()) as ReceivedMail[],
    reset: async () => void (await call('POST', MAIL_CONTROL.reset)),
  }
}
