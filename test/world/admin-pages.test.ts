import { createServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_PAGES, DASHBOARD_TEXT, KNOWN_ORDER } from './admin-pages'
import { startAdminApp, type AdminApp } from './admin-app'

let app: AdminApp
beforeAll(async () => {
  app = await startAdminApp({
    address: '127.0.0.1',
    port: await freePort(),
    token: 'Bearer t',
    adminPassword: 'pw-right',
  })
})
afterAll(() => app.stop())

const signIn = (password: string) =>
  fetch(`${app.origin}${ADMIN_PAGES.login}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: 'admin', password }),
  })

describe('the admin pages', () => {
  it('send the dashboard to /admin/login without a session', async () => {
    const response = await fetch(`${app.origin}${ADMIN_PAGES.dashboard}`, {
      redirect: 'manual',
    })
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe(ADMIN_PAGES.login)
  })

  it('refuse a wrong password with the form again', async () => {
    const response = await signIn('pw-wrong')
    expect(response.status).toBe(401)
    expect(await response.text()).toMatch(/Wrong user name or password/)
  })

  it('show the dashboard and an order once signed in', async () => {
    const response = await signIn('pw-right')
    expect(response.status).toBe(303)
    const cookie = response.headers.get('set-cookie')!.split(';')[0]!
    const headers = { cookie }
    const board = await fetch(`${app.origin}${ADMIN_PAGES.dashboard}`, {
      headers,
    })
    expect(await board.text()).toContain(DASHBOARD_TEXT)
    const order = await fetch(
      `${app.origin}${ADMIN_PAGES.lookup}?id=${KNOWN_ORDER.id}`,
      { headers },
    )
    expect(await order.text()).toContain(KNOWN_ORDER.text)
  })
})

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}
