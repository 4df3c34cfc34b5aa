import { X509Certificate } from 'node:crypto'
import { Resolver } from 'node:dns/promises'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import http from 'node:http'
import https from 'node:https'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import tls, { type DetailedPeerCertificate } from 'node:tls'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { WorkspaceSchema } from '../../src/shared/workspace'
import {
  createTestPki,
  INTERMEDIATE_CA_NAME,
  pem,
  ROOT_CA_NAME,
  writePemFiles,
  type CertificateKind,
} from './certificates'
import { startEdge } from './edge'
import { WorldError } from './process'
import { startWorld, type HostKind, type World, type WorldHost } from './world'

// Names under .test never go to the system resolver (it is not on
// loopback): every query here asks the world's DNS server or an address.

describe('the test world', () => {
  let world: World
  let ca: string

  beforeAll(async () => {
    world = await startWorld({ net: 'auto' })
    ca = await readFile(world.caFile, 'utf8')
  }, 30_000)
  afterAll(() => world?.stop())

  const hostOf = (kind: HostKind) => world.hosts.find((h) => h.kind === kind)!

  it('answers A for every host from its own DNS server', async () => {
    const resolver = new Resolver({ timeout: 1000, tries: 2 })
    resolver.setServers([world.resolver])
    for (const host of world.hosts) {
      expect(await resolver.resolve4(host.name), host.name).toEqual([
        host.address,
      ])
    }
    expect(await resolver.resolveNs(world.domain)).toEqual([
      `ns1.${world.domain}`,
    ])
    const soa = await resolver.resolveSoa(world.domain)
    expect(soa.nsname).toBe(`ns1.${world.domain}`)
  })

  it('has the hosts the checks need, each on its own address', () => {
    const kinds = world.hosts.map((h) => h.kind).sort()
    expect(kinds).toEqual(
      [
        'expired',
        'missing-intermediate',
        'no-redirect',
        'self-signed',
        'short-lived',
        'valid',
        'valid',
        'valid',
        'wrong-host',
      ].sort(),
    )
    const addresses = new Set(world.hosts.map((h) => h.address))
    expect(addresses.size).toBe(world.hosts.length)
    for (const address of addresses) expect(address).toMatch(/^127\./)
  })

  it.each([
    'shop.test',
    'www.shop.test',
    'admin.shop.test',
    'no-redirect.shop.test',
  ])('%s presents a trusted certificate for its name', async (name) => {
    const host = world.hosts.find((h) => h.name === name)!
    const result = await handshake(host)
    expect(result.authorizationError).toBeUndefined()
    expect(result.authorized).toBe(true)
    expect(result.identityError).toBeUndefined()
    expect(result.peer.issuer.CN).toBe(INTERMEDIATE_CA_NAME)
    expect(result.peer.issuerCertificate?.subject.CN).toBe(INTERMEDIATE_CA_NAME)
  })

  it.each<[HostKind, string]>([
    ['expired', 'CERT_HAS_EXPIRED'],
    ['self-signed', 'DEPTH_ZERO_SELF_SIGNED_CERT'],
    ['missing-intermediate', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
  ])('the %s host fails verification with %s', async (kind, code) => {
    const result = await handshake(hostOf(kind))
    expect(result.authorized).toBe(false)
    expect(result.authorizationError).toBe(code)
  })

  it('the wrong-host host has a trusted chain for another name', async () => {
    const host = hostOf('wrong-host')
    const result = await handshake(host)
    expect(result.authorized).toBe(true)
    expect(result.peer.subjectaltname).toBe('DNS:elsewhere.test')
    expect(result.identityError?.message).toMatch(
      /Host: wrong-host\.shop\.test\. is not in the cert's altnames/,
    )
  })

  it('the missing-intermediate host sends its leaf alone', async () => {
    const result = await handshake(hostOf('missing-intermediate'))
    expect(result.peer.issuer.CN).toBe(INTERMEDIATE_CA_NAME)
    // Nothing the server sent (nor the CA file) holds the intermediate.
    expect(result.peer.issuerCertificate?.subject.CN).not.toBe(
      INTERMEDIATE_CA_NAME,
    )
  })

  it('redirects plain HTTP permanently to HTTPS on the https port', async () => {
    for (const host of world.hosts.filter((h) => h.redirectsToHttps)) {
      const response = await get('http', host, '/orders?page=2')
      expect(response.status, host.name).toBe(301)
      expect(response.location).toBe(
        `https://${host.name}:${world.httpsPort}/orders?page=2`,
      )
    }
  })

  it('serves the page over plain HTTP on the no-redirect host', async () => {
    const host = hostOf('no-redirect')
    const response = await get('http', host, '/')
    expect(response.status).toBe(200)
    expect(response.location).toBeUndefined()
    expect(response.body).toContain(`<h1>${host.name}</h1>`)
  })

  it('serves a small HTML page over HTTPS', async () => {
    const host = world.hosts.find((h) => h.name === `www.${world.domain}`)!
    const response = await get('https', host, '/')
    expect(response.status).toBe(200)
    expect(response.contentType).toBe('text/html; charset=utf-8')
    expect(response.body).toContain(`<title>${host.name}</title>`)
  })

  it('writes a workspace the app accepts, pointing at the world', async () => {
    const text = await readFile(world.workspaceFile, 'utf8')
    const workspace = WorkspaceSchema.parse(parse(text))
    expect(workspace).toMatchObject({
      version: 1,
      name: 'Shop (test world)',
      domain: 'shop.test',
      canonicalOrigin: 'https://www.shop.test',
      network: {
        resolvers: [world.resolver],
        httpPort: world.httpPort,
        httpsPort: world.httpsPort,
      },
    })
    expect(workspace.subdomains).toEqual(
      world.hosts
        .map((h) => h.name)
        .filter((n) => n !== 'shop.test' && n !== 'www.shop.test'),
    )
    const caFile = resolve(
      dirname(world.workspaceFile),
      workspace.network.caFile!,
    )
    expect(caFile).toBe(world.caFile)
  })

  it('writes a CA file holding the root certificate alone', () => {
    const blocks = ca.match(/-----BEGIN CERTIFICATE-----/g) ?? []
    expect(blocks).toHaveLength(1)
    const root = new X509Certificate(ca)
    expect(root.subject).toContain(`CN=${ROOT_CA_NAME}`)
  })

  /** One handshake; chain trust and the host name judged apart. */
  function handshake(host: WorldHost): Promise<{
    authorized: boolean
    authorizationError?: string
    identityError?: Error
    peer: DetailedPeerCertificate
  }> {
    return new Promise((resolvePromise, reject) => {
      const socket = tls.connect({
        host: host.address,
        port: world.httpsPort,
        servername: host.name,
        ca: [ca],
        rejectUnauthorized: false,
        // So `authorized` reflects the chain alone.
        checkServerIdentity: () => undefined,
      })
      socket.once('secureConnect', () => {
        const peer = socket.getPeerCertificate(true)
        resolvePromise({
          authorized: socket.authorized,
          authorizationError: socket.authorizationError
            ? String(socket.authorizationError)
            : undefined,
          identityError: tls.checkServerIdentity(host.name, peer),
          peer,
        })
        socket.destroy()
      })
      socket.once('error', reject)
    })
  }

  function get(
    scheme: 'http' | 'https',
    host: WorldHost,
    path: string,
  ): Promise<{
    status: number
    location?: string
    contentType?: string
    body: string
  }> {
    const port = scheme === 'http' ? world.httpPort : world.httpsPort
    const transport = scheme === 'http' ? http : https
    return new Promise((resolvePromise, reject) => {
      const request = transport.get(
        {
          host: host.address,
          port,
          path,
          servername: host.name,
          ca: [ca],
          headers: { host: `${host.name}:${port}` },
          agent: false,
        },
        (response) => {
          let body = ''
          response.setEncoding('utf8')
          response.on('data', (chunk: string) => (body += chunk))
          response.on('end', () =>
            resolvePromise({
              status: response.statusCode ?? 0,
              location: response.headers.location,
              contentType: response.headers['content-type'],
              body,
            }),
          )
        },
      )
      request.once('error', reject)
    })
  }
})

describe('the edge with the other certificate kinds', () => {
  // Each kind is one line in CERTIFICATE_KINDS; this proves the edge
  // serves them too, the legacy ones at a lowered OpenSSL level.
  it.each<
    [CertificateKind, string | null, (peer: DetailedPeerCertificate) => void]
  >([
    [
      'not-yet-valid',
      'CERT_NOT_YET_VALID',
      (peer) => expect(Date.parse(peer.valid_from)).toBeGreaterThan(Date.now()),
    ],
    [
      'short-lived',
      null,
      (peer) =>
        expect(Date.parse(peer.valid_to) - Date.parse(peer.valid_from)).toBe(
          6 * 86_400_000,
        ),
    ],
    ['weak-key', null, (peer) => expect(peer.bits).toBe(1024)],
    [
      'sha1-signature',
      null,
      (peer) =>
        expect(new X509Certificate(peer.raw).signatureAlgorithm).toMatch(
          /sha1/i,
        ),
    ],
    ['valid-rsa', null, (peer) => expect(peer.bits).toBe(2048)],
  ])('serves a %s certificate', async (kind, trustError, expectations) => {
    const result = await serveAndConnect(kind)
    expect(result.trustError).toBe(trustError)
    expect(result.peer.subjectaltname).toBe(`DNS:${kind}.shop.test`)
    expectations(result.peer)
  })
})

/**
 * Starts an edge with one host holding a certificate of `kind`, shakes
 * hands with it, and stops it again.
 */
async function serveAndConnect(kind: CertificateKind) {
  const dir = await mkdtemp(join(tmpdir(), 'launch-ready-edge-'))
  try {
    const pki = await createTestPki()
    const name = `${kind}.shop.test`
    const address = '127.0.18.1'
    const issued = await pki.issue(name, kind)
    await mkdir(join(dir, 'certs'))
    const files = await writePemFiles(join(dir, 'certs'), name, issued)
    const [httpPort, httpsPort] = await freePorts(address, 2)
    const edge = await startEdge({
      dir: join(dir, 'edge'),
      httpPort: httpPort!,
      httpsPort: httpsPort!,
      sites: [
        {
          name,
          address,
          certificate: files.served,
          key: files.key,
          legacy: issued.legacy,
          redirectToHttps: true,
          description: kind,
        },
      ],
    })
    try {
      return await connectTls(
        address,
        httpsPort!,
        name,
        pem([pki.root.certificate]),
      )
    } finally {
      await edge.stop()
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

async function connectTls(
  address: string,
  port: number,
  name: string,
  ca: string,
): Promise<{ peer: DetailedPeerCertificate; trustError: string | null }> {
  const socket = tls.connect({
    host: address,
    port,
    servername: name,
    ca: [ca],
    rejectUnauthorized: false,
    // Node's OpenSSL refuses 1024-bit keys and SHA-1 at its default level
    // (authorizationError UNSPECIFIED); level 0 judges the chain itself.
    ciphers: 'DEFAULT@SECLEVEL=0',
  })
  try {
    await new Promise((resolvePromise, reject) => {
      socket.once('secureConnect', resolvePromise)
      socket.once('error', reject)
    })
    const error = socket.authorizationError
    return {
      peer: socket.getPeerCertificate(true),
      trustError: error ? String(error) : null,
    }
  } finally {
    socket.destroy()
  }
}

/** `count` distinct TCP ports nothing listens on right now. */
async function freePorts(host: string, count: number): Promise<number[]> {
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

describe('starting and stopping a world', () => {
  it('stop() ends knotd and nginx and removes the temp dir', async () => {
    const world = await startWorld({ net: 'auto' })
    const pids = await serversOf(world.dir)
    expect(pids.map((p) => p.name).sort()).toEqual(
      expect.arrayContaining(['knotd', 'nginx']),
    )
    await world.stop()
    for (const { pid, name } of pids) {
      expect(await isAlive(pid), `${name} (${pid})`).toBe(false)
    }
    expect(existsSync(world.dir)).toBe(false)
    await world.stop() // a second stop is harmless
  }, 30_000)

  it('names nginx and its error when a port is taken, and leaves nothing running', async () => {
    // 1–19 are for picking by hand; automatic worlds never use them.
    const net = 19
    const address = `127.0.${net}.1`
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
