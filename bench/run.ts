import { availableParallelism, cpus, loadavg, release } from 'node:os'
import { CHECKS } from '../src/core/checks/registry'
import type { World } from '../test/world/world'
import { curlVersion } from './curl'
import { auditFile, type Secrets, type TimedAudit } from './launch-ready'
import { benchMonitor } from './monitor'
import {
  describeAccuracy,
  measureAccuracy,
  missedDelays,
  type Accuracy,
} from './probe-accuracy'
import { describeCost, measureCost, type Cost } from './probe-cost'
import {
  describeOverhead,
  measureOverhead,
  overheadPasses,
  type Overhead,
} from './probe-overhead'
import { benchSecrets } from './secrets'
import { benchSpf } from './spf'
import { formatMs, formatTable, median } from './table'
import { runTestssl, TESTSSL_PARALLEL, testsslVersion } from './testssl'
import { exitOnSignal, secretsOf, tlsHostsOf, withWorld } from './world'

/**
 * `npm run bench`: how fast the Stage 2 audit is next to testssl.sh, how
 * well the runner overlaps checks when every server is far away, and how
 * far the latency probe (perf.latency) can be trusted: its accuracy on
 * known delays, its timing next to curl's, its load next to autocannon's;
 * SPF evaluation next to pyspf; secret scanning next to secretlint; and
 * the monitors' cost and a year of monitor history (section h).
 * Prints its figures and targets; exits 1 when a target fails, 2 when
 * something crashed. Speed targets live here, never in unit tests.
 */

/** Timed runs per measurement; the median is reported. */
const RUNS = 3
/** Round trip added to every path for the concurrency measurement. */
const LATENCY_MS = 50
/** The Stage 2 audit may take at most this many times its slowest check. */
const TARGET_RATIO = 3
/**
 * What sections a and b measure: the Stage 2 audit (domain, DNS, edge,
 * TLS), the part testssl.sh overlaps with and the issue set its target on.
 */
const STAGE_2 = CHECKS.filter(
  (c) => c.info.stage === 2 || c.info.id === 'domain.production-host',
)
const STAGE_2_IDS = STAGE_2.map((c) => c.info.id)

async function main(): Promise<number> {
  exitOnSignal()
  console.log(await machineFacts())
  const speed = await withWorld({}, measureSpeed)
  console.log(`\n${describeSpeed(speed)}`)
  const overlap = await withWorld({ latencyMs: LATENCY_MS }, measureOverlap)
  console.log(`\n${describeOverlap(overlap)}`)
  const probe = await withWorld({}, measureProbe)
  console.log(`\n${describeAccuracy(probe.accuracy)}`)
  console.log(`\n${describeOverhead(probe.overhead)}`)
  console.log(`\n${describeCost(probe.cost)}`)
  console.log(`\nf. ${(await benchSpf()).text}`)
  console.log(`\ng. ${(await benchSecrets()).text}`)
  const monitor = await benchMonitor()
  console.log(`\nh. ${monitor.text}`)
  const failed = [
    ...(overlap.ratio > TARGET_RATIO ? ['b'] : []),
    ...(missedDelays(probe.accuracy).length > 0 ? ['c'] : []),
    ...(overheadPasses(probe.overhead) ? [] : ['d']),
    ...(monitor.failed ? ['h'] : []),
  ]
  if (failed.length > 0) {
    console.log(`\nFAIL in ${failed.join(', ')}: exit status 1.`)
  }
  return failed.length > 0 ? 1 : 0
}

/** What the figures depend on: CPUs, Node, OpenSSL, testssl, load. */
async function machineFacts(): Promise<string> {
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')
  return formatTable([
    ['Machine', ''],
    ['CPUs', `${availableParallelism()} × ${cpus()[0]?.model ?? 'unknown'}`],
    ['Node', `${process.version} (OpenSSL ${process.versions.openssl})`],
    ['testssl.sh', await testsslVersion()],
    ['curl', await curlVersion()],
    ['OS', `${process.platform} ${release()}`],
    // Other test runs on the same machine slow everything down.
    ['Load average', `${load} (1, 5, 15 min, at start)`],
  ])
}

/** `runs` audits of `file` with `only`; their times and the last result. */
async function timeAudits(
  file: string,
  secrets: Secrets,
  only?: readonly string[],
  runs = RUNS,
): Promise<{ readonly ms: number; readonly last: TimedAudit }> {
  const times: number[] = []
  let last: TimedAudit | undefined
  for (let i = 0; i < runs; i++) {
    last = await auditFile(file, only, secrets)
    times.push(last.ms)
  }
  return { ms: median(times), last: last! }
}

// ---- a. speed next to testssl.sh -----------------------------------

interface Speed {
  readonly hosts: number
  readonly oursMs: number
  readonly oursFindings: number
  readonly oursErrors: number
  readonly testsslMs: number
  readonly testsslFindings: number
  readonly testsslFailed: number
}

async function measureSpeed(world: World): Promise<Speed> {
  const hosts = tlsHostsOf(world)
  const ours = await timeAudits(
    world.workspaceFile,
    secretsOf(world),
    STAGE_2_IDS,
  )
  const findings = ours.last.result.findings
  const testssl = await runTestssl(
    hosts.map((h) => ({
      name: h.name,
      address: h.address,
      port: world.httpsPort,
    })),
    { caFile: world.caFile },
  )
  return {
    hosts: hosts.length,
    oursMs: ours.ms,
    oursFindings: findings.length,
    oursErrors: findings.filter((f) => f.status === 'error').length,
    testsslMs: testssl.ms,
    testsslFindings: testssl.scans.reduce((n, s) => n + s.findings.size, 0),
    testsslFailed: testssl.scans.filter((s) => s.error).length,
  }
}

function describeSpeed(s: Speed): string {
  const table = formatTable(
    [
      ['', 'time', 'findings'],
      [
        `Launch Ready, ${STAGE_2.length} Stage 2 checks, median of ${RUNS}`,
        formatMs(s.oursMs),
        `${s.oursFindings} (${s.oursErrors} could not decide)`,
      ],
      [
        `testssl.sh -p -S, ${TESTSSL_PARALLEL} hosts at a time, once`,
        formatMs(s.testsslMs),
        `${s.testsslFindings} (${s.testsslFailed} hosts failed)`,
      ],
    ],
    '  ',
  )
  const ratio = s.testsslMs / s.oursMs
  return [
    `a. Speed next to testssl.sh: the main workspace, ${s.hosts} TLS hosts, ` +
      'no added latency',
    table,
    `  Launch Ready is ${ratio.toFixed(0)}× faster ` +
      `(testssl.sh / Launch Ready = ${ratio.toFixed(1)}).`,
    '  Not like for like: testssl also tries ciphers, extensions and',
    '  resumption; our audit also covers DNS and HTTP.',
  ].join('\n')
}

// ---- b. overlap under latency ----------------------------------------

interface Overlap {
  readonly auditMs: number
  readonly auditErrors: number
  /** Each check alone, slowest first. */
  readonly checks: readonly { readonly id: string; readonly ms: number }[]
  readonly ratio: number
}

/**
 * The Stage 2 audit against each of its checks run alone: a runner that overlaps
 * its work well finishes close to its slowest check.
 */
async function measureOverlap(world: World): Promise<Overlap> {
  const secrets = secretsOf(world)
  const audit = await timeAudits(world.workspaceFile, secrets, STAGE_2_IDS)
  const checks: { id: string; ms: number }[] = []
  for (const id of STAGE_2_IDS) {
    const alone = await timeAudits(world.workspaceFile, secrets, [id])
    checks.push({ id, ms: alone.ms })
  }
  checks.sort((a, b) => b.ms - a.ms)
  return {
    auditMs: audit.ms,
    auditErrors: audit.last.result.findings.filter((f) => f.status === 'error')
      .length,
    checks,
    ratio: audit.ms / checks[0]!.ms,
  }
}

function describeOverlap(o: Overlap): string {
  const slowest = o.checks[0]!
  const pass = o.ratio <= TARGET_RATIO
  const summary = formatTable(
    [
      [`Stage 2 audit, median of ${RUNS}`, formatMs(o.auditMs)],
      [`Slowest check alone: ${slowest.id}`, formatMs(slowest.ms)],
      [
        'Audit / slowest check',
        `${o.ratio.toFixed(1)}×  target ≤ ${TARGET_RATIO}×  ` +
          (pass ? 'PASS' : 'FAIL'),
      ],
    ],
    '  ',
  )
  const each = formatTable(
    o.checks.map((c) => [c.id, formatMs(c.ms)]),
    '    ',
  )
  return [
    `b. Concurrency: the main workspace's Stage 2 audit, ${LATENCY_MS} ms added to every ` +
      'round trip',
    summary,
    ...(o.auditErrors > 0
      ? [`  ${o.auditErrors} findings could not decide: timings are suspect.`]
      : []),
    `  Each check alone (all its targets), median of ${RUNS}:`,
    each,
    ...(pass
      ? []
      : [
          `  FAIL: the audit takes more than ${TARGET_RATIO}× its slowest ` +
            'check, so the bench exits 1.',
        ]),
  ].join('\n')
}

// ---- c, d, e. the latency probe ----------------------------------------

interface Probe {
  readonly accuracy: Accuracy
  readonly overhead: Overhead
  readonly cost: Cost
}

/**
 * One quiet world (no added latency) for all three: the accuracy audits
 * first, while nothing else has loaded the machine.
 */
async function measureProbe(world: World): Promise<Probe> {
  const accuracy = await measureAccuracy(world)
  const overhead = await measureOverhead(world)
  const cost = await measureCost(world)
  return { accuracy, overhead, cost }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(
      error instanceof Error ? (error.stack ?? error.message) : error,
    )
    process.exit(2)
  },
)
