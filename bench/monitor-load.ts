import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { AlertDispatcher } from '../src/core/monitor/alerts/dispatcher'
import { systemClock } from '../src/core/monitor/clock'
import { MonitorService } from '../src/core/monitor/service'
import { createNetwork } from '../src/core/net/network'
import { Store } from '../src/core/store/store'
import { WorkspaceSchema } from '../src/shared/workspace'

/**
 * Section h, part 1: 1,000 uptime monitors every 60 s against a few
 * HTTP servers on loopback, run by the real MonitorService (scheduler,
 * probes, store) on the real clock. The servers live in a child process,
 * so their work is not counted as ours.
 */

export const MONITORS = 1000
const SITES = 4
const INTERVAL_SECONDS = 60
const WORKSPACE_ID = '/bench/load.launchready.yaml'

/** What the monitors cost over the window. */
export interface MonitorLoad {
  readonly seconds: number
  /** CPU time over wall time, as a percentage of one core. */
  readonly cpuPercent: number
  readonly rssPeakBytes: number
  readonly runs: number
  readonly samples: number
  readonly failed: number
  /** How late runs started against their slots, in ms. */
  readonly latenessP50Ms: number
  readonly latenessP99Ms: number
  readonly latenessMaxMs: number
}

/** The window: BENCH_MONITOR_SECONDS, for a quick check, or 5 minutes. */
export function loadSeconds(): number {
  const value = Number(process.env.BENCH_MONITOR_SECONDS ?? 300)
  if (!(value > 0)) throw new Error('BENCH_MONITOR_SECONDS must be > 0.')
  return value
}

/** Runs the monitors for `seconds` and measures them. */
export async function measureMonitorLoad(
  seconds: number,
): Promise<MonitorLoad> {
  const sites = await startSites(SITES)
  const dir = await mkdtemp(join(tmpdir(), 'lr-bench-monitor-'))
  const store = new Store(join(dir, 'history.sqlite3'))
  try {
    return await runMonitors(sites.origins, store, seconds)
  } finally {
    store.close()
    await sites.stop()
    await rm(dir, { recursive: true, force: true })
  }
}

async function runMonitors(
  origins: readonly string[],
  store: Store,
  seconds: number,
): Promise<MonitorLoad> {
  const urls = Array.from(
    { length: MONITORS },
    (_, i) => `${origins[i % origins.length]}/m${i}`,
  )
  const workspace = WorkspaceSchema.parse({
    version: 1,
    name: 'Bench shop',
    domain: 'bench.test',
    canonicalOrigin: origins[0],
    monitoring: {
      uptime: { urls, intervalSeconds: INTERVAL_SECONDS },
      daily: { tls: false, records: false },
      referenceUrls: [],
    },
  })
  const net = await createNetwork(workspace, undefined, { timeoutMs: 5000 })
  const dispatcher = new AlertDispatcher({
    queue: store.alerts,
    workspace: WORKSPACE_ID,
    channels: [],
    clock: systemClock,
  })
  const lateness: number[] = []
  const service = new MonitorService({
    workspace,
    workspaceId: WORKSPACE_ID,
    net,
    store,
    dispatcher,
    clock: systemClock,
    scheduler: { onRun: (_id, ms) => void lateness.push(ms) },
  })
  let rssPeak = process.memoryUsage.rss()
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss())
  }, 1000)
  const cpuBefore = process.cpuUsage()
  const started = performance.now()
  service.start()
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000))
  await service.stop()
  const cpu = process.cpuUsage(cpuBefore)
  const wallMs = performance.now() - started
  clearInterval(sampler)
  rssPeak = Math.max(rssPeak, process.memoryUsage.rss())
  const samples = urls.map((url) =>
    store.monitor.samples(WORKSPACE_ID, `uptime ${url}`, 0, Date.now() + 1),
  )
  lateness.sort((a, b) => a - b)
  return {
    seconds: wallMs / 1000,
    cpuPercent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
    rssPeakBytes: rssPeak,
    runs: lateness.length,
    samples: samples.reduce((n, s) => n + s.length, 0),
    failed: samples.reduce((n, s) => n + s.filter((x) => !x.ok).length, 0),
    latenessP50Ms: quantile(lateness, 0.5),
    latenessP99Ms: quantile(lateness, 0.99),
    latenessMaxMs: lateness.at(-1) ?? 0,
  }
}

/** The `q` quantile of sorted `values` (nearest rank); 0 when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0
  const rank = Math.ceil(q * values.length) - 1
  return values[Math.min(values.length - 1, Math.max(0, rank))]!
}

// ---- the sites, in a child process -------------------------------------

/** `count` servers on 127.0.0.1 that answer 200 to any GET. */
const SITES_SCRIPT = `
const http = require('node:http')
const count = Number(process.argv[1])
const servers = Array.from({ length: count }, () =>
  http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' })
    res.end('ok')
  }),
)
Promise.all(
  servers.map((s) => new Promise((r) => s.listen(0, '127.0.0.1', () => r(s.address().port)))),
).then((ports) => console.log(JSON.stringify(ports)))
`

interface Sites {
  readonly origins: readonly string[]
  stop(): Promise<void>
}

async function startSites(count: number): Promise<Sites> {
  const child = spawn(process.execPath, ['-e', SITES_SCRIPT, String(count)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const killOnExit = () => child.kill('SIGKILL')
  process.once('exit', killOnExit)
  const stop = async () => {
    process.off('exit', killOnExit)
    if (child.exitCode !== null || child.signalCode !== null) return
    const closed = once(child, 'close')
    child.kill('SIGTERM')
    await closed
  }
  try {
    const ports = await firstLine(child)
    return {
      origins: (JSON.parse(ports) as number[]).map(
        (p) => `http://127.0.0.1:${p}`,
      ),
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}

/** The first line `child` prints; rejects if it exits or takes 10 s. */
function firstLine(child: ChildProcess): Promise<string> {
  const lines = createInterface({ input: child.stdout! })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('The loopback sites did not start in 10 s.')),
      10_000,
    )
    lines.once('line', (line) => {
      clearTimeout(timer)
      lines.close()
      resolve(line)
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`The loopback sites exited (code ${code}).`))
    })
  })
}
