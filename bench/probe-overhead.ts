import https from 'node:https'
import type { Network } from '../src/core/net/network'
import type { World } from '../test/world/world'
import { curlVersion, timeWithCurl, type RequestTiming } from './curl'
import { networkOf } from './launch-ready'
import { formatMsTenths, formatTable, median } from './table'
import { appHostAddress, delayUrl } from './world'

/**
 * What our timing of one request adds next to curl's: the same URL, the
 * same number of requests over one kept-alive connection, the first
 * (cold) one dropped on both sides, rounds taken in turn so a change in
 * the machine's load hits both alike.
 */

/** The server-side delay of the URL both time. */
export const OVERHEAD_DELAY_MS = 20
/** Rounds per tool, taken in turn. */
const ROUNDS = 3
/** Requests per round; the first opens the connection and is dropped. */
const PER_ROUND = 21
/** Goal: our median at most this many times curl's. */
const OVERHEAD_TARGET = 1.1

export interface Overhead {
  readonly oursMs: number
  readonly curlMs: number
  /** oursMs / curlMs. */
  readonly ratio: number
  /** Warm requests of each, and how many reused their connection. */
  readonly warm: number
  readonly oursReused: number
  readonly curlReused: number
  readonly curlVersion: string
}

/** True when our median is within the target of curl's. */
export function overheadPasses(o: Overhead): boolean {
  return o.ratio <= OVERHEAD_TARGET
}

/** ROUNDS rounds of PER_ROUND requests for each, in turn. */
export async function measureOverhead(world: World): Promise<Overhead> {
  const url = delayUrl(world, OVERHEAD_DELAY_MS)
  const target = { url, address: appHostAddress(world), caFile: world.caFile }
  const net = await networkOf(world.workspaceFile)
  const ours: RequestTiming[] = []
  const theirs: RequestTiming[] = []
  for (let round = 0; round < ROUNDS; round++) {
    ours.push(...(await timeWithClient(net, url, PER_ROUND)).slice(1))
    const curl = await timeWithCurl(target, PER_ROUND)
    if (curl.length !== PER_ROUND) {
      throw new Error(`curl timed ${curl.length} of ${PER_ROUND} requests`)
    }
    theirs.push(...curl.slice(1))
  }
  const oursMs = median(ours.map((t) => t.ms))
  const curlMs = median(theirs.map((t) => t.ms))
  return {
    oursMs,
    curlMs,
    ratio: oursMs / curlMs,
    warm: ours.length,
    oursReused: ours.filter((t) => t.reused).length,
    curlReused: theirs.filter((t) => t.reused).length,
    curlVersion: await curlVersion(),
  }
}

/**
 * `count` requests one after another through our HttpClient over a
 * fresh keep-alive agent with one socket: perf.latency's sampling at its
 * default concurrency of 1 (latency.ts, sample()). The total of each is
 * what perf.latency sorts into its percentiles.
 */
async function timeWithClient(
  net: Network,
  url: string,
  count: number,
): Promise<RequestTiming[]> {
  const agent = new https.Agent({ keepAlive: true, maxSockets: 1 })
  const signal = new AbortController().signal
  const timings: RequestTiming[] = []
  try {
    for (let i = 0; i < count; i++) {
      const response = await net.http.request(url, { agent, signal })
      if (response.status !== 200) {
        throw new Error(`${url} answered ${response.status}`)
      }
      timings.push({ ms: response.timings.total, reused: response.reused })
    }
  } finally {
    agent.destroy()
  }
  return timings
}

/** Section d of the bench. */
export function describeOverhead(o: Overhead): string {
  const pass = overheadPasses(o)
  const table = formatTable(
    [
      ['', 'median', 'kept alive'],
      [
        'Launch Ready HttpClient, keep-alive agent',
        formatMsTenths(o.oursMs),
        `${o.oursReused} of ${o.warm}`,
      ],
      [
        `curl ${o.curlVersion} -w %{time_total}, one invocation`,
        formatMsTenths(o.curlMs),
        `${o.curlReused} of ${o.warm}`,
      ],
    ],
    '  ',
  )
  return [
    `d. Timing overhead next to curl: GET /api/delay?ms=${OVERHEAD_DELAY_MS} ` +
      'of www.shop.test,',
    `   through the edge; ${ROUNDS} rounds of ${PER_ROUND} requests over one ` +
      'connection each,',
    '   the first (cold) one of each round dropped',
    table,
    `  Launch Ready / curl: ${o.ratio.toFixed(2)}  ` +
      `target ≤ ${OVERHEAD_TARGET}  ${pass ? 'PASS' : 'FAIL'}`,
    ...(pass
      ? []
      : [
          `  FAIL: our timing is more than ${OVERHEAD_TARGET}× curl's, ` +
            'so the bench exits 1.',
        ]),
  ].join('\n')
}
