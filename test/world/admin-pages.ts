import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'

/**
 * The admin app's HTML side under /admin/: a login form, a dashboard
 * that needs a session, and an order lookup — what monitor.synthetic-login
 * drives a browser through. The password is new on every world start.
 */

/** The pages' paths, for tests and workspaces. */
export const ADMIN_PAGES = {
  login: '/admin/login',
  dashboard: '/admin/dashboard',
  lookup: '/admin/orders/lookup',
} as const

/** The one admin account's user name. */
export const ADMIN_USER = 'admin'
/** What the dashboard shows once logged in. */
export const DASHBOARD_TEXT = 'Orders today'
/** An order the lookup finds, and what it shows for it. */
export const KNOWN_ORDER = { id: 'SO-1001', text: 'Paid — 3 items' } as const

const COOKIE = 'shop_admin'

/** Sessions handed out since start. */
export interface PagesState {
  readonly password: string
  readonly sessions: Set<string>
}

export function newPagesState(password: string): PagesState {
  return { password, sessions: new Set() }
}

/** Answers a request under /admin/; `body` is what the client sent. */
export function handlePage(
  state: PagesState,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  body: Buffer,
  wait: (ms: number) => Promise<boolean>,
): Promise<void> | void {
  const signedIn = hasSession(state, req)
  switch (`${req.method} ${url.pathname}`) {
    case `GET ${ADMIN_PAGES.login}`:
      return html(res, 200, loginForm(url.searchParams.get('v') === '2'))
    case `POST ${ADMIN_PAGES.login}`:
      return login(state, res, body)
    case `GET ${ADMIN_PAGES.dashboard}`:
      return signedIn ? html(res, 200, dashboard()) : toLogin(res)
    case `GET ${ADMIN_PAGES.lookup}`:
      if (!signedIn) return toLogin(res)
      return lookup(res, url, wait)
    default:
      return html(res, 404, page('Not found', '<p>No such page.</p>'))
  }
}

function hasSession(state: PagesState, req: IncomingMessage): boolean {
  const cookies = (req.headers.cookie ?? '').split(';').map((c) => c.trim())
  const sid = cookies
    .find((c) => c.startsWith(`${COOKIE}=`))
    ?.slice(COOKIE.length + 1)
  return sid !== undefined && state.sessions.has(sid)
}

function login(state: PagesState, res: ServerResponse, body: Buffer): void {
  const form = new URLSearchParams(body.toString('utf8'))
  const given = Buffer.from(form.get('password') ?? '')
  const wanted = Buffer.from(state.password)
  const ok =
    form.get('username') === ADMIN_USER &&
    given.length === wanted.length &&
    timingSafeEqual(given, wanted)
  if (!ok) {
    return html(
      res,
      401,
      loginForm(false, 'Wrong user name or password. Try again.'),
    )
  }
  const sid = randomBytes(18).toString('base64url')
  state.sessions.add(sid)
  res.writeHead(303, {
    location: ADMIN_PAGES.dashboard,
    'set-cookie': `${COOKIE}=${sid}; Path=/admin/; HttpOnly; Secure; SameSite=Lax`,
    'content-length': '0',
  })
  res.end()
}

function toLogin(res: ServerResponse): void {
  res.writeHead(302, { location: ADMIN_PAGES.login, 'content-length': '0' })
  res.end()
}

/** ?id=SO-1001 shows the order; ?ms=N waits N ms first (up to 10 s). */
async function lookup(
  res: ServerResponse,
  url: URL,
  wait: (ms: number) => Promise<boolean>,
): Promise<void> {
  const ms = Math.min(Number(url.searchParams.get('ms')) || 0, 10_000)
  if (!(await wait(ms))) return
  const id = url.searchParams.get('id') ?? ''
  const found = id === KNOWN_ORDER.id
  const text = found
    ? `<p id="order">Order ${KNOWN_ORDER.id}: ${KNOWN_ORDER.text}</p>`
    : `<p id="order">No order ${escape(id)}.</p>`
  html(res, found ? 200 : 404, page('Order lookup', text))
}

/** The login form; `renamed` is the same page after a redesign. */
function loginForm(renamed: boolean, error?: string): string {
  const [user, pass] = renamed
    ? ['login', 'passphrase']
    : ['username', 'password']
  return page(
    'Sign in',
    `${error ? `<p role="alert">${error}</p>` : ''}
<form method="post" action="${ADMIN_PAGES.login}">
<label>User name <input id="${user}" name="username" autocomplete="username"></label>
<label>Password <input id="${pass}" name="password" type="password" autocomplete="current-password"></label>
<button type="submit" id="sign-in">Sign in</button>
</form>`,
  )
}

function dashboard(): string {
  return page(
    'Dashboard',
    `<h2>${DASHBOARD_TEXT}</h2><p id="orders-today">14</p>
<form method="get" action="${ADMIN_PAGES.lookup}">
<label>Order <input id="order-id" name="id"></label>
<button type="submit" id="look-up">Look up</button>
</form>`,
  )
}

function page(title: string, main: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title} · Shop admin</title></head><body><h1>${title}</h1>${main}</body></html>`
}

function html(res: ServerResponse, status: number, text: string): void {
  const body = Buffer.from(text, 'utf8')
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': body.length,
    'cache-control': 'no-store',
  })
  res.end(body)
}

function escape(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)
}
