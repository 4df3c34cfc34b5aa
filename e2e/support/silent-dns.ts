import { createSocket } from 'node:dgram'
import { writeFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { World } from '../../test/world/world'
import { RUN_DIR } from './paths'

/** A DNS server that takes every query and answers none. */
export interface SilentDns {
  readonly endpoint: string
  close(): Promise<void>
}

/**
 * Listens on a loopback address of the world's block and never replies,
 * so every lookup waits for its timeout: an audit that stays running
 * long enough to watch its progress and cancel it.
 */
export async function startSilentDns(world: World): Promise<SilentDns> {
  const socket = createSocket('udp4')
  const address = `127.0.${world.net}.200`
  await new Promise<void>((resolve) =>
    socket.bind({ address, port: 0 }, resolve),
  )
  const { port } = socket.address() as AddressInfo
  return {
    endpoint: `${address}:${port}`,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  }
}

/** The world's workspace, but asking the silent server. */
export async function writeSilentWorkspace(
  world: World,
  dns: SilentDns,
): Promise<string> {
  const file = join(RUN_DIR, 'silent-dns.launchready.json')
  const workspace = {
    version: 1,
    name: 'Shop behind a silent DNS server',
    domain: world.domain,
    canonicalOrigin: `https://www.${world.domain}`,
    subdomains: world.hosts
      .map((h) => h.name)
      .filter((n) => n !== world.domain),
    network: {
      resolvers: [dns.endpoint],
      httpPort: world.httpPort,
      httpsPort: world.httpsPort,
    },
  }
  await writeFile(file, `${JSON.stringify(workspace, null, 2)}\n`)
  return file
}
