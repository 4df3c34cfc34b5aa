import { execFile } from 'node:child_process'
import { Resolver } from 'node:dns/promises'
import http, { type IncomingHttpHeaders } from 'node:http'
import https from 'node:https'
import { connect, type Socket } from 'node:net'
import tls, { type DetailedPeerCertificate, type SecureVersion } from 'node:tls'
import { promisify } from 'node:util'

/**
 * Small probes the world's tests use to look at it the way a client
 * would: one DNS question to one server, one HTTP exchange without
 * following redirects, one TLS handshake, and the reference tools (dig,
 * openssl). Names are never resolved through the system: every probe
 * takes the address to talk to.
 */

const run = promisify(execFile)

/** A node:dns resolver asking `endpoint` ("address:port") alone. */
export function resolverAt(endpoint: string, timeoutMs = 1000): Resolver {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 1 })
  resolver.setServers([endpoint])
  return resolver
}

/** dig's output for `args`, asking address#port. */
export async function dig(
  address: string,
  port: number,
  args: readonly string[],
): Promise<string> {
  const { stdout } = await run('dig', [`@${address}`, '-p', `${port}`, ...args])
  return stdout
}

/** The flags of a dig answer's header: ["qr", "aa", "tc", …]. */
export function digFlags(output: string): string[] {
  return /;; flags: ([a-z ]+);/.exec(output)?.[1]?.split(' ') ?? []
}

/**
 * `openssl s_client` against address:port: its output once the handshake
 * is done (stdin is closed at once, so it does not wait for input).
 */
export function sClient(
  address: string,
  port: number,
  servername: string,
  args: readonly string[] = [],
): Promise<string> {
  return new Promise((resolve) => {
    const child = execFile(
      'openssl',
      [
        ...['s_client', '-connect', `${address}:${port}`],
        ...['-servername', servername, ...args],
      ],
      { timeout: 5000 },
      // A refused handshake exits non-zero; its output still says why.
      (_, stdout, stderr) => resolve(`${stdout}${stderr}`),
    )
    child.stdin?.end()
  })
}

/** The certificates the server sent, as `openssl s_client -showcerts` saw. */
export async function sentChain(
  address: string,
  port: number,
  servername: string,
): Promise<string[]> {
  const output = await sClient(address, port, servername, [
    '-showcerts',
    // The weak-key and SHA-1 hosts need the lowest level to be read at all.
    ...['-cipher', 'DEFAULT@SECLEVEL=0'],
  ])
  const blocks = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g
  return output.match(blocks) ?? []
}

/** What a TLS handshake showed. */
export interface Handshake {
  readonly protocol: string | null
  /** The chain verified against the CA given. */
  readonly authorized: boolean
  readonly authorizationError?: string
  /** Whether the certificate names the host (judged apart from trust). */
  readonly identityError?: Error
  readonly peer: DetailedPeerCertificate
}

export interface HandshakeOptions {
  readonly address: string
  readonly port: number
  readonly servername: string
  readonly ca: string
  readonly minVersion?: SecureVersion
  readonly maxVersion?: SecureVersion
  /** For old protocols, weak keys and SHA-1: 'DEFAULT@SECLEVEL=0'. */
  readonly ciphers?: string
}

/** One handshake; chain trust and the host name are judged apart. */
export function handshake(options: HandshakeOptions): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: options.address,
      port: options.port,
      servername: options.servername,
      ca: [options.ca],
      minVersion: options.minVersion,
      maxVersion: options.maxVersion,
      ciphers: options.ciphers,
      rejectUnauthorized: false,
      // So `authorized` reflects the chain alone.
      checkServerIdentity: () => undefined,
      timeout: 2000,
    })
    socket.once('secureConnect', () => {
      const peer = socket.getPeerCertificate(true)
      const error = socket.authorizationError
      resolve({
        protocol: socket.getProtocol(),
        authorized: socket.authorized,
        authorizationError: error ? String(error) : undefined,
        identityError: tls.checkServerIdentity(options.servername, peer),
        peer,
      })
      socket.destroy()
    })
    socket.once('timeout', () => {
      socket.destroy()
      reject(new Error(`no handshake with ${options.servername} in 2 s`))
    })
    socket.once('error', reject)
  })
}

/** One HTTP exchange, redirects not followed. */
export interface Exchange {
  readonly status: number
  readonly headers: IncomingHttpHeaders
  /** The body as text, or its length alone for large bodies. */
  readonly body: string
  readonly bodyBytes: number
}

export interface RequestOptions {
  /** Where to connect; the URL's host goes into Host and SNI. */
  readonly address: string
  readonly url: string
  readonly ca: string
  /** Keep at most this much of the body as text (the rest is counted). */
  readonly keepBytes?: number
}

/** GET `url` at `address`, without following a redirect. */
export function request(options: RequestOptions): Promise<Exchange> {
  const url = new URL(options.url)
  const secure = url.protocol === 'https:'
  const keep = options.keepBytes ?? 64 * 1024
  return new Promise((resolve, reject) => {
    const req = (secure ? https : http).get(
      {
        host: options.address,
        port: url.port || (secure ? 443 : 80),
        path: `${url.pathname}${url.search}`,
        servername: secure ? url.hostname : undefined,
        ca: [options.ca],
        headers: { host: url.host },
        agent: false,
        timeout: 5000,
      },
      (response) => {
        const kept: Buffer[] = []
        let bytes = 0
        response.on('data', (chunk: Buffer) => {
          if (bytes < keep) kept.push(chunk.subarray(0, keep - bytes))
          bytes += chunk.length
        })
        response.once('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(kept).toString('utf8'),
            bodyBytes: bytes,
          }),
        )
        response.once('error', reject)
      },
    )
    req.once('timeout', () => req.destroy(new Error(`timed out: ${url}`)))
    req.once('error', reject)
  })
}

/** One step of a redirect chain. */
export interface Hop {
  readonly url: string
  readonly status: number
  readonly location?: string
}

/**
 * Follows redirects from `url` by hand, up to `maxHops`, finding each
 * host's address with `addressOf`. Stops at the first answer that is not
 * a redirect, or at a URL already visited (a loop).
 */
export async function follow(
  url: string,
  addressOf: (host: string) => string,
  ca: string,
  maxHops = 10,
): Promise<{ hops: Hop[]; looped: boolean }> {
  const hops: Hop[] = []
  const seen = new Set<string>()
  let next: string | undefined = url
  while (next !== undefined && hops.length <= maxHops) {
    if (seen.has(next)) return { hops, looped: true }
    seen.add(next)
    const address = addressOf(new URL(next).hostname)
    const answer = await request({ address, url: next, ca })
    const location = answer.headers.location
    hops.push({ url: next, status: answer.status, location })
    next =
      answer.status >= 300 && answer.status < 400 && location
        ? new URL(location, next).href
        : undefined
  }
  return { hops, looped: false }
}

/**
 * Opens a TCP connection, writes `send`, and returns what arrived within
 * `ms` (the connection is then closed). For servers that never finish.
 */
export function listenFor(
  address: string,
  port: number,
  send: string,
  ms: number,
): Promise<{ connected: boolean; received: string; ended: boolean }> {
  return new Promise((resolve) => {
    let received = ''
    let connected = false
    let ended = false
    const socket: Socket = connect({ host: address, port }, () => {
      connected = true
      socket.write(send, 'latin1')
    })
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')))
    socket.once('end', () => (ended = true))
    socket.on('error', () => {})
    setTimeout(() => {
      socket.destroy()
      resolve({ connected, received, ended })
    }, ms)
  })
}

/** The same over TLS: what arrived within `ms`, handshake included. */
export function listenForTls(
  address: string,
  port: number,
  servername: string,
  ca: string,
  send: string,
  ms: number,
): Promise<{ secure: boolean; received: string }> {
  return new Promise((resolve) => {
    let received = ''
    let secure = false
    const socket = tls.connect({ host: address, port, servername, ca: [ca] })
    socket.once('secureConnect', () => {
      secure = true
      socket.write(send, 'latin1')
    })
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')))
    socket.on('error', () => {})
    setTimeout(() => {
      socket.destroy()
      resolve({ secure, received })
    }, ms)
  })
}

/** How an exchange with `send` ended. */
export type Ending =
  /** The whole body arrived. */
  | 'complete'
  /** The connection ended before the body did (a reset, a short body). */
  | 'aborted'
  /** `maxBytes` of body arrived and the probe stopped reading. */
  | 'capped'
  /** Nothing more within `timeoutMs`; the probe gave up. */
  | 'timeout'
  /** No response at all: the request failed. */
  | 'error'

export interface SendOptions extends RequestOptions {
  readonly method?: string
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: string
  /** Give up after this long, whatever has arrived; 5 s by default. */
  readonly timeoutMs?: number
  /** Stop reading once this many body bytes have arrived. */
  readonly maxBytes?: number
}

/** What `send` saw, however the exchange ended. */
export interface Sent {
  /** undefined when no response head arrived. */
  readonly status?: number
  readonly headers: IncomingHttpHeaders
  /** The body bytes as they came, still content-coded. */
  readonly body: Buffer
  readonly ending: Ending
  readonly error?: string
  /** From sending the request to the ending. */
  readonly ms: number
}

/**
 * One request with any method, headers and body, that never throws: a
 * response cut short, an endless one (with `maxBytes`) or none at all
 * (with `timeoutMs`) is an `ending`, with whatever arrived before it.
 */
export function send(options: SendOptions): Promise<Sent> {
  const url = new URL(options.url)
  const secure = url.protocol === 'https:'
  const started = performance.now()
  return new Promise((resolve) => {
    let response: http.IncomingMessage | undefined
    const chunks: Buffer[] = []
    let bytes = 0
    let settled = false
    const finish = (ending: Ending, error?: string) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      req.destroy()
      resolve({
        status: response?.statusCode,
        headers: response?.headers ?? {},
        body: Buffer.concat(chunks),
        ending,
        ...(error === undefined ? {} : { error }),
        ms: performance.now() - started,
      })
    }
    const req = (secure ? https : http).request(
      {
        host: options.address,
        port: url.port || (secure ? 443 : 80),
        path: `${url.pathname}${url.search}`,
        method: options.method ?? 'GET',
        servername: secure ? url.hostname : undefined,
        ca: [options.ca],
        headers: { host: url.host, ...options.headers },
        agent: false,
      },
      (res) => {
        response = res
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk)
          bytes += chunk.length
          if (bytes >= (options.maxBytes ?? Infinity)) finish('capped')
        })
        res.on('error', () => {}) // 'close' below says how it ended
        res.once('close', () => finish(res.complete ? 'complete' : 'aborted'))
      },
    )
    const timer = setTimeout(() => finish('timeout'), options.timeoutMs ?? 5000)
    req.once('error', (error) =>
      finish(response ? 'aborted' : 'error', error.message),
    )
    req.end(options.body)
  })
}
