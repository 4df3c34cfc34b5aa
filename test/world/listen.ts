import type { Socket as UdpSocket } from 'node:dgram'
import type { Server, Socket } from 'node:net'
import { WorldError } from './process'

/**
 * Listening and closing for the world's own Node servers (the CDN front,
 * the misbehaving hosts, the latency proxies), with errors that name the
 * server and the address, and a way to drop every open connection.
 */

/**
 * Listens on host:port alone (no port sharing with another process).
 * Rejects with a WorldError naming `server` and the address; its message
 * keeps Node's "address already in use", which the world's automatic
 * choice of address block looks for.
 */
export function listen(
  server: Server,
  host: string,
  port: number,
  name = 'a test world server',
): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) =>
      reject(
        new WorldError(
          name,
          `cannot listen on ${host}:${port}`,
          error.message,
          {
            cause: error,
          },
        ),
      )
    server.once('error', onError)
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', onError)
      resolve()
    })
  })
}

/** Binds a UDP socket to host:port, with the same kind of error. */
export function bindUdp(
  socket: UdpSocket,
  host: string,
  port: number,
  name = 'a test world server',
): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) =>
      reject(
        new WorldError(name, `cannot bind UDP ${host}:${port}`, error.message, {
          cause: error,
        }),
      )
    socket.once('error', onError)
    socket.bind({ address: host, port, exclusive: true }, () => {
      socket.off('error', onError)
      resolve()
    })
  })
}

/** Closes a listener; resolves at once when it was not listening. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve()
    server.close(() => resolve())
  })
}

/** Closes a UDP socket; resolves at once when it was closed already. */
export function closeUdp(socket: UdpSocket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve())
    } catch {
      resolve() // ERR_SOCKET_DGRAM_NOT_RUNNING: closed before.
    }
  })
}

/**
 * Remembers every connection `server` accepts, so stop() can end the
 * ones a client keeps open (close() alone waits for them for ever).
 * Returns the function that destroys them all.
 */
export function trackConnections(server: Server): () => void {
  const sockets = new Set<Socket>()
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  return () => {
    for (const socket of sockets) socket.destroy()
  }
}
