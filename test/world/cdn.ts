import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import http, {
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http'
import https from 'node:https'
import { closeServer, listen, trackConnections } from './listen'

/**
 * A CDN front in the manner of Cloudflare: it terminates HTTP and HTTPS
 * for a host, passes each request to the nginx origin behind it, and
 * sends the origin's answer back with the CDN's own `server` and `cf-ray`
 * headers. nginx cannot do this itself: it always writes its own
 * `Server` header, and Debian's nginx lacks the headers-more module that
 * would replace it.
 */

/** One host the front serves. */
export interface CdnSite {
  readonly name: string
  /** Where the front listens (the address the zone gives the host). */
  readonly address: string
  /** Where nginx serves the host, on the same ports. */
  readonly origin: string
  /** PEM files: the chain the front sends, and its key. */
  readonly certificate: string
  readonly key: string
}

export interface CdnOptions {
  readonly sites: readonly CdnSite[]
  readonly httpPort: number
  readonly httpsPort: number
  /** The world's root CA (PEM), to trust the origin's certificates. */
  readonly ca: string
}

/** A running front. */
export interface CdnFront {
  /** Closes every listener and connection; safe to call twice. */
  stop(): Promise<void>
}

const NAME = 'the CDN front'

/** The point of presence the `cf-ray` suffix names: London. */
const COLO = 'LHR'

/**
 * Starts the front for every site. Throws when a port is taken; whatever
 * had started by then is closed again.
 */
export async function startCdnFront(options: CdnOptions): Promise<CdnFront> {
  const servers: (http.Server | https.Server)[] = []
  const dropAll: (() => void)[] = []
  const agents = [
    new http.Agent({ keepAlive: true }),
    new https.Agent({ keepAlive: true, ca: options.ca }),
  ] as const
  const stop = async () => {
    for (const drop of dropAll) drop()
    for (const agent of agents) agent.destroy()
    await Promise.all(servers.map(closeServer))
  }
  try {
    for (const site of options.sites) {
      const pem = {
        cert: await readFile(site.certificate),
        key: await readFile(site.key),
      }
      const plain = http.createServer((req, res) =>
        forward(req, res, site, options.httpPort, agents[0]),
      )
      const secure = https.createServer(pem, (req, res) =>
        forward(req, res, site, options.httpsPort, agents[1]),
      )
      servers.push(plain, secure)
      dropAll.push(trackConnections(plain), trackConnections(secure))
      await listen(plain, site.address, options.httpPort, NAME)
      await listen(secure, site.address, options.httpsPort, NAME)
    }
  } catch (error) {
    await stop()
    throw error
  }
  let stopping: Promise<void> | undefined
  return { stop: () => (stopping ??= stop()) }
}

/** Passes one request to the origin and its answer back, CDN-stamped. */
function forward(
  req: IncomingMessage,
  res: ServerResponse,
  site: CdnSite,
  port: number,
  agent: http.Agent,
): void {
  const secure = agent instanceof https.Agent
  const request = (secure ? https : http).request({
    host: site.origin,
    port,
    servername: secure ? site.name : undefined,
    method: req.method,
    path: req.url,
    headers: req.headers,
    agent,
  })
  request.once('response', (answer) => {
    res.writeHead(answer.statusCode ?? 502, stamp(answer.headers))
    answer.pipe(res)
    // An origin that stops mid-body (a reset, fewer bytes than its
    // Content-Length) ends the client's connection the same way; pipe()
    // alone would leave the client waiting for the rest for ever.
    answer.once('close', () => {
      if (!answer.complete) res.destroy()
    })
  })
  request.once('error', () => {
    if (res.headersSent) return void res.destroy()
    res.writeHead(502, stamp({ 'content-type': 'text/plain' }))
    res.end('The origin did not answer.\n')
  })
  res.once('close', () => request.destroy())
  req.pipe(request)
}

/**
 * Headers that describe one connection, not the message (RFC 9110
 * section 7.6.1); Node frames the front's own response.
 */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'proxy-connection',
])

/**
 * The origin's headers with the CDN's server and a fresh ray id, and an
 * Age on a cache hit.
 */
function stamp(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const kept = Object.entries(headers).filter(
    ([name]) => !HOP_BY_HOP.has(name) && name !== 'server',
  )
  return {
    ...Object.fromEntries(kept),
    ...ageOf(headers),
    server: 'cloudflare',
    // 16 hex digits and the point of presence, as Cloudflare sends it.
    'cf-ray': `${randomBytes(8).toString('hex')}-${COLO}`,
  }
}

/**
 * RFC 9111 section 5.1: Age is the seconds since the origin made the
 * response. nginx keeps the origin's Date with a cached copy (edge.ts
 * passes it on), so on a hit the age is now − Date; nginx alone cannot
 * send Age at all.
 */
function ageOf(headers: IncomingHttpHeaders): { age?: string } {
  if (headers['cf-cache-status'] !== 'HIT') return {}
  const made = Date.parse(headers.date ?? '')
  if (!Number.isFinite(made)) return {}
  return { age: `${Math.max(0, Math.floor((Date.now() - made) / 1000))}` }
}
