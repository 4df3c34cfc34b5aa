import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { accepts, startEdge } from './edge'
import { freePorts } from './harness'
import { send } from './probes'
import { SmtpConversation } from './smtp-probes'
import { WorldError } from './process'
import { API, startWorld, type WorldHost } from './world'

describe('starting and stopping a world', () => {
  it('stop() ends knotd, nginx, every Node and SMTP server, and removes the temp dir', async () => {
    // With latency, so the proxies are part of what must stop.
    const world = await startWorld({ net: 'auto', latencyMs: 10 })
    const pids = await serversOf(world.dir)
    expect(pids.map((p) => p.name).sort()).toEqual(
      expect.arrayContaining(['knotd', 'knotd', 'nginx']),
    )
    const listeners = world.hosts
      .filter((h) => h.server !== 'none')
      .flatMap((h) => [world.httpPort, world.httpsPort].map((p) => [h, p]))
    const [deadAddress, deadPort] = world.deadResolver.split(':')
    expect(await accepts(deadAddress!, Number(deadPort))).toBe(true)
    const app = new URL(world.app.origin)
    expect(await accepts(app.hostname, Number(app.port))).toBe(true)
    const control = new URL(world.mail.origin)
    const mail = [
      ...world.mail.hosts.map((h) => [h.address, h.port] as const),
      [control.hostname, Number(control.port)] as const,
    ]
    for (const [address, port] of mail) {
      expect(await accepts(address, port), `${address}:${port}`).toBe(true)
    }
    await world.stop()
    for (const { pid, name } of pids) {
      expect(await isAlive(pid), `${name} (${pid})`).toBe(false)
    }
    for (const [h, port] of listeners as [WorldHost, number][]) {
      expect(await accepts(h.address, port), `${h.name}:${port}`).toBe(false)
    }
    expect(await accepts(deadAddress!, Number(deadPort))).toBe(false)
    expect(await accepts(app.hostname, Number(app.port))).toBe(false)
    for (const [address, port] of mail) {
      expect(await accepts(address, port), `${address}:${port}`).toBe(false)
    }
    expect(existsSync(world.dir)).toBe(false)
    await world.stop() // a second stop is harmless
  }, 30_000)

  it('stop() ends requests the app is still holding: a hang, an endless body, a delay', async () => {
    const world = await startWorld({ net: 'auto' })
    const ca = await readFile(world.caFile, 'utf8')
    const www = world.hosts.find((h) => h.name === 'www.shop.test')!
    const inFlight = [API.hang, API.endless, `${API.delay}?ms=60000`].map(
      (path) =>
        send({
          address: www.address,
          url: `https://${www.name}:${world.httpsPort}${path}`,
          ca,
          timeoutMs: 20_000,
        }),
    )
    // Let each reach the app first.
    for (const path of [API.hang, API.endless, API.delay]) {
      await expect.poll(() => world.app.calls(path)).toBe(1)
    }
    const stopped = performance.now()
    await world.stop()
    const endings = await Promise.all(inFlight)
    expect(endings.map((e) => e.ending)).not.toContain('timeout')
    expect(performance.now() - stopped).toBeLessThan(10_000)
  }, 30_000)

  it('stop() ends SMTP sessions still open: a stalled MX, a receiver mid-session, a secure submission', async () => {
    const world = await startWorld({ net: 'auto' })
    const ca = await readFile(world.caFile, 'utf8')
    const open = async (kind: string) => {
      const host = world.mail.hosts.find((h) => h.kind === kind)!
      const smtp = await SmtpConversation.open(host.address, host.port)
      expect(await smtp.reply()).toMatch(/^220 /)
      return smtp
    }
    const stalled = await open('mx-stall')
    expect(await stalled.command('EHLO probe.test', 300)).toBeNull()
    const mx = await open('mx')
    await mx.command('EHLO probe.test')
    const submission = await open('submission')
    await submission.command('EHLO probe.test')
    await submission.command('STARTTLS')
    await submission.startTls('smtp.shop.test', ca)
    const sessions = [stalled, mx, submission]
    const stopped = performance.now()
    await world.stop()
    const closed = await Promise.race([
      Promise.all(sessions.map((s) => s.closed)).then(() => true),
      new Promise((resolve) => setTimeout(() => resolve(false), 5_000)),
    ])
    for (const session of sessions) session.close()
    expect(closed).toBe(true)
    expect(performance.now() - stopped).toBeLessThan(5_000)
  }, 30_000)

  it('names the CDN front when its port is taken, and leaves nothing running', async () => {
    // .1 is the apex, which the Cloudflare-like front answers for.
    const net = 19
    const address = `127.0.${net}.1`
    const port = 18443 + (net - 1) * 100
    const blocker = await occupy(address, port)
    const start = startWorld({ net })
    try {
      await expect(start).rejects.toThrow(
        `Could not start the CDN front: cannot listen on ${address}:${port} (listen EADDRINUSE: address already in use ${address}:${port})`,
      )
    } finally {
      await start.then((w) => w.stop()).catch(() => undefined)
      if (blocker) await new Promise((r) => blocker.close(r))
    }
    expect(await leakedServers()).toEqual([])
  }, 30_000)

  it('names nginx and its error when a port is taken, and leaves nothing running', async () => {
    // 1–19 are for picking by hand; automatic worlds never use them.
    // .3 is admin, which nginx serves itself (no CDN front before it).
    const net = 19
    const address = `127.0.${net}.3`
    const port = 18080 + (net - 1) * 100
    const blocker = await occupy(address, port)
    let error: unknown
    try {
      const world = await startWorld({ net })
      await world.stop()
    } catch (caught) {
      error = caught
    } finally {
      if (blocker) await new Promise((r) => blocker.close(r))
    }
    expect(error).toBeInstanceOf(WorldError)
    const message = (error as WorldError).message
    expect(message).toMatch(/^Could not start nginx: it exited with code 1 \(/)
    expect(message).toContain(
      `bind() to ${address}:${port} failed (98: Address already in use)`,
    )
    expect(await leakedServers()).toEqual([])
  }, 30_000)

  it('names nginx and quotes it when its config is wrong', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'launch-ready-edge-'))
    try {
      const [httpPort, httpsPort] = await freePorts('127.0.18.2', 2)
      const start = startEdge({
        dir,
        httpPort: httpPort!,
        httpsPort: httpsPort!,
        sites: [
          {
            name: 'broken.shop.test',
            address: '127.0.18.2',
            certificate: join(dir, 'missing.pem'),
            key: join(dir, 'missing.key'),
            redirectToHttps: true,
            description: 'a certificate that is not there',
          },
        ],
      })
      await expect(start).rejects.toThrow(
        /^Could not start nginx: it exited with code 1 \(.*\[emerg\] cannot load certificate ".*missing\.pem"/s,
      )
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
    expect(await leakedServers()).toEqual([])
  })

  it('names knotd when the program is missing, and leaves nothing running', async () => {
    await expect(
      startWorld({ net: 'auto', programs: { knotd: '/nonexistent/knotd' } }),
    ).rejects.toThrow(
      'Could not start knotd: /nonexistent/knotd is not an executable file',
    )
    expect(await leakedServers()).toEqual([])
  }, 30_000)
})

/** Listens on address:port; undefined when something else already does. */
function occupy(host: string, port: number): Promise<Server | undefined> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer()
    server.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EADDRINUSE' ? resolvePromise(undefined) : reject(error),
    )
    server.listen({ host, port }, () => resolvePromise(server))
  })
}

interface ServerPid {
  readonly pid: number
  readonly name: string
  readonly cmdline: string
}

/** Every process on the machine with its parent and command line. */
async function processes(): Promise<(ServerPid & { ppid: number })[]> {
  const found: (ServerPid & { ppid: number })[] = []
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8')
      const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8')
      // "pid (comm) state ppid …"; comm may hold spaces, so split after ")".
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (state === 'Z') continue
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
      found.push({
        pid: Number(entry),
        ppid: Number(ppid),
        name,
        cmdline: cmdline.replace(/\0/g, ' '),
      })
    } catch {
      // The process ended while we looked.
    }
  }
  return found
}

/** knotd and nginx processes of the world in `dir`, nginx workers too. */
async function serversOf(dir: string): Promise<ServerPid[]> {
  const all = await processes()
  const mains = all.filter((p) => p.cmdline.includes(dir))
  const children = all.filter((p) => mains.some((m) => m.pid === p.ppid))
  return [...mains, ...children]
}

/**
 * Servers whose world dir is gone. A world removes its dir only after
 * its servers have exited, so any such process has leaked.
 */
async function leakedServers(): Promise<ServerPid[]> {
  const all = await processes()
  return all.filter((p) => {
    const dir = /\/\S*launch-ready-world-[^/\s]+/.exec(p.cmdline)?.[0]
    return dir !== undefined && !existsSync(dir)
  })
}

async function isAlive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return false
  }
}
