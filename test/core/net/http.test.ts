import { afterEach, describe, expect, it } from 'vitest'
import { HttpClient, HttpError } from '../../../src/core/net/http'
import {
  closedPort,
  httpServer,
  silentServer,
  type LocalServer,
} from '../../support/servers'

const servers: LocalServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})
async function serve(handler: Parameters<typeof httpServer>[0]) {
  const server = await httpServer(handler)
  servers.push(server)
  return server
}

const client = new HttpClient({ timeoutMs: 2000 })

describe('HttpClient.request', () => {
  it('returns status, headers, body and every timing phase', async () => {
    const server = await serve((_req, res) => {
      res.setHeader('x-request-id', 'abc')
      res.end('hello')
    })
    const response = await client.request(server.url + '/')
    expect(response.status).toBe(200)
    expect(response.headers['x-request-id']).toBe('abc')
    expect(response.body.toString()).toBe('hello')
    expect(response.remoteAddress).toBe('127.0.0.1')
    const t = response.timings
    expect(t.dns).toBeUndefined() // an address needs no lookup
    expect(t.tls).toBeUndefined()
    for (const phase of [t.connect, t.firstByte, t.download]) {
      expect(phase).toBeGreaterThanOrEqual(0)
    }
    expect(t.total).toBeGreaterThanOrEqual(t.connect + t.firstByte)
  })

  it('cuts a huge body at the cap instead of reading it all', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'x')
    let sent = 0
    const server = await serve((_req, res) => {
      res.setHeader('content-length', String(50 * 1024 * 1024))
      const pump = () => {
        while (sent < 50 * 1024 * 1024) {
          sent += chunk.length
          if (!res.write(chunk)) return void res.once('drain', pump)
        }
        res.end()
      }
      res.on('close', () => (sent = Infinity))
      pump()
    })
    const response = await client.request(server.url, { maxBodyBytes: 1 << 20 })
    expect(response.truncated).toBe(true)
    expect(response.body.length).toBe(1 << 20)
  })

  it('gives up on headers that trickle in, naming the phase', async () => {
    const server = await serve((_req, res) => {
      const socket = res.socket!
      socket.write('HTTP/1.1 200 OK\r\n')
      const drip = setInterval(() => socket.write('X-Slow: 1\r\n'), 100)
      socket.on('close', () => clearInterval(drip))
    })
    const error = await client
      .request(server.url, { timeoutMs: 700 })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(HttpError)
    expect((error as HttpError).phase).toBe('headers')
    expect((error as HttpError).message).toMatch(
      /timed out after 0\.7 s waiting for the response headers/,
    )
  })

  it('reports a refused connection in words', async () => {
    const port = await closedPort()
    await expect(client.request(`http://127.0.0.1:${port}/`)).rejects.toThrow(
      /connection was refused/,
    )
  })

  it('times out on a server that accepts and never answers', async () => {
    const server = await silentServer()
    servers.push(server)
    const error = (await client
      .request(`http://127.0.0.1:${server.port}/`, { timeoutMs: 500 })
      .catch((e: unknown) => e)) as HttpError
    expect(error.code).toBe('ETIMEDOUT')
    expect(error.message).toMatch(/timed out after 0\.5 s/)
  })

  it('stops at once when the audit is cancelled', async () => {
    const server = await silentServer()
    servers.push(server)
    const abort = new AbortController()
    const pending = client.request(`http://127.0.0.1:${server.port}/`, {
      signal: abort.signal,
      timeoutMs: 60_000,
    })
    abort.abort()
    await expect(pending).rejects.toThrow(/cancelled/)
  })
})

describe('HttpClient.follow', () => {
  it('records every hop of a redirect chain', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/a') res.writeHead(301, { location: '/b' }).end()
      else if (req.url === '/b') res.writeHead(308, { location: '/c' }).end()
      else res.end('done')
    })
    const chain = await client.follow(server.url + '/a')
    expect(chain.problem).toBeUndefined()
    expect(chain.hops.map((h) => h.status)).toEqual([301, 308, 200])
    expect(chain.hops.at(-1)!.url).toBe(server.url + '/c')
  })

  it('detects a redirect loop', async () => {
    const server = await serve((req, res) => {
      res.writeHead(302, { location: req.url === '/a' ? '/b' : '/a' }).end()
    })
    const chain = await client.follow(server.url + '/a')
    expect(chain.problem).toEqual({ kind: 'loop', url: server.url + '/a' })
    expect(chain.hops).toHaveLength(2)
  })

  it('stops a 30-hop chain at the limit', async () => {
    const server = await serve((req, res) => {
      const n = Number(req.url!.slice(1))
      res.writeHead(301, { location: `/${n + 1}` }).end()
    })
    const chain = await client.follow(server.url + '/0', { maxHops: 10 })
    expect(chain.problem).toEqual({ kind: 'too-many', limit: 10 })
    expect(chain.hops).toHaveLength(11)
  })

  it('ends with the error of a hop that fails', async () => {
    const port = await closedPort()
    const server = await serve((_req, res) => {
      res.writeHead(301, { location: `http://127.0.0.1:${port}/` }).end()
    })
    const chain = await client.follow(server.url)
    expect(chain.hops).toHaveLength(1)
    expect(chain.problem?.kind).toBe('error')
  })
})
