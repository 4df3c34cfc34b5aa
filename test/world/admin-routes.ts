import type { EndpointInput } from './workspaces'
import {
  APP_JS,
  appJs,
  customersJson,
  exportJson,
  inventoryJson,
  LEGACY_JS,
  legacyJs,
  LOGO_PNG,
  logoPng,
  ordersJson,
  STYLES_CSS,
  stylesCss,
} from './admin-assets'

/**
 * The admin app's routes, as data: what each answers, after how long,
 * whether it needs the token, how nginx must pass it on, and how the
 * workspaces list it. admin-app.ts serves them, edge.ts configures nginx
 * from them, and world.ts writes the workspace endpoints from them.
 */

/** The API paths, for tests and workspaces. */
export const API = {
  orders: '/api/orders',
  customers: '/api/customers',
  inventory: '/api/inventory',
  slowReport: '/api/reports/slow',
  export: '/api/export',
  notes: '/api/orders/notes',
  refunds: '/api/refunds',
  delay: '/api/delay',
  hang: '/api/hang',
  fail: '/api/fail',
  reset: '/api/reset',
  endless: '/api/endless',
  lyingLength: '/api/lying-length',
} as const

/** Server-side delays of the routes that have one, in ms. */
export const ROUTE_DELAY_MS = {
  orders: 5,
  slowReport: 450,
  notes: 60,
} as const

/** What /api/lying-length declares, and what it sends before hanging up. */
export const LYING_LENGTH = { declared: 100_000, sent: 200 } as const

/** The bodies made once at start, by name. */
export interface Content {
  readonly orders: Buffer
  readonly customers: Buffer
  readonly inventory: Buffer
  readonly export: Buffer
  readonly appJs: Buffer
  readonly stylesCss: Buffer
  readonly legacyJs: Buffer
  readonly logoPng: Buffer
}

/** Makes every body; the export alone takes ~100 ms. */
export function makeContent(): Content {
  const utf8 = (text: string) => Buffer.from(text, 'utf8')
  return {
    orders: utf8(ordersJson()),
    customers: utf8(customersJson()),
    inventory: utf8(inventoryJson()),
    export: utf8(exportJson()),
    appJs: utf8(appJs()),
    stylesCss: utf8(stylesCss()),
    legacyJs: utf8(legacyJs()),
    logoPng: logoPng(),
  }
}

export const JSON_TYPE = 'application/json; charset=utf-8'
const JS_TYPE = 'text/javascript; charset=utf-8'

/** A body: one made at start, or JSON made per request. */
export type Body =
  { readonly content: keyof Content } | { readonly json: (url: URL) => unknown }

/** How a route answers once it has waited its delay. */
export type Answer =
  /** A complete response with Content-Length. */
  | {
      readonly kind: 'body'
      readonly status: 200 | 201
      readonly type: string
      readonly body: Body
      readonly headers?: Readonly<Record<string, string>>
      /** An ETag, and 304 to a matching If-None-Match. */
      readonly etag?: boolean
      /** A Last-Modified (the app's start), and 304 to If-Modified-Since. */
      readonly lastModified?: boolean
      /** x-request-id on the response; the API has it, assets do not. */
      readonly requestId: boolean
    }
  /** 500 with a JSON error body and no request id. */
  | { readonly kind: 'fail' }
  /** Reads the request and never answers. */
  | { readonly kind: 'hang' }
  /**
   * 200, part of a JSON body, then a TCP reset. nginx 1.22 logs
   * "readv() failed (104: Connection reset by peer) while reading
   * upstream" and closes the client's connection without the last chunk.
   */
  | { readonly kind: 'reset' }
  /** 200 and a chunked JSON array that never ends. */
  | { readonly kind: 'endless' }
  /**
   * Declares LYING_LENGTH.declared bytes, sends fewer, hangs up. nginx
   * 1.22 passes the declared Content-Length on, relays what came, logs
   * "upstream prematurely closed connection while reading upstream" and
   * closes the client's connection — buffered or not; it never pads or
   * rewrites the length. The CDN front then closes its own.
   */
  | { readonly kind: 'lying-length' }

/** Which generated workspace lists a route. */
export type EndpointSet = 'main' | 'bad'

/** A route as a workspace's `endpoints` entry describes it. */
export interface EndpointPlan {
  readonly name: string
  readonly sets: readonly EndpointSet[]
  readonly kind: 'read' | 'write'
  readonly safeToRepeat: boolean
  readonly body?: string
}

/** How nginx passes a route on, when not the usual way. */
export interface EdgePlan {
  /**
   * Unbuffered, uncompressed and with hour-long timeouts: the client
   * sees exactly what the app does (a hang, a reset, a short body).
   */
  readonly stream?: boolean
  /** Never compressed, however large. */
  readonly noGzip?: boolean
}

/** One route of the app. */
export interface Route {
  readonly path: string
  /** GET answers HEAD as well. */
  readonly method: 'GET' | 'POST'
  /** Needs `Authorization` to equal the app's token exactly. */
  readonly auth?: boolean
  /** Waits this long before answering; 'query' takes it from ?ms=N. */
  readonly delayMs?: number | 'query'
  readonly answer: Answer
  readonly endpoint?: EndpointPlan
  readonly edge?: EdgePlan
}

const api = (
  content: keyof Content,
  headers: Record<string, string> = {},
  etag = false,
): Answer => ({
  kind: 'body',
  status: 200,
  type: JSON_TYPE,
  body: { content },
  headers,
  etag,
  requestId: true,
})

const read = (name: string, sets: EndpointSet[] = ['main']): EndpointPlan => ({
  name,
  sets,
  kind: 'read',
  safeToRepeat: true,
})

const created = (make: () => unknown): Answer => ({
  kind: 'body',
  status: 201,
  type: JSON_TYPE,
  body: { json: make },
  requestId: true,
})

const STREAM: EdgePlan = { stream: true }

/** Every route; anything else under /api/ is a 404 without a request id. */
export const ROUTES: readonly Route[] = [
  {
    path: API.orders,
    method: 'GET',
    auth: true,
    delayMs: ROUTE_DELAY_MS.orders,
    answer: api('orders', { 'cache-control': 'private, max-age=0' }, true),
    endpoint: read('List orders', ['main', 'bad']),
  },
  {
    path: API.customers,
    method: 'GET',
    auth: true,
    // The mistake: a shared cache may keep personal data for 10 minutes.
    answer: api('customers', { 'cache-control': 'public, max-age=600' }),
    endpoint: read('List customers'),
  },
  {
    path: API.inventory,
    method: 'GET',
    // No validators and no Cache-Control: every read costs the database.
    answer: api('inventory'),
    endpoint: read('Stock levels'),
  },
  {
    path: API.slowReport,
    method: 'GET',
    delayMs: ROUTE_DELAY_MS.slowReport,
    answer: {
      kind: 'body',
      status: 200,
      type: JSON_TYPE,
      body: { json: () => ({ report: 'sales-by-day', rows: 31 }) },
      requestId: true,
    },
    endpoint: read('Sales report (slow)'),
  },
  {
    path: API.export,
    method: 'GET',
    answer: api('export'),
    endpoint: read('Export all orders'),
  },
  {
    path: API.notes,
    method: 'POST',
    delayMs: ROUTE_DELAY_MS.notes,
    answer: created(() => ({ id: `note_${Date.now()}`, saved: true })),
    endpoint: {
      name: 'Add an order note',
      sets: ['main'],
      kind: 'write',
      safeToRepeat: true,
      body: '{"order":"SO-10400","note":"Called the customer"}',
    },
  },
  {
    path: API.refunds,
    method: 'POST',
    answer: created(() => ({ id: `rf_${Date.now()}`, status: 'issued' })),
    endpoint: {
      name: 'Refund an order',
      sets: ['main'],
      kind: 'write',
      safeToRepeat: false,
      body: '{"order":"SO-10400","amount":"9.00"}',
    },
  },
  {
    path: API.delay,
    method: 'GET',
    delayMs: 'query',
    answer: {
      kind: 'body',
      status: 200,
      type: JSON_TYPE,
      body: { json: (url) => ({ ms: Number(url.searchParams.get('ms')) }) },
      requestId: true,
    },
  },
  ...(
    [
      [API.hang, 'hang', 'Never answers'],
      [API.fail, 'fail', 'Always fails'],
      [API.reset, 'reset', 'Resets mid-response'],
      [API.endless, 'endless', 'Never ends'],
      [API.lyingLength, 'lying-length', 'Short of its Content-Length'],
    ] as const
  ).map(([path, kind, name]): Route => ({
    path,
    method: 'GET',
    answer: { kind },
    endpoint: read(name, ['bad']),
    edge: STREAM,
  })),
  asset(APP_JS, 'appJs', JS_TYPE, {
    headers: { 'cache-control': 'public, max-age=31536000, immutable' },
    etag: true,
  }),
  // Unhashed, so short-lived; and no validator to revalidate it with.
  asset(STYLES_CSS, 'stylesCss', 'text/css; charset=utf-8', {
    headers: { 'cache-control': 'public, max-age=300' },
  }),
  asset(LOGO_PNG, 'logoPng', 'image/png', {
    headers: { 'cache-control': 'no-store' },
  }),
  {
    ...asset(LEGACY_JS, 'legacyJs', JS_TYPE, {
      headers: { 'cache-control': 'public, max-age=86400' },
      lastModified: true,
    }),
    // A location that turned gzip off and was never revisited.
    edge: { noGzip: true },
  },
]

function asset(
  path: string,
  content: keyof Content,
  type: string,
  options: Pick<
    Extract<Answer, { kind: 'body' }>,
    'headers' | 'etag' | 'lastModified'
  >,
): Route {
  return {
    path,
    method: 'GET',
    answer: {
      kind: 'body',
      status: 200,
      type,
      body: { content },
      requestId: false,
      ...options,
    },
  }
}

/** Paths nginx must stream through untouched. */
export const STREAMED_PATHS = ROUTES.filter((r) => r.edge?.stream).map(
  (r) => r.path,
)
/** Paths nginx must not compress. */
export const UNCOMPRESSED_PATHS = ROUTES.filter((r) => r.edge?.noGzip).map(
  (r) => r.path,
)

/** The keychain name of the API token, as the workspaces refer to it. */
export const API_TOKEN_SECRET = 'shop-api-token'

/**
 * The `endpoints` of one generated workspace, at `origin` (with its
 * port). Authenticated routes send the token as a keychain reference.
 */
export function endpointsFor(
  origin: string,
  set: EndpointSet,
): EndpointInput[] {
  return ROUTES.flatMap(({ path, method, auth, endpoint }) => {
    if (!endpoint?.sets.includes(set)) return []
    const { name, kind, safeToRepeat, body } = endpoint
    const headers = {
      ...(auth ? { Authorization: `secret:${API_TOKEN_SECRET}` } : {}),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    }
    const url = `${origin}${path}`
    return [
      {
        ...{ name, url, method, kind, safeToRepeat },
        ...(Object.keys(headers).length > 0 ? { headers } : {}),
        ...(body === undefined ? {} : { body }),
      },
    ]
  })
}
