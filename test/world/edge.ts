import { mkdir, readFile, truncate, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { join } from 'node:path'
import {
  findProgram,
  startProcess,
  waitUntilReady,
  type ServerProcess,
} from './process'

/**
 * The test world's edge: Debian's nginx in the foreground, every path
 * (pid, logs, temp files, pages) inside one directory. Each site has a
 * loopback address of its own, so no listener needs SNI to pick its
 * certificate, and high ports, so no root is needed.
 */

/** A redirect status: permanent (301, 308) or temporary (302, 307). */
export type RedirectStatus = 301 | 302 | 307 | 308

/** A TLS version name as nginx's `ssl_protocols` writes it. */
export type TlsProtocol = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3'

/** What a listener answers. */
export type EdgeAnswer =
  /** The site's page, for any path. */
  | { readonly kind: 'page' }
  /**
   * A redirect to `scheme://host[:port]` followed by `path`, or by the
   * request's own path and query when `path` is absent. Scheme and host
   * default to the listener's own.
   */
  | {
      readonly kind: 'redirect'
      readonly status: RedirectStatus
      readonly scheme?: 'http' | 'https'
      readonly host?: string
      readonly path?: string
    }
  /** `bytes` zero bytes with their Content-Length, for every path. */
  | { readonly kind: 'file'; readonly bytes: number }
  /** `body` as text/plain with `status` (an MTA-STS policy, a 404). */
  | { readonly kind: 'text'; readonly status: number; readonly body: string }

/** One host the edge serves. */
export interface EdgeSite {
  readonly name: string
  /** The loopback address both of its listeners bind. */
  readonly address: string
  /** PEM files: what the HTTPS listener sends (chain or leaf) and its key. */
  readonly certificate: string
  readonly key: string
  /**
   * The certificate or protocols need OpenSSL's security level lowered
   * (Debian's OpenSSL refuses 1024-bit keys, SHA-1 and TLS 1.0/1.1 above 0).
   */
  readonly legacy?: boolean
  /** False: plain HTTP serves the page instead of redirecting to HTTPS. */
  readonly redirectToHttps: boolean
  /** A sentence for the page, so a person who opens it knows the site. */
  readonly description: string
  /** What plain HTTP answers; `redirectToHttps` decides when absent. */
  readonly http?: EdgeAnswer
  /** What HTTPS answers; the page when absent. */
  readonly https?: EdgeAnswer
  /** Exact paths answered on both schemes before the default answer. */
  readonly routes?: Readonly<Record<string, EdgeAnswer>>
  /** Headers on every response of both schemes, redirects included. */
  readonly headers?: Readonly<Record<string, string>>
  /**
   * Headers on HTTPS responses only: Strict-Transport-Security over plain
   * HTTP must be ignored (RFC 6797 section 8.1), so sites don't send it.
   */
  readonly httpsHeaders?: Readonly<Record<string, string>>
  /** TLS versions offered; TLS 1.2 and 1.3 when absent. */
  readonly tlsProtocols?: readonly TlsProtocol[]
  /** The page's HTML; a small page naming the site when absent. */
  readonly html?: string
  /** An app behind the listener that serves the page (see EdgeApp). */
  readonly app?: EdgeApp
}

/**
 * An app nginx passes /api/ and /static/ to, as a shop's edge does: text
 * over 1 KB gzipped (the page too), /static/ kept in a real proxy cache
 * and marked the way Cloudflare marks it (`cf-cache-status`), /api/
 * never cached. Only the listener that serves the page gets it; one that
 * redirects keeps redirecting every path.
 */
export interface EdgeApp {
  /** Where the app listens, plain HTTP. */
  readonly address: string
  readonly port: number
  /**
   * Paths passed through as the app sends them — unbuffered, never
   * compressed, with hour-long timeouts — so a client sees a hang, a
   * reset or a short body itself, not nginx's tidied-up version of it.
   */
  readonly streamed: readonly string[]
  /** Paths never compressed, however large. */
  readonly uncompressed: readonly string[]
}

export interface EdgeOptions {
  /** A directory for nginx alone. */
  readonly dir: string
  readonly sites: readonly EdgeSite[]
  readonly httpPort: number
  readonly httpsPort: number
  /** Path of nginx; looked up in PATH, then /usr/sbin, when absent. */
  readonly program?: string
  /** How long nginx may take to accept connections; 10 s by default. */
  readonly timeoutMs?: number
}

/** A running edge. */
export interface Edge {
  readonly httpPort: number
  readonly httpsPort: number
  readonly sites: readonly EdgeSite[]
  readonly process: ServerProcess
  /** Stops nginx (SIGTERM, then SIGKILL) and waits for it to exit. */
  stop(): Promise<void>
}

/**
 * Writes nginx.conf and the pages, starts nginx and resolves once every
 * listener accepts connections. Throws a WorldError with nginx's output
 * when it cannot start (a port in use, a bad certificate); nothing is
 * left running then.
 */
export async function startEdge(options: EdgeOptions): Promise<Edge> {
  const program = await findProgram(
    'nginx',
    options.program,
    'apt-get install nginx-light',
  )
  const config = await writeNginxFiles(options)
  // -e: nginx opens its compiled-in error log (/var/log/nginx) before it
  // reads the config; stderr keeps it out of the system's files.
  const server = await startProcess('nginx', program, [
    '-e',
    'stderr',
    '-p',
    options.dir,
    '-c',
    config,
    '-g',
    'daemon off;',
  ])
  try {
    await waitUntilReady(
      server,
      () => isServing(server.pid, options),
      options.timeoutMs ?? 10_000,
    )
  } catch (error) {
    await server.stop()
    throw error
  }
  return {
    httpPort: options.httpPort,
    httpsPort: options.httpsPort,
    sites: options.sites,
    process: server,
    stop: () => server.stop(),
  }
}

/** Writes nginx.conf, the page of every site, and the log/temp dirs. */
async function writeNginxFiles(options: EdgeOptions): Promise<string> {
  // nginx makes a cache's own dir, not its parents.
  for (const sub of ['logs', 'tmp', 'cache']) {
    await mkdir(join(options.dir, sub), { recursive: true })
  }
  for (const site of options.sites) {
    const root = join(options.dir, 'sites', site.name)
    await mkdir(root, { recursive: true })
    await writeFile(join(root, 'index.html'), site.html ?? page(site))
    const bytes = fileBytes(site)
    if (bytes !== undefined) await writeSparseFile(join(root, BODY), bytes)
  }
  const config = join(options.dir, 'nginx.conf')
  await writeFile(config, nginxConfig(options))
  return config
}

/** The file a 'file' answer serves, inside the site's root. */
const BODY = 'body.bin'

function fileBytes(site: EdgeSite): number | undefined {
  const answers = [site.http, site.https, ...Object.values(site.routes ?? {})]
  const sizes = answers.flatMap((a) => (a?.kind === 'file' ? [a.bytes] : []))
  if (new Set(sizes).size > 1) {
    throw new RangeError(`${site.name}: one file size per site, not ${sizes}`)
  }
  return sizes[0]
}

/**
 * A file of `bytes` zeros that takes no disk space (a hole), so a 50 MB
 * body costs nothing to make; nginx still sends every byte.
 */
async function writeSparseFile(path: string, bytes: number): Promise<void> {
  await writeFile(path, '')
  await truncate(path, bytes)
}

/** A small page naming the site, so a browser shows which one it hit. */
function page(site: EdgeSite): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<meta charset="utf-8">',
    `<title>${escapeHtml(site.name)}</title>`,
    `<h1>${escapeHtml(site.name)}</h1>`,
    `<p>Launch Ready test world: ${escapeHtml(site.description)}.</p>`,
    '</html>',
    '',
  ].join('\n')
}

function escapeHtml(text: string): string {
  const entities: Record<string, string> = {
    '&': '&amp;',
    '<': '&lt;',
    '>': '&gt;',
    '"': '&quot;',
  }
  return text.replace(/[&<>"]/g, (c) => entities[c]!)
}

/** nginx.conf for the edge; every path points inside `options.dir`. */
export function nginxConfig(options: EdgeOptions): string {
  const path = (...parts: string[]) => quote(join(options.dir, ...parts))
  return [
    '# Generated by test/world/edge.ts; removed when the world stops.',
    // Workers of a root master drop to "nobody", which cannot read the
    // world's private temp dir; a user who is not root keeps their own.
    ...(process.getuid?.() === 0 ? ['user root;'] : []),
    'worker_processes 1;',
    `pid ${path('nginx.pid')};`,
    'error_log stderr warn;',
    'events { worker_connections 256; }',
    'http {',
    `  access_log ${path('logs', 'access.log')};`,
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
      (kind) => `  ${kind}_temp_path ${path('tmp', kind)};`,
    ),
    '  types { text/html html; text/css css; text/javascript js; }',
    ...options.sites.flatMap((site) =>
      site.app ? [`  proxy_cache_path ${cachePath(site, options)};`] : [],
    ),
    '  default_type application/octet-stream;',
    '  charset utf-8;',
    // "Server: nginx" without the version, as production configs have it.
    '  server_tokens off;',
    // nginx 1.22 still offers TLS 1.0 and 1.1 by default; sites today don't.
    '  ssl_protocols TLSv1.2 TLSv1.3;',
    ...options.sites.flatMap((site) => siteConfig(site, options)),
    '}',
    '',
  ].join('\n')
}

const TO_HTTPS: EdgeAnswer = { kind: 'redirect', status: 301, scheme: 'https' }
const PAGE: EdgeAnswer = { kind: 'page' }

function siteConfig(site: EdgeSite, options: EdgeOptions): string[] {
  const http = site.http ?? (site.redirectToHttps ? TO_HTTPS : PAGE)
  return [
    ...serverBlock(site, options, 'http', http, [
      `    listen ${site.address}:${options.httpPort};`,
    ]),
    ...serverBlock(site, options, 'https', site.https ?? PAGE, [
      `    listen ${site.address}:${options.httpsPort} ssl;`,
      `    ssl_certificate ${quote(site.certificate)};`,
      `    ssl_certificate_key ${quote(site.key)};`,
      ...(site.tlsProtocols
        ? [`    ssl_protocols ${site.tlsProtocols.join(' ')};`]
        : []),
      // Debian's OpenSSL refuses weak keys, SHA-1 and TLS < 1.2 above 0.
      ...(site.legacy ? ['    ssl_ciphers DEFAULT@SECLEVEL=0;'] : []),
    ]),
  ]
}

type Scheme = 'http' | 'https'

/** One server block: its listener, headers, routes and default answer. */
function serverBlock(
  site: EdgeSite,
  options: EdgeOptions,
  scheme: Scheme,
  answer: EdgeAnswer,
  listen: readonly string[],
): string[] {
  const headers = {
    ...site.headers,
    ...(scheme === 'https' ? site.httpsHeaders : {}),
  }
  const routes = Object.entries(site.routes ?? {})
  return [
    '  server {',
    ...listen,
    `    server_name ${site.name};`,
    `    root ${quote(join(options.dir, 'sites', site.name))};`,
    // `always`: redirects and errors carry them too. Locations below set
    // no add_header of their own, so they inherit these (nginx replaces,
    // never merges, add_header lists between levels).
    ...Object.entries(headers).map(
      ([name, value]) => `    add_header ${name} ${nginxValue(value)} always;`,
    ),
    ...routes.map(
      ([path, a]) =>
        `    location = ${path} { ${directive(site, options, scheme, a)} }`,
    ),
    ...(site.app && answer.kind === 'page'
      ? appConfig(site, site.app, headers)
      : []),
    `    location / { ${directive(site, options, scheme, answer)} }`,
    '  }',
  ]
}

/** The nginx directive that gives `answer` inside a location. */
function directive(
  site: EdgeSite,
  options: EdgeOptions,
  scheme: Scheme,
  answer: EdgeAnswer,
): string {
  switch (answer.kind) {
    case 'page':
      // Any path gets the page, as a single-page app's server does, so a
      // redirect that keeps the path still ends on a 200.
      return 'try_files $uri /index.html;'
    case 'file':
      return `try_files /${BODY} =500;`
    case 'text':
      return `default_type text/plain; return ${answer.status} ${nginxText(answer.body)};`
    case 'redirect': {
      const to = answer.scheme ?? scheme
      const port = to === 'http' ? options.httpPort : options.httpsPort
      const shown = port === (to === 'http' ? 80 : 443) ? '' : `:${port}`
      const path = answer.path ?? '$request_uri'
      const host = answer.host ?? site.name
      return `return ${answer.status} ${to}://${host}${shown}${path};`
    }
  }
}

/** The cache zone of a site with an app: one per site, in its own dir. */
function cacheZone(site: EdgeSite): string {
  return `static_${site.name.replace(/[^a-z0-9]/gi, '_')}`
}

function cachePath(site: EdgeSite, options: EdgeOptions): string {
  const dir = quote(join(options.dir, 'cache', site.name))
  // use_temp_path=off: files land in the cache dir directly.
  return `${dir} levels=1:2 keys_zone=${cacheZone(site)}:1m max_size=64m inactive=1h use_temp_path=off`
}

/** Text types gzip covers; nginx always includes text/html. */
const GZIP_TYPES = [
  'text/css',
  'text/javascript',
  'application/javascript',
  'application/json',
  'image/svg+xml',
]

/**
 * The server-level gzip and proxy settings and the /static/ and /api/
 * locations of a site with an app. A location with an add_header of its
 * own loses the server's (nginx replaces the list, never merges), so
 * each repeats `headers` before its own.
 */
function appConfig(
  site: EdgeSite,
  app: EdgeApp,
  headers: Readonly<Record<string, string>>,
): string[] {
  const upstream = `http://${app.address}:${app.port}`
  const kept = Object.entries(headers).map(
    ([name, value]) => `add_header ${name} ${nginxValue(value)} always;`,
  )
  const proxy = (...extra: string[]) =>
    [`proxy_pass ${upstream};`, ...kept, ...extra].join(' ')
  // What Cloudflare says of a response it did not try to cache.
  const dynamic = 'add_header cf-cache-status DYNAMIC always;'
  const cached = [
    `proxy_cache ${cacheZone(site)};`,
    // Its own Date on a hit, so the front can tell the cached copy's age.
    'proxy_pass_header Date;',
    'add_header cf-cache-status $upstream_cache_status always;',
  ]
  const streamed = [
    'proxy_buffering off;',
    'proxy_request_buffering off;',
    'gzip off;',
    'proxy_read_timeout 1h;',
    'proxy_send_timeout 1h;',
  ]
  const exact = (paths: readonly string[], body: string) =>
    paths.map((path) => `    location = ${path} { ${body} }`)
  return [
    // The usual production setting: below 1 KB gzip's own overhead
    // eats most of the gain. Counted from the app's Content-Length.
    '    gzip on;',
    '    gzip_min_length 1024;',
    // Requests that came through a proxy (a Via header) too; nginx's
    // default would send those uncompressed.
    '    gzip_proxied any;',
    '    gzip_vary on;',
    `    gzip_types ${GZIP_TYPES.join(' ')};`,
    '    proxy_http_version 1.1;',
    '    proxy_set_header Host $host;',
    '    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    '    proxy_set_header X-Forwarded-Proto $scheme;',
    `    location /static/ { ${proxy(...cached)} }`,
    ...exact(
      app.uncompressed.filter((p) => p.startsWith('/static/')),
      proxy(...cached, 'gzip off;'),
    ),
    `    location /api/ { ${proxy(dynamic)} }`,
    // The admin pages (login, dashboard, order lookup): never cached.
    `    location /admin/ { ${proxy(dynamic)} }`,
    ...exact(
      app.uncompressed.filter((p) => p.startsWith('/api/')),
      proxy(dynamic, 'gzip off;'),
    ),
    ...exact(app.streamed, proxy(dynamic, ...streamed)),
  ]
}

/**
 * A header value as an nginx string. nginx has no escape for `$`, which
 * would start a variable, so values with one are refused.
 */
function nginxValue(value: string): string {
  if (value.includes('$')) {
    throw new RangeError(`header values cannot hold "$": ${value}`)
  }
  return quote(value)
}

/**
 * A body for `return` as an nginx string: nginx reads \n in a quoted
 * string as a line break; `$` would start a variable, so it is refused.
 */
function nginxText(value: string): string {
  return nginxValue(value).replace(/\n/g, '\\n')
}

/** An nginx string: quoted, so paths with spaces work. */
function quote(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`
}

/**
 * True once nginx has written its pid file — which it does only after
 * binding every listener, so an older server holding a port cannot pass
 * for it — and every listener accepts a connection.
 */
async function isServing(pid: number, options: EdgeOptions): Promise<boolean> {
  const written = await readFile(join(options.dir, 'nginx.pid'), 'utf8').catch(
    () => '',
  )
  if (Number(written.trim()) !== pid) return false
  const ports = [options.httpPort, options.httpsPort]
  const listeners = options.sites.flatMap((s) =>
    ports.map((port) => accepts(s.address, port)),
  )
  return (await Promise.all(listeners)).every(Boolean)
}

/** True when a TCP connection to address:port opens. */
export function accepts(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port, timeout: 500 })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
    socket.once('timeout', () => done(false))
  })
}
