import type { TestProject } from 'vitest/node'
import { startWorld, type World } from '../world/world'

declare module 'vitest' {
  export interface ProvidedContext {
    /** The shared test world's workspace file and hosts. */
    world: Pick<
      World,
      | 'workspaceFile'
      | 'caFile'
      | 'resolver'
      | 'domain'
      | 'httpPort'
      | 'httpsPort'
      | 'hosts'
    >
  }
}

/**
 * Starts one test world for the whole Vitest run, on its own address
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
  project.provide('world', {
    workspaceFile: world.workspaceFile,
    caFile: world.caFile,
    resolver: world.resolver,
    domain: world.domain,
    httpPort: world.httpPort,
    httpsPort: world.httpsPort,
    hosts: world.hosts,
  })
  return () => world.stop()
}
