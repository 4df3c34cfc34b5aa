import { createSocket } from 'node:dgram'
import http from 'node:http'
import net from 'node:net'
import type { AddressInfo } from 'node:net'

/** A server on 127.0.0.1 with a random port, closed by `close()`. */
export interface LocalServer {
  readonly port: number
  readonly url: string
  close(): Promise<void>
}

/** Starts a plain HTTP server on loopback with `handler`. */
export async function httpServer(
  handler: http.RequestListener,
): Promise<LocalServer> {
  const server = http.createServer(handler)
  return listen(server, 'http')
}

/**
 * A TCP server that accepts connections and then says nothing: the
 * shape of a hung backend or a half-open firewall.
 */
export async function silentServer(): Promise<LocalServer> {
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
  })
  const started = await listen(server, 'tcp')
  return {
    ...started,
    close: () => {
      for (const s of sockets) s.destroy()
      return started.close()
    },
  }
}

/** A port on 127.0.0.1 where nothing listens. */
export async function closedPort(): Promise<number> {
  const server = net.createServer()
  const { port, close } = await listen(server, 'tcp')
  await close()
  return port
}

async function listen(
  server: net.Server,
  scheme: string,
): Promise<LocalServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  return {
    port,
    url: `${scheme}://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) {
          ;(server as http.Server).closeAllConnections()
        }
        server.close(() => resolve())
      }),
  }
}

/** A UDP port on 127.0.0.1 that swallows every datagram: a dead resolver. */
export async function silentUdpServer(): Promise<LocalServer> {
  const socket = createSocket('udp4')
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  const { port } = socket.address()
  return {
    port,
    url: `udp://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  }
}
