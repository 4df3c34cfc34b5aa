import http, { type IncomingMessage } from 'node:http'
import https from 'node:https'
import { isIP } from 'node:net'
import { formatSeconds, LaunchReadyError, messageOf } from '../errors'
import type { LookupFunction } from './resolver'

/**
 * The phases of one HTTP exchange, in milliseconds each, the way a
 * browser's network panel shows them. `dns` and `tls` are absent when the
 * request had no name to look up or no TLS.
 */
export interface HttpTimings {
  readonly dns?: number
  readonly connect: number
  readonly tls?: number
  readonly firstByte: number
  readonly download: number
  readonly total: number
}

export type HttpHeaders = Readonly<Record<string, string | readonly string[]>>

export interface HttpResponse {
  readonly url: string
  readonly status: number
  readonly headers: HttpHeaders
  readonly body: Buffer
  /** True when the body was cut at `maxBodyBytes`. */
  readonly truncated: boolean
  readonly remoteAddress?: string
  /** True when the request went over an already open connection. */
  readonly reused: boolean
  readonly timings: HttpTimings
}

/** Where in the exchange a request failed. */
export type HttpPhase = 'dns' | 'connect' | 'tls' | 'headers' | 'body'

/** A request that got no usable response, with the phase it died in. */
export class HttpError extends LaunchReadyError {
  override name = 'HttpError' as const

  constructor(
    readonly url: string,
    readonly phase: HttpPhase,
    reason: string,
    readonly code?: string,
    options?: { cause?: unknown },
  ) {
    super(`fetch ${url}`, reason, undefined, options)
  }
}

export interface HttpClientOptions {
  readonly lookup?: LookupFunction
  /** Certificates to trust for https; replaces the defaults when given. */
  readonly ca?: readonly string[]
  readonly timeoutMs?: number
  readonly maxBodyBytes?: number
  readonly userAgent?: string
}

export interface RequestOptions {
  readonly method?: string
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: string
  readonly timeoutMs?: number
  readonly maxBodyBytes?: number
  readonly signal?: AbortSignal
  /**
   * A keep-alive agent to reuse connections (latency sampling); by
   * default every request opens its own, so every phase is measured.
   */
  readonly agent?: http.Agent
}

/** How a chain of redirects ended when it did not reach a final page. */
export type RedirectProblem =
  | { readonly kind: 'loop'; readonly url: string }
  | { readonly kind: 'too-many'; readonly limit: number }
  | { readonly kind: 'error'; readonly error: HttpError }

export interface RedirectChain {
  /** Every response in order; the last is final unless `problem` is set. */
  readonly hops: readonly HttpResponse[]
  readonly problem?: RedirectProblem
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])

/** True for a status that sends the client somewhere else. */
export function isRedirect(status: number): boolean {
  return REDIRECT_STATUSES.has(status)
}

/** A header's value as one string (repeated headers joined by ", "). */
export function header(headers: HttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()]
  return typeof value === 'string' ? value : value?.join(', ')
}

/**
 * An HTTP client for probes: one fresh connection per request (so every
 * timing phase is real), the workspace's DNS servers and trusted CAs, a
 * hard deadline per request, and a cap on how much body it reads.
 * Certificate problems are not fatal here; the TLS checks judge them.
 */
export class HttpClient {
  readonly #options: HttpClientOptions

  constructor(options: HttpClientOptions = {}) {
    this.#options = options
  }

  /** Sends one request and reads its response; never follows redirects. */
  request(url: string, options: RequestOptions = {}): Promise<HttpResponse> {
    const timeoutMs = options.timeoutMs ?? this.#options.timeoutMs ?? 10_000
    const maxBody =
      options.maxBodyBytes ?? this.#options.maxBodyBytes ?? 1 << 20
    const target = new URL(url)
    const secure = target.protocol === 'https:'
    const host = target.hostname.replace(/^\[|\]$/g, '')
    const transport = secure ? https : http
    const lookup = this.#options.lookup

    return new Promise<HttpResponse>((resolve, reject) => {
      const start = performance.now()
      const marks: Partial<
        Record<'dns' | 'connect' | 'tls' | 'headers', number>
      > = {}
      let phase: HttpPhase = 'dns'
      let settled = false

      const fail = (reason: string, code?: string, cause?: unknown) => {
        if (settled) return
        settled = true
        cleanup()
        req.destroy()
        reject(new HttpError(url, phase, reason, code, { cause }))
      }

      const req = transport.request(target, {
        method: options.method ?? 'GET',
        headers: {
          'user-agent': this.#options.userAgent ?? 'LaunchReady/0.1',
          accept: '*/*',
          ...options.headers,
        },
        agent: options.agent ?? false,
        lookup:
          lookup &&
          timedLookup(lookup, () => {
            marks.dns = performance.now()
            phase = 'connect'
          }),
        ca: this.#options.ca ? [...this.#options.ca] : undefined,
        rejectUnauthorized: false,
        // SNI carries names only (RFC 6066 §3).
        servername: secure && !isIP(host) ? host : undefined,
      })

      const timer = setTimeout(
        () =>
          fail(
            `timed out after ${formatSeconds(timeoutMs)} ${waitingFor(phase)}`,
            'ETIMEDOUT',
          ),
        timeoutMs,
      )
      const onAbort = () => fail('the audit was cancelled', 'ABORT_ERR')
      options.signal?.addEventListener('abort', onAbort, { once: true })
      const cleanup = () => {
        clearTimeout(timer)
        options.signal?.removeEventListener('abort', onAbort)
      }
      if (options.signal?.aborted) return onAbort()

      let reused = false
      req.on('socket', (socket) => {
        // A kept-alive socket is connected already: no phases to time, and
        // no listeners to leave behind on it.
        if (!socket.connecting && socket.remoteAddress) {
          reused = true
          phase = 'headers'
          return
        }
        socket.once('connect', () => {
          marks.connect = performance.now()
          phase = secure ? 'tls' : 'headers'
        })
        socket.once('secureConnect', () => {
          marks.tls = performance.now()
          phase = 'headers'
        })
      })

      let bodyFailed: ((error: NodeJS.ErrnoException) => void) | undefined
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (bodyFailed) bodyFailed(error)
        else fail(describeSocketError(error), error.code, error)
      })

      req.on('response', (res: IncomingMessage) => {
        marks.headers = performance.now()
        phase = 'body'
        const chunks: Buffer[] = []
        const remoteAddress = res.socket?.remoteAddress
        let received = 0
        let truncated = false
        const finish = () => {
          if (settled) return
          settled = true
          cleanup()
          const end = performance.now()
          resolve({
            url,
            status: res.statusCode ?? 0,
            headers: res.headers as HttpHeaders,
            body: Buffer.concat(chunks),
            truncated,
            remoteAddress,
            reused,
            timings: computeTimings(start, marks, end, secure),
          })
          // A body read to its end leaves the connection for the agent to
          // reuse; one cut short must not be read any further.
          if (!res.complete) res.destroy()
        }
        res.on('data', (chunk: Buffer) => {
          const room = maxBody - received
          if (chunk.length >= room) {
            chunks.push(chunk.subarray(0, room))
            received = maxBody
            truncated =
              chunk.length > room || res.readableLength > 0 || !res.complete
            finish()
            return
          }
          chunks.push(chunk)
          received += chunk.length
        })
        // Cut off mid-body: say how far it got, which tells a dropped
        // connection from a Content-Length that promised more than came.
        const cutOff = (error?: NodeJS.ErrnoException) => {
          const declared = Number(res.headers['content-length'])
          const reason =
            declared > received
              ? `the connection ended after ${received} of the ${declared} bytes its Content-Length announced`
              : error
                ? describeSocketError(error)
                : 'the server closed the connection mid-body'
          fail(reason, error?.code, error)
        }
        res.on('end', finish)
        res.on('error', cutOff)
        res.on('close', () => {
          if (!res.complete) cutOff()
        })
        bodyFailed = cutOff
      })

      req.end(options.body)
    })
  }

  /**
   * Follows redirects from `url`, recording every hop, and stops at a
   * loop, at `maxHops` redirects or at the first failed request.
   */
  async follow(
    url: string,
    options: RequestOptions & { readonly maxHops?: number } = {},
  ): Promise<RedirectChain> {
    const maxHops = options.maxHops ?? 10
    const hops: HttpResponse[] = []
    const seen = new Set<string>()
    let next = url
    for (;;) {
      seen.add(next)
      let response: HttpResponse
      try {
        response = await this.request(next, {
          ...options,
          maxBodyBytes: 64 * 1024,
        })
      } catch (error) {
        if (!(error instanceof HttpError)) throw error
        return { hops, problem: { kind: 'error', error } }
      }
      hops.push(response)
      const location = header(response.headers, 'location')
      if (!isRedirect(response.status) || !location) return { hops }
      next = new URL(location, next).href
      if (seen.has(next)) return { hops, problem: { kind: 'loop', url: next } }
      if (hops.length > maxHops)
        return { hops, problem: { kind: 'too-many', limit: maxHops } }
    }
  }
}

function computeTimings(
  start: number,
  marks: Partial<Record<'dns' | 'connect' | 'tls' | 'headers', number>>,
  end: number,
  secure: boolean,
): HttpTimings {
  const ms = (n: number) => Math.round(n * 10) / 10
  const dnsEnd = marks.dns ?? start
  const connectEnd = marks.connect ?? dnsEnd
  const tlsEnd = marks.tls ?? connectEnd
  const headers = marks.headers ?? end
  return {
    ...(marks.dns !== undefined ? { dns: ms(dnsEnd - start) } : {}),
    connect: ms(connectEnd - dnsEnd),
    ...(secure ? { tls: ms(tlsEnd - connectEnd) } : {}),
    firstByte: ms(headers - tlsEnd),
    download: ms(end - headers),
    total: ms(end - start),
  }
}

function waitingFor(phase: HttpPhase): string {
  switch (phase) {
    case 'dns':
      return 'resolving the name'
    case 'connect':
      return 'connecting'
    case 'tls':
      return 'in the TLS handshake'
    case 'headers':
      return 'waiting for the response headers'
    case 'body':
      return 'reading the response body'
  }
}

/** Socket errors in words, without Node's transport noise. */
export function describeSocketError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'the connection was refused (nothing listens on that port)'
    case 'ECONNRESET':
      return 'the server reset the connection'
    case 'ENOTFOUND':
      return 'the name does not resolve'
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'the address is unreachable'
    case 'EPROTO':
      return `the TLS handshake failed (${firstLine(error.message)})`
    case 'HPE_HEADER_OVERFLOW':
      return 'the response headers are larger than the client accepts'
    default:
      if (error.code?.startsWith('HPE_')) {
        return `the server sent a malformed HTTP response (${error.code})`
      }
      return firstLine(messageOf(error))
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text
}

/**
 * Wraps a lookup so its end is timed at the source: a socket's own
 * 'lookup' event can fire before anyone listens when the answer is
 * already known.
 */
function timedLookup(lookup: LookupFunction, done: () => void): LookupFunction {
  return (hostname, options, callback) =>
    lookup(hostname, options, (...args) => {
      done()
      callback(...args)
    })
}
