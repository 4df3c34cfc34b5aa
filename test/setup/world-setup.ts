import type { TestProject } from 'vitest/node'
import { startWorld, type World } from '../world/world'

/** Sites of the world that tests audit through workspaces of their own. */
export const SCENARIOS = [
  'stale.test',
  'lame.test',
  'split.shop.test',
  'downgrade.shop.test',
  'loop.shop.test',
  'temporary.shop.test',
] as const

declare module 'vitest' {
  export interface ProvidedContext {
    /** The shared test world: its workspace files, hosts and network. */
    world: Pick<
      World,
      | 'workspaceFile'
      | 'hostileWorkspaceFile'
      | 'deadDnsWorkspaceFile'
      | 'badEndpointsWorkspaceFile'
      | 'apiToken'
      | 'adminPassword'
      | 'caFile'
      | 'resolver'
      | 'domain'
      | 'httpPort'
      | 'httpsPort'
      | 'hosts'
    > & {
      /** The admin app's control origin (call counts, delays). */
      readonly appOrigin: string
      /** A workspace file per scenario site. */
      readonly scenarios: Readonly<Record<(typeof SCENARIOS)[number], string>>
      /** The world's mail, for the Stage 5 checks. */
      readonly mail: {
        /** The mail control's origin: `mailControl(origin)` reads the MXs. */
        readonly origin: string
        /** The submission password (secret:smtp-password). */
        readonly smtpPassword: string
        /** A workspace file per mail domain, keyed by zone. */
        readonly workspaces: Readonly<Record<string, string>>
      }
    }
  }
}

/**
 * Starts one test world for the whole Vitest run, on a free address
 * block so the e2e world can run beside it, and stops it afterwards.
 */
export default async function setup(project: TestProject) {
  const major = Number(process.versions.node.split('.')[0])
  if (major < 24) {
    throw new Error(
      `The tests need Node 24 (this is ${process.version}); run eval "$(scripts/node24.sh)" first.`,
    )
  }
  const world = await startWorld({ net: 'auto' })
  const scenarios = Object.fromEntries(
    await Promise.all(
      SCENARIOS.map(async (domain) => [
        domain,
        await world.workspaceFor(domain),
      ]),
    ),
  ) as Record<(typeof SCENARIOS)[number], string>
  const mailWorkspaces = Object.fromEntries(
    await Promise.all(
      world.mail.domains.map(async ({ zone }) => [
        zone,
        await world.workspaceFor(zone),
      ]),
    ),
  )
  project.provide('world', {
    workspaceFile: world.workspaceFile,
    hostileWorkspaceFile: world.hostileWorkspaceFile,
    deadDnsWorkspaceFile: world.deadDnsWorkspaceFile,
    badEndpointsWorkspaceFile: world.badEndpointsWorkspaceFile,
    apiToken: world.apiToken,
    adminPassword: world.adminPassword,
    appOrigin: world.app.origin,
    caFile: world.caFile,
    resolver: world.resolver,
    domain: world.domain,
    httpPort: world.httpPort,
    httpsPort: world.httpsPort,
    hosts: world.hosts,
    scenarios,
    mail: {
      origin: world.mail.origin,
      smtpPassword: world.smtpPassword,
      workspaces: mailWorkspaces,
    },
  })
  return () => world.stop()
}
