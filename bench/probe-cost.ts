import { readFile } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import type { World } from '../test/world/world'
import { driveLoad, type LoadResult, type LoadTool } from './load'
import { formatTable } from './table'
import { appHostAddress, delayUrl, type AppRoute } from './world'

/**
 * What our latency probe's client costs: how many requests per second
 * it drives on loopback at a fixed concurrency, and the CPU it spends
 * per request, next to autocannon on the same endpoint. No target: a
 * ratio near 1 says the server, not the client, sets the pace.
 */

/** Requests in flight: a busy latency probe (perf.latency allows 32). */
const CONNECTIONS = 10
const DURATION_MS = 5000

/** One tool on one route. */
export interface LoadFigures {
  readonly tool: LoadTool
  readonly route: AppRoute
  readonly perSecond: number
  /** CPU ms the client's process spent per answered request. */
  readonly cpuMsPerRequest: number
  readonly failed: number
}

export interface Cost {
  readonly runs: readonly LoadFigures[]
  readonly autocannonVersion: string
}

/**
 * Each tool in turn on ?ms=0, through the edge (TLS, as perf.latency
 * reaches a site) and, to see the client's own limit, straight to the
 * app over plain HTTP, where the server's work per request is smallest.
 */
export async function measureCost(world: World): Promise<Cost> {
  const runs: LoadFigures[] = []
  for (const route of ['edge', 'direct'] as const) {
    for (const tool of ['launch-ready', 'autocannon'] as const) {
      const result = await driveLoad({
        tool,
        url: delayUrl(world, 0, route),
        address:
          route === 'edge'
            ? appHostAddress(world)
            : new URL(world.app.origin).hostname,
        workspaceFile: world.workspaceFile,
        connections: CONNECTIONS,
        durationMs: DURATION_MS,
      })
      runs.push(figuresOf(tool, route, result))
    }
  }
  return { runs, autocannonVersion: await autocannonVersion() }
}

function figuresOf(
  tool: LoadTool,
  route: AppRoute,
  r: LoadResult,
): LoadFigures {
  if (r.answered === 0) throw new Error(`${tool} got no answer (${route})`)
  return {
    tool,
    route,
    perSecond: r.answered / r.seconds,
    cpuMsPerRequest: r.cpuMs / r.answered,
    failed: r.failed,
  }
}

async function autocannonVersion(): Promise<string> {
  const manifest = join(__dirname, '../node_modules/autocannon/package.json')
  const { version } = JSON.parse(await readFile(manifest, 'utf8')) as {
    version?: string
  }
  return version ?? 'unknown version'
}

const ROUTE_NAMES: Readonly<Record<AppRoute, string>> = {
  edge: 'edge (TLS)',
  direct: 'direct (plain HTTP)',
}

/** Section e of the bench. */
export function describeCost(c: Cost): string {
  const failed = c.runs.reduce((n, r) => n + r.failed, 0)
  return [
    'e. Load the latency probe can drive next to autocannon: GET',
    `   /api/delay?ms=0, ${CONNECTIONS} connections for ` +
      `${DURATION_MS / 1000} s, each client in a process of its own`,
    formatTable(
      [
        ['route', 'client', 'req/s', 'CPU/request', 'ours / autocannon'],
        ...(['edge', 'direct'] as const).flatMap((route) =>
          routeRows(c, route),
        ),
      ],
      '  ',
    ),
    ...(failed > 0 ? [`  ${failed} requests failed: rates are suspect.`] : []),
    ...meaning(c),
  ].join('\n')
}

/** What the figures say about the probe, in a few lines. */
function meaning(c: Cost): string[] {
  const ours = c.runs.find(
    (r) => r.tool === 'launch-ready' && r.route === 'edge',
  )!
  const cpuMs = ours.cpuMsPerRequest.toFixed(2)
  const perCore = Math.round(1000 / ours.cpuMsPerRequest)
  return [
    "  CPU/request is the client process's own CPU time per answer. The",
    `  client shares ${availableParallelism()} CPUs with nginx and with the ` +
      'front and the app (in',
    "  the bench's process): the more CPU it takes, the fewer requests they",
    '  serve. Through the edge the rate is mostly theirs; direct, closer to',
    "  each client's own limit. No target: at " +
      `${cpuMs} ms per request over TLS`,
    `  one core drives ~${perCore} requests/s, and perf.latency keeps 1 ` +
      '(at most',
    '  32) in flight; the cost shows as CPU, not in the timings (see d.).',
  ]
}

/** Both clients on one route, the ratio on the second row. */
function routeRows(c: Cost, route: AppRoute): string[][] {
  const get = (tool: LoadTool) =>
    c.runs.find((r) => r.tool === tool && r.route === route)!
  const [ours, theirs] = [get('launch-ready'), get('autocannon')]
  const cells = (r: LoadFigures) => [
    Math.round(r.perSecond).toString(),
    `${r.cpuMsPerRequest.toFixed(2)} ms`,
  ]
  const rate = (ours.perSecond / theirs.perSecond).toFixed(2)
  const cpu = (ours.cpuMsPerRequest / theirs.cpuMsPerRequest).toFixed(1)
  return [
    [ROUTE_NAMES[route], 'Launch Ready', ...cells(ours), ''],
    [
      '',
      `autocannon ${c.autocannonVersion}`,
      ...cells(theirs),
      `${rate} req/s, ${cpu}× CPU`,
    ],
  ]
}
