import http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/** How a test site answers. */
export type SiteMode = 'ok' | 'error' | 'down'

/**
 * A page on loopback whose health a test sets: 200, 500, or not
 * listening at all (connection refused), for monitors and reference
 * endpoints alike.
 */
export interface TestSite {
  readonly url: string
  set(mode: SiteMode): Promise<void>
  /** Requests served so far. */
  readonly hits: number
  stop(): Promise<void>
}

export async function startSite(address = '127.0.0.1'): Promise<TestSite> {
  let mode: SiteMode = 'ok'
  let hits = 0
  const sockets = new Set<Socket>()
  const server = http.createServer((req, res) => {
    hits++
    req.resume()
    res.writeHead(mode === 'ok' ? 200 : 500, { 'content-type': 'text/plain' })
    res.end(mode === 'ok' ? 'fine\n' : 'broken\n')
  })
  server.on('connection', (s: Socket) => {
    sockets.add(s)
    s.once('close', () => sockets.delete(s))
  })
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen({ host: address, port }, () => {
        server.off('error', reject)
        resolve()
      })
    })
  const close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy()
      if (!server.listening) return resolve()
      server.close(() => resolve())
    })
  await listen(0)
  const { port } = server.address() as AddressInfo
  return {
    url: `http://${address}:${port}/`,
    get hits() {
      return hits
    },
    async set(next) {
      if (next === 'down') await close()
      else if (!server.listening) await listen(port)
      mode = next
    },
    stop: close,
  }
}
