import { createSocket, type RemoteInfo, type Socket } from 'node:dgram'
import { connect, createServer, type Socket as TcpSocket } from 'node:net'
import {
  bindUdp,
  closeServer,
  closeUdp,
  listen,
  trackConnections,
} from './listen'

/**
 * Delaying proxies: they stand on the addresses the zone gives out and
 * pass every byte to the real server behind them, each direction late by
 * half the world's latency, so one request and its answer cost the whole
 * of it — a round trip to a far-away server, on loopback. tc/netem would
 * do this in the kernel but needs privileges this sandbox lacks.
 *
 * A known shortcoming: the kernel completes the TCP handshake before the
 * proxy sees the connection, so connect() itself is not delayed; the
 * first exchange on it (a TLS hello, an HTTP request) is.
 */

/** Where a proxy listens and where it forwards to. */
export interface ProxyRoute {
  readonly listen: { readonly address: string; readonly port: number }
  readonly target: { readonly address: string; readonly port: number }
}

/** A running proxy. */
export interface Proxy {
  stop(): Promise<void>
}

const NAME = 'the latency proxy'

/**
 * Bytes held back per direction before reading pauses: a 50 MB answer
 * must not sit in memory while it waits out the delay.
 */
const HIGH_WATER = 4 * 1024 * 1024

/** Pending timers, so stop() can clear them and refuse new ones. */
interface Timers {
  readonly pending: Set<NodeJS.Timeout>
  stopped: boolean
}

function newTimers(): Timers {
  return { pending: new Set(), stopped: false }
}

function later(timers: Timers, ms: number, action: () => void): void {
  if (timers.stopped) return
  const timer = setTimeout(() => {
    timers.pending.delete(timer)
    action()
  }, ms)
  timers.pending.add(timer)
}

function clearAll(timers: Timers): void {
  timers.stopped = true
  for (const timer of timers.pending) clearTimeout(timer)
  timers.pending.clear()
}

/**
 * A TCP proxy that delays each chunk by `oneWayMs` in both directions.
 * Timers of one duration fire in the order they were set, so bytes keep
 * their order.
 */
export async function startTcpDelay(
  route: ProxyRoute,
  oneWayMs: number,
): Promise<Proxy> {
  const pending = newTimers()
  const upstreams = new Set<TcpSocket>()
  const server = createServer({ allowHalfOpen: true }, (client) => {
    const upstream = connect({
      host: route.target.address,
      port: route.target.port,
      allowHalfOpen: true,
    })
    upstreams.add(upstream)
    upstream.once('close', () => upstreams.delete(upstream))
    delayInto(client, upstream, oneWayMs, pending)
    delayInto(upstream, client, oneWayMs, pending)
  })
  const dropClients = trackConnections(server)
  await listen(server, route.listen.address, route.listen.port, NAME)
  return {
    stop: async () => {
      clearAll(pending)
      dropClients()
      for (const upstream of upstreams) upstream.destroy()
      await closeServer(server)
    },
  }
}

/** Copies `from` into `to`, each chunk and the end `delayMs` late. */
function delayInto(
  from: TcpSocket,
  to: TcpSocket,
  delayMs: number,
  timers: Timers,
): void {
  let held = 0
  const resumeIfRoom = () => {
    if (held < HIGH_WATER && !to.writableNeedDrain) from.resume()
  }
  from.on('data', (chunk: Buffer) => {
    held += chunk.length
    if (held >= HIGH_WATER) from.pause()
    later(timers, delayMs, () => {
      held -= chunk.length
      if (to.destroyed) return
      if (!to.write(chunk)) from.pause()
      resumeIfRoom()
    })
  })
  to.on('drain', resumeIfRoom)
  from.once('end', () => later(timers, delayMs, () => to.end()))
  // 'close' follows an error; the error itself needs no more than that.
  from.on('error', () => {})
  // A reset on one side resets the other, as it would reach the far end
  // of a real path; a clean close ends it once its data is written.
  from.once('close', (hadError: boolean) =>
    later(timers, delayMs, () => (hadError ? to.destroy() : to.end())),
  )
}

/** Upstream sockets idle this long are closed (a DNS exchange is short). */
const UDP_IDLE_MS = 10_000

/**
 * A UDP proxy for DNS: each client (address and port) gets an upstream
 * socket of its own, so answers find their way back; each datagram waits
 * `oneWayMs` on the way in and again on the way out.
 */
export async function startUdpDelay(
  route: ProxyRoute,
  oneWayMs: number,
): Promise<Proxy> {
  const pending = newTimers()
  const front = createSocket('udp4')
  const upstreams = new Map<string, Upstream>()
  const delayed = (action: () => void) => later(pending, oneWayMs, action)

  const open = (key: string, client: RemoteInfo): Upstream => {
    const socket = createSocket('udp4')
    // Bound to the proxy's own address: it listens nowhere but loopback.
    socket.bind({ address: route.listen.address, port: 0 })
    socket.on('message', (answer) =>
      delayed(() => front.send(answer, client.port, client.address)),
    )
    socket.on('error', () => {})
    const idle = setTimeout(() => {
      upstreams.delete(key)
      void closeUdp(socket)
    }, UDP_IDLE_MS)
    const upstream = { socket, idle }
    upstreams.set(key, upstream)
    return upstream
  }

  front.on('message', (message, client) => {
    const key = `${client.address}:${client.port}`
    const upstream = upstreams.get(key) ?? open(key, client)
    upstream.idle.refresh()
    delayed(() =>
      upstream.socket.send(message, route.target.port, route.target.address),
    )
  })
  // A send to a port nobody listens on fails on the next call; DNS
  // clients retry, so the proxy just carries on.
  front.on('error', () => {})
  await bindUdp(front, route.listen.address, route.listen.port, NAME)
  return {
    stop: async () => {
      clearAll(pending)
      const all = [...upstreams.values()]
      upstreams.clear()
      for (const upstream of all) clearTimeout(upstream.idle)
      await Promise.all([front, ...all.map((u) => u.socket)].map(closeUdp))
    },
  }
}

interface Upstream {
  readonly socket: Socket
  readonly idle: NodeJS.Timeout
}
