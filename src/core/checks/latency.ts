import http from 'node:http'
import https from 'node:https'
import { checkInfo } from '../../shared/catalogue'
import type { Endpoint } from '../../shared/workspace'
import { HttpError, type HttpResponse, type HttpTimings } from '../net/http'
import { finding, type Check, type CheckContext, type Verdict } from './check'
import {
  describeRequest,
  endpointNamed,
  endpointUnreachable,
  resolveHeaders,
} from './endpoints'

const info = checkInfo('perf.latency')!

/** The value below which `p` percent of `sorted` (ascending) fall: nearest rank. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!
}

/** One timed request. */
interface Sample {
  readonly status: number
  readonly timings: HttpTimings
}

/** What sampling one endpoint gave: the cold first request and the rest. */
interface Sampling {
  readonly cold: Sample
  readonly samples: readonly Sample[]
}

/**
 * perf.latency: after a warm-up, N requests to each endpoint over kept-
 * alive connections (one user at a time unless the workspace says
 * otherwise); p50/p95/p99 and each phase, judged against the read or
 * write budget at p95. Writes run only when marked safe to repeat. It
 * runs alone, after the other checks, so they do not skew its timings.
 */
export const latency: Check = {
  info,
  exclusive: true,
  targets: (workspace) => workspace.endpoints.map((e) => e.name),
  async run(name, context) {
    const endpoint = endpointNamed(context.workspace, name)
    if (endpoint.kind === 'write' && !endpoint.safeToRepeat) {
      return [finding(info, name, notSafeToRepeat(endpoint))]
    }
    let sampling: Sampling
    try {
      sampling = await sample(endpoint, context)
    } catch (error) {
      if (error instanceof SampleError)
        return [finding(info, name, error.verdict)]
      return [
        finding(
          info,
          name,
          endpointUnreachable(name, describeRequest(endpoint), error),
        ),
      ]
    }
    return [finding(info, name, judge(endpoint, sampling, context))]
  },
}

/** Sampling stopped: a request failed mid-way, with what it saw so far. */
class SampleError extends Error {
  constructor(readonly verdict: Verdict) {
    super(verdict.title)
  }
}

async function sample(
  endpoint: Endpoint,
  context: CheckContext,
): Promise<Sampling> {
  const headers = await resolveHeaders(endpoint, context)
  const { samples, warmup, concurrency } = context.workspace.latency
  const Agent = endpoint.url.startsWith('https:') ? https.Agent : http.Agent
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency })
  const once = async (index: number): Promise<Sample> => {
    let response: HttpResponse
    try {
      response = await context.net.http.request(endpoint.url, {
        method: endpoint.method,
        headers,
        body: endpoint.body,
        agent,
        signal: context.signal,
        maxBodyBytes: context.workspace.budgets.payloadBytes * 5,
      })
    } catch (error) {
      if (error instanceof HttpError) {
        throw new SampleError(broken(endpoint, index, error))
      }
      throw error
    }
    if (response.truncated) throw new SampleError(endless(endpoint, response))
    return { status: response.status, timings: response.timings }
  }
  try {
    const cold = await once(0)
    for (let i = 1; i < warmup; i++) await once(i)
    const results: Sample[] = []
    let next = 0
    const worker = async () => {
      while (next < samples) results.push(await once(warmup + next++))
    }
    await Promise.all(Array.from({ length: concurrency }, worker))
    return { cold, samples: results }
  } finally {
    agent.destroy()
  }
}

const PHASES = ['dns', 'connect', 'tls', 'firstByte', 'download'] as const
const PHASE_NAMES: Readonly<Record<(typeof PHASES)[number], string>> = {
  dns: 'DNS',
  connect: 'connecting',
  tls: 'the TLS handshake',
  firstByte: 'waiting for the server (first byte)',
  download: 'downloading the response',
}

function judge(
  endpoint: Endpoint,
  sampling: Sampling,
  context: CheckContext,
): Verdict {
  const budget =
    endpoint.kind === 'read'
      ? context.workspace.budgets.readP95Ms
      : context.workspace.budgets.writeP95Ms
  const totals = sampling.samples
    .map((s) => s.timings.total)
    .sort((a, b) => a - b)
  const [p50, p95, p99] = [50, 95, 99].map((p) => percentile(totals, p)) as [
    number,
    number,
    number,
  ]
  const failures = sampling.samples.filter((s) => s.status >= 400)
  const atP95 =
    sampling.samples.find((s) => s.timings.total === p95) ??
    sampling.samples[0]!
  const slowest = PHASES.map((phase) => ({
    phase,
    ms: atP95.timings[phase] ?? 0,
  })).sort((a, b) => b.ms - a.ms)[0]!
  const { samples, concurrency } = context.workspace.latency
  const evidence = {
    request: describeRequest(endpoint),
    samples,
    concurrency,
    budgetMs: budget,
    p50Ms: round(p50),
    p95Ms: round(p95),
    p99Ms: round(p99),
    minMs: round(totals[0]!),
    maxMs: round(totals.at(-1)!),
    distribution: distribution(totals, budget),
    phasesAtP95Ms: Object.fromEntries(
      PHASES.map((p) => [p, round(atP95.timings[p] ?? 0)]),
    ),
    firstRequestMs: Object.fromEntries(
      PHASES.map((p) => [p, round(sampling.cold.timings[p] ?? 0)]),
    ),
    statuses: countStatuses(sampling.samples),
  }
  if (failures.length > 0) {
    const statuses = [...new Set(failures.map((s) => s.status))].join(', ')
    const refused = failures.every((s) => s.status === 401 || s.status === 403)
    return {
      status: refused ? 'error' : 'fail',
      severity: 'high',
      title: refused
        ? `${endpoint.name} refused the stored credential (${statuses})`
        : `${endpoint.name} failed ${failures.length} of ${samples} requests (${statuses})`,
      detail: refused
        ? 'Its latency as a logged-in user could not be measured.'
        : `Errors, not just slowness: ${failures.length} of ${samples} answers were ${statuses}. p95 was ${round(p95)} ms.`,
      evidence,
      fix: refused
        ? 'Replace the credential on the Credentials screen, then run the audit again.'
        : 'Look up these requests in the server logs and fix the error first; latency only matters once it answers.',
    }
  }
  if (p95 > budget) {
    return {
      status: 'fail',
      severity: 'high',
      title: `${endpoint.name}: p95 ${round(p95)} ms, over the ${budget} ms budget`,
      detail: `Over ${samples} requests: p50 ${round(p50)} ms, p95 ${round(p95)} ms, p99 ${round(p99)} ms. At p95 most of the time goes to ${PHASE_NAMES[slowest.phase]} (${round(slowest.ms)} ms).`,
      evidence,
      fix: phaseFix(slowest.phase, endpoint),
    }
  }
  return {
    status: 'pass',
    severity: 'info',
    title: `${endpoint.name}: p95 ${round(p95)} ms, within ${budget} ms`,
    detail: `Over ${samples} requests: p50 ${round(p50)} ms, p95 ${round(p95)} ms, p99 ${round(p99)} ms.`,
    evidence,
  }
}

function phaseFix(phase: (typeof PHASES)[number], endpoint: Endpoint): string {
  switch (phase) {
    case 'firstByte':
      return (
        `The server's own work is the slow part of ${endpoint.name}. Find the slow query or call ` +
        '(log its timing, or EXPLAIN the query), add the missing index, cache the result for a few ' +
        'seconds, or move the work out of the request into a background job.'
      )
    case 'download':
      return `The response of ${endpoint.name} takes long to arrive: make it smaller (paginate, drop unused fields) and compressed.`
    case 'dns':
    case 'connect':
    case 'tls':
      return (
        `Setting up the connection dominates: keep connections alive (HTTP keep-alive / HTTP/2), ` +
        'and serve through an edge close to your users (a CDN) so TLS ends near them.'
      )
  }
}

function notSafeToRepeat(endpoint: Endpoint): Verdict {
  return {
    status: 'skip',
    severity: 'info',
    title: `${endpoint.name} was not called`,
    detail:
      'It is a write that is not marked safe to repeat, so sampling it could change real data.',
    evidence: { request: describeRequest(endpoint) },
    fix: 'If repeating it is harmless (an idempotent update, a test record), set safeToRepeat: true on the endpoint.',
  }
}

/**
 * A request that got no full answer. For latency that is a verdict, not
 * an inability to decide: no answer within the timeout is slower than
 * any budget, and a dropped connection is an endpoint that breaks.
 */
function broken(endpoint: Endpoint, index: number, error: HttpError): Verdict {
  const timedOut = error.code === 'ETIMEDOUT'
  return {
    status: 'fail',
    severity: 'high',
    title: timedOut
      ? `${endpoint.name} did not answer in time`
      : `${endpoint.name} broke off request ${index + 1}`,
    detail: `${error.message}.${index > 0 ? ` ${index} request(s) had been answered before.` : ''}`,
    evidence: {
      request: describeRequest(endpoint),
      error: error.reason,
      phase: error.phase,
      answered: index,
    },
    fix: timedOut
      ? `Find where ${endpoint.name} hangs (a lock, a slow query, a call to another service without a timeout) and give every outbound call a timeout.`
      : `Look up the request in the server logs: ${endpoint.name} drops the connection or sends less than it announces.`,
  }
}

function endless(endpoint: Endpoint, response: HttpResponse): Verdict {
  return {
    status: 'fail',
    severity: 'high',
    title: `${endpoint.name} sends a body that does not end`,
    detail: `It had sent ${response.body.length} bytes without finishing when reading stopped.`,
    evidence: {
      request: describeRequest(endpoint),
      status: response.status,
      bytesRead: response.body.length,
    },
    fix: `Make ${endpoint.name} end its response: a stream that never closes ties up a connection and the client waiting on it.`,
  }
}

/** How many samples fell into each band, bands set by the budget. */
function distribution(
  sorted: readonly number[],
  budget: number,
): Record<string, number> {
  const edges = [budget / 4, budget / 2, budget, budget * 2]
  const label = (i: number) =>
    i === 0
      ? `≤ ${edges[0]} ms`
      : i === edges.length
        ? `> ${edges.at(-1)} ms`
        : `${edges[i - 1]}–${edges[i]} ms`
  const bands: Record<string, number> = {}
  for (let i = 0; i <= edges.length; i++) bands[label(i)] = 0
  for (const value of sorted) {
    const i = edges.findIndex((edge) => value <= edge)
    bands[label(i === -1 ? edges.length : i)]! += 1
  }
  return bands
}

function countStatuses(samples: readonly Sample[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const s of samples)
    counts[String(s.status)] = (counts[String(s.status)] ?? 0) + 1
  return counts
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10
}
