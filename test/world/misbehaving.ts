import { createSocket } from 'node:dgram'
import { readFile } from 'node:fs/promises'
import { createServer, type Server, type Socket } from 'node:net'
import tls from 'node:tls'
import {
  bindUdp,
  closeServer,
  closeUdp,
  listen,
  trackConnections,
} from './listen'

/**
 * Servers that misbehave in ways nginx will not: one that accepts and
 * never says a word, one that trickles an endless header, and a DNS
 * server that takes every question and answers none. They run inside
 * the process that started the world and stop with it.
 */

/** How a host misbehaves, on both its HTTP and HTTPS ports. */
export type Misbehaviour =
  /** Accepts TCP and never sends a byte (no TLS handshake either). */
  | 'silent'
  /** Sends the status line, then one header every 200 ms, for ever. */
  | 'trickle'

/** One misbehaving host. */
export interface MisbehavingSite {
  readonly name: string
  readonly address: string
  readonly behaviour: Misbehaviour
  /** PEM files for the HTTPS port: the chain to send, and its key. */
  readonly certificate: string
  readonly key: string
}

export interface MisbehavingOptions {
  readonly sites: readonly MisbehavingSite[]
  readonly httpPort: number
  readonly httpsPort: number
}

/** Running servers. */
export interface Stoppable {
  stop(): Promise<void>
}

/** How often the trickling server sends one more header. */
export const TRICKLE_INTERVAL_MS = 200

const NAME = 'a misbehaving server'

/**
 * Starts every site's two listeners. Throws when a port is taken, after
 * closing whatever had started.
 */
export async function startMisbehavingServers(
  options: MisbehavingOptions,
): Promise<Stoppable> {
  const stops: (() => Promise<void>)[] = []
  const stop = () => Promise.all(stops.map((s) => s())).then(() => undefined)
  try {
    for (const site of options.sites) {
      const [plain, secure] = await serversFor(site)
      stops.push(plain.stop, secure.stop)
      await listen(plain.server, site.address, options.httpPort, NAME)
      await listen(secure.server, site.address, options.httpsPort, NAME)
    }
  } catch (error) {
    await stop()
    throw error
  }
  return { stop }
}

interface Managed {
  readonly server: Server
  readonly stop: () => Promise<void>
}

/** The plain and the TLS listener of one site. */
async function serversFor(site: MisbehavingSite): Promise<[Managed, Managed]> {
  if (site.behaviour === 'silent') {
    // Not even a TLS handshake on the HTTPS port: the client's hello
    // waits for ever, as it does behind a black-holing firewall.
    return [managed(createServer(hold)), managed(createServer(hold))]
  }
  const intervals = new Set<NodeJS.Timeout>()
  const onSocket = (socket: Socket) => trickle(socket, intervals)
  const secure = tls.createServer(
    {
      cert: await readFile(site.certificate),
      key: await readFile(site.key),
    },
    onSocket,
  )
  const clear = async () => {
    for (const interval of intervals) clearInterval(interval)
  }
  return [managed(createServer(onSocket), clear), managed(secure, clear)]
}

function managed(
  server: Server,
  before: () => Promise<void> = async () => {},
): Managed {
  const dropAll = trackConnections(server)
  return {
    server,
    stop: async () => {
      await before()
      dropAll()
      await closeServer(server)
    },
  }
}

/** Keeps the connection open and says nothing. */
function hold(socket: Socket): void {
  socket.on('error', () => {})
}

/**
 * Once the request has arrived, sends a status line and then a header
 * every TRICKLE_INTERVAL_MS, never the blank line that ends the headers:
 * a client without an overall deadline waits for ever.
 */
function trickle(socket: Socket, intervals: Set<NodeJS.Timeout>): void {
  socket.on('error', () => {})
  let request = ''
  const onData = (chunk: Buffer) => {
    request += chunk.toString('latin1')
    if (!request.includes('\r\n\r\n')) return
    socket.off('data', onData)
    socket.resume() // read and drop whatever else comes
    socket.write('HTTP/1.1 200 OK\r\n')
    let n = 0
    const interval = setInterval(() => {
      n += 1
      socket.write(`X-Trickle-${n}: ${'.'.repeat(16)}\r\n`)
    }, TRICKLE_INTERVAL_MS)
    intervals.add(interval)
    socket.once('close', () => {
      clearInterval(interval)
      intervals.delete(interval)
    })
  }
  socket.on('data', onData)
}

/** A DNS server that never answers, and where it listens. */
export interface DeadDns extends Stoppable {
  /** "address:port", as a workspace's network.resolvers takes it. */
  readonly endpoint: string
}

/**
 * Listens for DNS on UDP and TCP at address:port and answers nothing:
 * datagrams are swallowed, TCP connections accepted and left hanging, so
 * a resolver can only time out (no quick "connection refused").
 */
export async function startDeadDns(
  address: string,
  port: number,
): Promise<DeadDns> {
  const udp = createSocket('udp4')
  udp.on('message', () => {})
  const tcp = managed(createServer(hold))
  try {
    await bindUdp(udp, address, port, 'the dead DNS server')
    await listen(tcp.server, address, port, 'the dead DNS server')
  } catch (error) {
    await Promise.all([closeUdp(udp), tcp.stop()])
    throw error
  }
  return {
    endpoint: `${address}:${port}`,
    stop: async () => {
      await Promise.all([closeUdp(udp), tcp.stop()])
    },
  }
}
