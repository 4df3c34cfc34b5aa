import { join } from 'node:path'
import { runChild } from './child'

/**
 * How many requests a client drives at a fixed concurrency for a few
 * seconds: our HttpClient (as perf.latency uses it) or autocannon. Each
 * run happens in a process of its own (load-driver.ts): the world's CDN
 * front and admin app live in the bench's process, so a client inside
 * it would share their event loop and be timed together with them.
 */

/** The two clients compared. */
export type LoadTool = 'launch-ready' | 'autocannon'

/** One load run. */
export interface LoadSpec {
  readonly tool: LoadTool
  /** A URL on the name the server expects. */
  readonly url: string
  /**
   * The address the name stands for. autocannon would ask the system's
   * resolver, which is not on loopback, so it connects here, with the
   * name as SNI and Host; our client asks the workspace's DNS servers.
   */
  readonly address: string
  /** The workspace whose network (DNS servers, CA) our client uses. */
  readonly workspaceFile: string
  readonly connections: number
  readonly durationMs: number
}

/** What one run did. */
export interface LoadResult {
  /** Requests answered with a 2xx status. */
  readonly answered: number
  /** Requests that failed or answered otherwise. */
  readonly failed: number
  /** Wall time of the run, in s. */
  readonly seconds: number
  /** CPU time (user + system) of the client's process during the run. */
  readonly cpuMs: number
}

/** Runs `spec` in a child process and returns what it measured. */
export async function driveLoad(spec: LoadSpec): Promise<LoadResult> {
  const driver = join(__dirname, 'load-driver.ts')
  const { stdout } = await runChild(
    process.execPath,
    ['--import', 'tsx', driver, JSON.stringify(spec)],
    {
      // tsx is found from the repository's node_modules.
      cwd: join(__dirname, '..'),
      timeoutMs: spec.durationMs + 60_000,
      label: `the load driver (${spec.tool}, ${spec.url})`,
    },
  )
  return JSON.parse(stdout) as LoadResult
}
