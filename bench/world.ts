import { constants } from 'node:os'
import {
  API,
  API_TOKEN_SECRET,
  hostsOf,
  startWorld,
  type World,
  type WorldHost,
  type WorldOptions,
  WORLD_DOMAIN,
} from '../test/world/world'
import type { Secrets } from './launch-ready'

/**
 * The test world as the bench and the testssl comparison use it: on a
 * free address block (other people's worlds and test runs may be up on
 * this machine), always stopped, whatever happens in between.
 */

/**
 * Starts a world, hands it to `use`, and stops it when `use` settles —
 * also when it throws.
 */
export async function withWorld<T>(
  options: Omit<WorldOptions, 'net'>,
  use: (world: World) => Promise<T>,
): Promise<T> {
  const world = await startWorld({ ...options, net: 'auto' })
  try {
    return await use(world)
  } finally {
    await world.stop()
  }
}

/**
 * The hosts of the main workspace that serve HTTPS: every one with an
 * address of its own and a server behind it.
 */
export function tlsHostsOf(world: Pick<World, 'hosts'>): WorldHost[] {
  return hostsOf(world, 'main').filter(
    (h) => h.address !== '' && h.server !== 'none',
  )
}

/** The admin app's canonical host, which the CDN front serves. */
export const APP_HOST = `www.${WORLD_DOMAIN}`

/** The way to the admin app: through the edge, or straight to it. */
export type AppRoute = 'edge' | 'direct'

/**
 * GET /api/delay?ms=N, which the app answers after N ms. Through the
 * edge it is https on www, via the CDN front and nginx, as a user
 * reaches it; direct it is plain HTTP to the app's own address.
 */
export function delayUrl(
  world: Pick<World, 'httpsPort' | 'app'>,
  ms: number,
  route: AppRoute = 'edge',
): string {
  const origin =
    route === 'edge'
      ? `https://${APP_HOST}:${world.httpsPort}`
      : world.app.origin
  return `${origin}${API.delay}?ms=${ms}`
}

/** The address the world's zone gives APP_HOST (the front's). */
export function appHostAddress(world: Pick<World, 'hosts'>): string {
  const host = world.hosts.find((h) => h.name === APP_HOST)
  if (!host?.address)
    throw new Error(`The world has no address for ${APP_HOST}`)
  return host.address
}

/**
 * The credentials the world's workspaces refer to (the admin API's
 * token, new on every start), for auditFile.
 */
export function secretsOf(world: Pick<World, 'apiToken'>): Secrets {
  return { [API_TOKEN_SECRET]: world.apiToken }
}

/**
 * Ctrl-C, SIGTERM or a closed terminal: leave through process.exit, so
 * the exit hooks of the world (its servers and temp dir) and of
 * testssl.ts (its processes) run, with the shell's 128 + signal status.
 */
export function exitOnSignal(): void {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      console.error(`\n${signal}: stopping the test world and testssl…`)
      process.exit(128 + constants.signals[signal])
    })
  }
}
