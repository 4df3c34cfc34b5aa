import { randomUUID } from 'node:crypto'
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import { etagOf } from './admin-assets'
import {
  JSON_TYPE,
  LYING_LENGTH,
  makeContent,
  ROUTES,
  type Answer,
  type Body,
  type Content,
  type Route,
} from './admin-routes'
import { handlePage, newPagesState, type PagesState } from './admin-pages'
import { closeServer, listen, trackConnections } from './listen'

/**
 * The shop's admin app: a small node:http server that nginx proxies
 * /api/ and /static/ of www to. It serves the routes of admin-routes.ts,
 * counts every request by path, and lets a test add delays — in process,
 * or over HTTP at /__world/ on its own address (which nginx never
 * forwards), for test workers in another process than the world.
 */

/** A running app. */
export interface AdminApp {
  /** "http://address:port": where nginx reaches it; /__world/ is here. */
  readonly origin: string
  /** Requests that reached `path` (any method) since start or reset(). */
  calls(path: string): number
  /** Adds `ms` before `path` answers, on top of its own delay. */
  setDelay(path: string, ms: number): void
  /** Clears the added delays and the call counts. */
  reset(): void
  /** Closes the listener and every connection, clears every timer. */
  stop(): Promise<void>
}

export interface AdminAppOptions {
  readonly address: string
  readonly port: number
  /** The whole Authorization header value the API accepts. */
  readonly token: string
  /** The password of the /admin/login form (user "admin"). */
  readonly adminPassword: string
}

/** The control paths on the app's own address. */
export const CONTROL = {
  calls: '/__world/calls',
  delay: '/__world/delay',
  reset: '/__world/reset',
} as const

const NAME = 'the admin app'
/** Enough for any write the workspaces send. */
const MAX_REQUEST_BYTES = 64 * 1024

/** Starts the app; throws a WorldError naming it when the port is taken. */
export async function startAdminApp(
  options: AdminAppOptions,
): Promise<AdminApp> {
  const state = newState(options.token, options.adminPassword)
  const server = http.createServer((req, res) => {
    handle(state, req, res).catch(() => res.destroy())
  })
  const dropAll = trackConnections(server)
  const stop = async () => {
    state.timers.stopAll()
    dropAll()
    await closeServer(server)
  }
  try {
    await listen(server, options.address, options.port, NAME)
  } catch (error) {
    await stop()
    throw error
  }
  let stopping: Promise<void> | undefined
  return {
    origin: `http://${options.address}:${options.port}`,
    calls: (path) => state.calls.get(path) ?? 0,
    setDelay: (path, ms) => setDelay(state, path, ms),
    reset: () => reset(state),
    stop: () => (stopping ??= stop()),
  }
}

/** What the app keeps between requests. */
interface State {
  readonly token: string
  readonly content: Content
  readonly etags: ReadonlyMap<keyof Content, string>
  readonly startedAt: Date
  readonly routes: ReadonlyMap<string, Route>
  readonly calls: Map<string, number>
  readonly delays: Map<string, number>
  readonly timers: Timers
  readonly pages: PagesState
}

function newState(token: string, adminPassword: string): State {
  const content = makeContent()
  const keys = Object.keys(content) as (keyof Content)[]
  return {
    token,
    content,
    etags: new Map(keys.map((k) => [k, etagOf(content[k])])),
    // Whole seconds: HTTP dates have no finer grain (RFC 9110 5.6.7).
    startedAt: new Date(Math.floor(Date.now() / 1000) * 1000),
    routes: new Map(ROUTES.map((r) => [r.path, r])),
    calls: new Map(),
    delays: new Map(),
    timers: new Timers(),
    pages: newPagesState(adminPassword),
  }
}

function setDelay(state: State, path: string, ms: number): void {
  if (!state.routes.has(path)) throw new RangeError(`no route ${path}`)
  if (!Number.isFinite(ms) || ms < 0) {
    throw new RangeError(`a delay is 0 ms or more: ${ms}`)
  }
  state.delays.set(path, ms)
}

function reset(state: State): void {
  state.delays.clear()
  state.calls.clear()
}

/**
 * Node's timers fire up to a millisecond or two late. The app's delays
 * are what the bench measures perf.latency against, so the last stretch
 * of each is polled: the answer leaves within a fraction of a
 * millisecond of the delay asked for.
 */
const POLLED_MS = 2

/** A wait the app has set, until it fires or is cancelled. */
interface Pending {
  cancel(): void
}

/** Every wait the app sets, so stop() can cancel the ones pending. */
class Timers {
  private readonly pending = new Set<Pending>()
  private stopped = false

  /** Runs `action` after `ms`, unless stopAll() comes first. */
  later(ms: number, action: () => void): Pending | undefined {
    if (this.stopped) return undefined
    const deadline = performance.now() + ms
    let immediate: NodeJS.Immediate | undefined
    const poll = () => {
      if (performance.now() < deadline) {
        immediate = setImmediate(poll)
        return
      }
      this.pending.delete(pending)
      action()
    }
    const timeout = setTimeout(poll, Math.max(0, ms - POLLED_MS))
    const pending: Pending = {
      cancel: () => {
        clearTimeout(timeout)
        clearImmediate(immediate)
        this.pending.delete(pending)
      },
    }
    this.pending.add(pending)
    return pending
  }

  cancel(pending: Pending | undefined): void {
    pending?.cancel()
  }

  stopAll(): void {
    this.stopped = true
    for (const pending of this.pending) pending.cancel()
  }
}

async function handle(
  state: State,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://admin.invalid')
  const body = await consume(req)
  if (!body) return sendError(res, 413, 'too_large')
  if (url.pathname.startsWith('/__world/')) return control(state, url, res)
  const path = url.pathname
  state.calls.set(path, (state.calls.get(path) ?? 0) + 1)
  if (path.startsWith('/admin/')) {
    const pause = (ms: number) => wait(state, ms, res)
    return handlePage(state.pages, req, res, url, body, pause)
  }
  const route = state.routes.get(path)
  if (!route) return notFound(req, res, path)
  if (!allows(route, req.method)) {
    res.setHeader('allow', route.method === 'GET' ? 'GET, HEAD' : 'POST')
    return sendError(res, 405, 'method_not_allowed')
  }
  if (route.auth && req.headers.authorization !== state.token) {
    return unauthorized(res)
  }
  const delay = delayOf(route, url)
  if (delay === undefined) return sendError(res, 400, 'bad_delay')
  const waited = await wait(state, delay + (state.delays.get(path) ?? 0), res)
  if (waited) answer(state, route.answer, req, res, url)
}

function allows(route: Route, method = 'GET'): boolean {
  return (
    method === route.method || (route.method === 'GET' && method === 'HEAD')
  )
}

/**
 * Reads the request body to its end, as a body parser would before any
 * route runs; undefined when it is over MAX_REQUEST_BYTES. Only the
 * login form looks at what was sent; API writes only have to arrive.
 */
async function consume(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = []
  let bytes = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    bytes += chunk.length
    if (bytes > MAX_REQUEST_BYTES) return undefined
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

/** /api/delay?ms=N: N from 0 to 60 000; undefined when it is not. */
function delayOf(route: Route, url: URL): number | undefined {
  if (route.delayMs !== 'query') return route.delayMs ?? 0
  const given = url.searchParams.get('ms') ?? ''
  // Number('') is 0: a missing value must not pass for "no delay".
  const ms = /^\d+$/.test(given) ? Number(given) : NaN
  return ms <= 60_000 ? ms : undefined
}

/** Resolves true after `ms`, or false once the client has gone. */
function wait(state: State, ms: number, res: ServerResponse): Promise<boolean> {
  if (ms === 0) return Promise.resolve(!res.destroyed)
  return new Promise((resolve) => {
    const onClose = () => {
      state.timers.cancel(timer)
      resolve(false)
    }
    const timer = state.timers.later(ms, () => {
      res.off('close', onClose)
      resolve(true)
    })
    res.once('close', onClose)
  })
}

/** A fresh request id, as a tracing middleware would set it. */
function requestId(): string {
  return randomUUID()
}

function answer(
  state: State,
  what: Answer,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): void {
  switch (what.kind) {
    case 'body':
      return sendBody(state, what, req, res, url)
    case 'fail':
      // An error handler outside the tracing middleware: no request id.
      return sendError(res, 500, 'internal', 'The database refused the query.')
    case 'hang':
      // The socket stays open until the client (or stop()) ends it.
      return
    case 'reset':
      return resetMidway(state, req, res)
    case 'endless':
      return sendEndless(state, res)
    case 'lying-length':
      return sendShort(req, res)
  }
}

function sendBody(
  state: State,
  what: Extract<Answer, { kind: 'body' }>,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): void {
  const headers: Record<string, string> = {
    'content-type': what.type,
    ...what.headers,
    ...(what.requestId ? { 'x-request-id': requestId() } : {}),
  }
  const fixed = 'content' in what.body ? what.body.content : undefined
  if (what.etag && fixed) headers.etag = state.etags.get(fixed)!
  if (what.lastModified)
    headers['last-modified'] = state.startedAt.toUTCString()
  if (isNotModified(req, headers)) {
    res.writeHead(304, headers)
    return void res.end()
  }
  const body = bodyOf(state, what.body, url)
  headers['content-length'] = `${body.length}`
  res.writeHead(what.status, headers)
  res.end(body)
}

function bodyOf(state: State, body: Body, url: URL): Buffer {
  if ('content' in body) return state.content[body.content]
  return Buffer.from(JSON.stringify(body.json(url)))
}

/**
 * RFC 9110 section 13.1.2: If-None-Match compares weakly, so the W/ that
 * nginx puts on an ETag it gzipped still matches; If-Modified-Since
 * counts only without it (section 13.1.3).
 */
function isNotModified(
  req: IncomingMessage,
  headers: Readonly<Record<string, string>>,
): boolean {
  const match = req.headers['if-none-match']
  if (match !== undefined) {
    if (headers.etag === undefined) return false
    const strip = (tag: string) => tag.trim().replace(/^W\//, '')
    const wanted = strip(headers.etag)
    return match.split(',').some((t) => t.trim() === '*' || strip(t) === wanted)
  }
  const since = Date.parse(req.headers['if-modified-since'] ?? '')
  const modified = Date.parse(headers['last-modified'] ?? '')
  return (
    Number.isFinite(since) && Number.isFinite(modified) && modified <= since
  )
}

/** A JSON error as an error handler writes it: no request id. */
function sendError(
  res: ServerResponse,
  status: number,
  error: string,
  message = http.STATUS_CODES[status] ?? '',
): void {
  const body = JSON.stringify({ error, message })
  res.writeHead(status, {
    'content-type': JSON_TYPE,
    'content-length': Buffer.byteLength(body),
  })
  res.end(body)
}

function notFound(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): void {
  if (path.startsWith('/api/')) {
    return sendError(res, 404, 'not_found', `No route ${req.method} ${path}.`)
  }
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
  res.end('Not found.\n')
}

/** 401 from the auth middleware, which runs after the request id is set. */
function unauthorized(res: ServerResponse): void {
  const body = JSON.stringify({
    error: 'unauthorized',
    message: 'Send Authorization: Bearer <token>.',
  })
  res.writeHead(401, {
    'content-type': JSON_TYPE,
    'content-length': Buffer.byteLength(body),
    'www-authenticate': 'Bearer realm="shop-admin"',
    'x-request-id': requestId(),
  })
  res.end(body)
}

/** How long the reset waits after its partial body, so it gets out first. */
const RESET_AFTER_MS = 20

/**
 * 200 and the start of a JSON body, then RST: resetAndDestroy() sends a
 * TCP reset instead of an orderly FIN, as a crashed worker's socket does.
 */
function resetMidway(
  state: State,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  res.writeHead(200, { 'content-type': JSON_TYPE, 'x-request-id': requestId() })
  res.write('{"orders":[{"id":"SO-10400","status":"pa', () => {
    state.timers.later(RESET_AFTER_MS, () => req.socket.resetAndDestroy())
  })
}

/** The endless body's pace: a chunk of rows every so often. */
export const ENDLESS = { chunkBytes: 16 * 1024, intervalMs: 5 } as const

/** One chunk of the endless array: rows of ~100 bytes, made once. */
const ENDLESS_CHUNK = (() => {
  const row = `{"sku":"SKU-2000","pad":"${'ab'.repeat(32)}"},`
  return row.repeat(Math.ceil(ENDLESS.chunkBytes / row.length))
})()

/**
 * 200 and a JSON array that never closes: a chunk every
 * ENDLESS.intervalMs (~3 MB/s), or as the client drains, whichever is
 * slower, until the client goes away. Paced so a client without a size
 * cap fills its memory in seconds, not the machine's CPU.
 */
function sendEndless(state: State, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': JSON_TYPE, 'x-request-id': requestId() })
  res.write('[')
  const pump = () => {
    if (res.destroyed) return
    const next = () => state.timers.later(ENDLESS.intervalMs, pump)
    if (res.write(ENDLESS_CHUNK)) next()
    else res.once('drain', next)
  }
  pump()
}

/** Content-Length: 100000, 200 bytes, and an orderly close (FIN). */
function sendShort(req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, {
    'content-type': JSON_TYPE,
    'content-length': `${LYING_LENGTH.declared}`,
    'x-request-id': requestId(),
  })
  const body = `{"orders":[${'"SO-10400",'.repeat(20)}`
    .padEnd(LYING_LENGTH.sent, ' ')
    .slice(0, LYING_LENGTH.sent)
  res.write(body, () => req.socket.end())
}

/**
 * The test-only control surface:
 *   GET  /__world/calls?path=P     → {"path": P, "calls": N}
 *   PUT  /__world/delay?path=P&ms=N → 204
 *   POST /__world/reset            → 204
 */
function control(state: State, url: URL, res: ServerResponse): void {
  const path = url.searchParams.get('path') ?? ''
  try {
    switch (url.pathname) {
      case CONTROL.calls:
        return sendJson(res, { path, calls: state.calls.get(path) ?? 0 })
      case CONTROL.delay:
        setDelay(state, path, Number(url.searchParams.get('ms') ?? ''))
        return void res.writeHead(204).end()
      case CONTROL.reset:
        reset(state)
        return void res.writeHead(204).end()
      default:
        return sendError(res, 404, 'not_found')
    }
  } catch (error) {
    sendError(res, 400, 'bad_control', (error as Error).message)
  }
}

function sendJson(res: ServerResponse, value: unknown): void {
  const body = JSON.stringify(value)
  res.writeHead(200, {
    'content-type': JSON_TYPE,
    'content-length': Buffer.byteLength(body),
  })
  res.end(body)
}

/** The same control, from another process: what test workers use. */
export interface AppControl {
  calls(path: string): Promise<number>
  setDelay(path: string, ms: number): Promise<void>
  reset(): Promise<void>
}

/** Controls the app at `origin` (AdminApp.origin) over HTTP. */
export function appControl(origin: string): AppControl {
  const call = async (method: string, path: string, query = {}) => {
    const url = new URL(path, origin)
    for (const [k, v] of Object.entries(query)) {
      url.searchParams.set(k, String(v))
    }
    const response = await fetch(url, { method })
    if (!response.ok) {
      throw new Error(`${method} ${url.pathname}: ${await response.text()}`)
    }
    return response
  }
  return {
    calls: async (path) => {
      const response = await call('GET', CONTROL.calls, { path })
      return ((await response.json()) as { calls: number }).calls
    },
    setDelay: async (path, ms) =>
      void (await call('PUT', CONTROL.delay, { path, ms })),
    reset: async () => void (await call('POST', CONTROL.reset)),
  }
}
