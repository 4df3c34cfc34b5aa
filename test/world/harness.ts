import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { handshake, request, send, type Hop, type SendOptions } from './probes'
import {
  startWorld,
  type HostKind,
  type World,
  type WorldHost,
  type WorldOptions,
} from './world'

/**
 * What the world's test files share: starting a world of their own, and
 * finding its hosts and talking to them by name. Names under .test never
 * go to the system resolver (it is not on loopback): every request
 * connects to an address looked up in world.hosts.
 */

export const DAY_MS = 86_400_000

/** A world on a free address block, and its CA as PEM. */
export async function startTestWorld(
  options: WorldOptions = {},
): Promise<{ world: World; ca: string }> {
  const world = await startWorld({ net: 'auto', ...options })
  return { world, ca: await readFile(world.caFile, 'utf8') }
}

type Scheme = 'http' | 'https'

/**
 * Lookups over the world a file's beforeAll started; `current` is read
 * at call time, so they can be made before it has.
 */
export function lookups(current: () => { world: World; ca: string }) {
  const host = (name: string): WorldHost => {
    const found = current().world.hosts.find((h) => h.name === name)
    if (!found) throw new Error(`the world has no host ${name}`)
    return found
  }
  const addressOf = (name: string) => host(name).address
  /** scheme://name:port/path with the world's test port. */
  const url = (scheme: Scheme, name: string, path = '/') => {
    const { httpPort, httpsPort } = current().world
    return `${scheme}://${name}:${scheme === 'http' ? httpPort : httpsPort}${path}`
  }
  return {
    host,
    hostOf: (kind: HostKind) =>
      current().world.hosts.find((h) => h.kind === kind)!,
    addressOf,
    url,
    /** GET, no redirect followed. */
    get: (scheme: Scheme, name: string, path = '/') =>
      request({
        address: addressOf(name),
        url: url(scheme, name, path),
        ca: current().ca,
      }),
    /** Any request to https://name/path, that never throws. */
    send: (
      name: string,
      path: string,
      options: Omit<SendOptions, 'address' | 'url' | 'ca'> = {},
    ) =>
      send({
        address: addressOf(name),
        url: url('https', name, path),
        ca: current().ca,
        ...options,
      }),
    shake: (
      target: WorldHost,
      options: Partial<Parameters<typeof handshake>[0]> = {},
    ) =>
      handshake({
        address: target.address,
        port: current().world.httpsPort,
        servername: target.name,
        ca: current().ca,
        ...options,
      }),
  }
}

/** `count` distinct TCP ports nothing listens on right now. */
export async function freePorts(
  host: string,
  count: number,
): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => listenAnywhere(host)),
  )
  const ports = servers.map((s) => (s.address() as { port: number }).port)
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))))
  return ports
}

function listenAnywhere(host: string): Promise<Server> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen({ host, port: 0 }, () => resolvePromise(server))
  })
}

/** A plain HTTP/1.1 GET of / for `host`, as raw text. */
export function httpRequest(host: string): string {
  return `GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`
}

/** [status, location] of each hop. */
export function statuses(chain: {
  hops: Hop[]
}): [number, string | undefined][] {
  return chain.hops.map((h) => [h.status, h.location])
}
