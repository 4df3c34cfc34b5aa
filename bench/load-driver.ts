import autocannon from 'autocannon'
import http from 'node:http'
import https from 'node:https'
import { isIP } from 'node:net'
import { networkOf } from './launch-ready'
import type { LoadResult, LoadSpec } from './load'

/**
 * The child process of load.ts: runs one LoadSpec (JSON, the only
 * argument), prints its LoadResult as JSON and exits; 2 when it could
 * not run.
 */

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '') as LoadSpec
  const cpu = process.cpuUsage()
  const result =
    spec.tool === 'launch-ready'
      ? await driveOurs(spec)
      : await driveAutocannon(spec)
  const used = process.cpuUsage(cpu)
  const cpuMs = (used.user + used.system) / 1000
  process.stdout.write(`${JSON.stringify({ ...result, cpuMs })}\n`)
}

type Counts = Omit<LoadResult, 'cpuMs'>

/**
 * Our client the way perf.latency drives it (latency.ts, sample()): a
 * keep-alive agent with one socket per worker, `connections` workers
 * each sending its next request as soon as the last one ends, an abort
 * signal on each request. It runs until the time is up, so the last
 * requests end a little after it.
 */
async function driveOurs(spec: LoadSpec): Promise<Counts> {
  const net = await networkOf(spec.workspaceFile)
  const Agent = spec.url.startsWith('https:') ? https.Agent : http.Agent
  const agent = new Agent({ keepAlive: true, maxSockets: spec.connections })
  const signal = new AbortController().signal
  let answered = 0
  let failed = 0
  const started = performance.now()
  const stopAt = started + spec.durationMs
  const worker = async () => {
    while (performance.now() < stopAt) {
      try {
        const response = await net.http.request(spec.url, { agent, signal })
        if (response.status >= 200 && response.status < 300) answered++
        else failed++
      } catch {
        failed++
      }
    }
  }
  try {
    await Promise.all(Array.from({ length: spec.connections }, worker))
  } finally {
    agent.destroy()
  }
  return { answered, failed, seconds: (performance.now() - started) / 1000 }
}

/** autocannon on the address, with the name as SNI and Host header. */
async function driveAutocannon(spec: LoadSpec): Promise<Counts> {
  const url = new URL(spec.url)
  const host = url.host
  const name = url.hostname
  url.hostname = spec.address
  const result = await autocannon({
    url: url.href,
    connections: spec.connections,
    duration: spec.durationMs / 1000,
    headers: { host },
    ...(isIP(name) ? {} : { servername: name }),
  })
  return {
    answered: result['2xx'],
    failed: result.errors + result.non2xx,
    seconds: result.duration,
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error)
    process.exit(2)
  },
)
