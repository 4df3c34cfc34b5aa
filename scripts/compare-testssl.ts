import { auditFile, inspectHost, networkOf } from '../bench/launch-ready'
import { formatMs, formatTable } from '../bench/table'
import { runTestssl, TESTSSL_PARALLEL, testsslVersion } from '../bench/testssl'
import type { TestsslScan } from '../bench/testssl'
import {
  compareHost,
  describeVerdict,
  FIELDS,
  type Comparison,
  type OurView,
} from '../bench/tls-verdicts'
import { exitOnSignal, tlsHostsOf, withWorld } from '../bench/world'
import { WORLD_DOMAIN, type World, type WorldHost } from '../test/world/world'

/**
 * `npm run compare:testssl`: starts the test world, asks testssl.sh and
 * our tls.* checks about every TLS host of the main workspace, and prints
 * both verdicts side by side, field by field. A report, not a test: it
 * exits 0 whatever the verdicts say (README › Agreement with testssl.sh
 * explains the known differences).
 */

const TLS_CHECKS = [
  'tls.valid',
  'tls.expiry',
  'tls.chain',
  'tls.protocol',
  'tls.key',
] as const

/** One host, as both sides saw it. */
interface HostResult {
  readonly host: WorldHost
  readonly scan: TestsslScan
  readonly rows: readonly Comparison[]
}

async function main(): Promise<void> {
  exitOnSignal()
  console.log(`testssl.sh ${await testsslVersion()}, Node ${process.version}`)
  const results = await withWorld({}, compareWorld)
  for (const result of results) console.log(`\n${describeHost(result)}`)
  console.log(`\n${summary(results)}`)
}

async function compareWorld(world: World): Promise<HostResult[]> {
  const hosts = tlsHostsOf(world)
  console.log(
    `World on 127.0.${world.net}.0/24, ${hosts.length} TLS hosts.\n` +
      `Launch Ready: ${TLS_CHECKS.join(', ')}.\n` +
      `testssl.sh: -p -S, ${TESTSSL_PARALLEL} hosts at a time ` +
      '(about a minute each)…',
  )
  const ours = await ourViews(world, hosts)
  const { scans, ms } = await runTestssl(
    hosts.map((h) => ({
      name: h.name,
      address: h.address,
      port: world.httpsPort,
    })),
    { caFile: world.caFile },
  )
  console.log(`testssl finished in ${formatMs(ms)}.`)
  const now = new Date()
  return hosts.map((host, i) => ({
    host,
    scan: scans[i]!,
    rows: compareHost(ours.get(host.name)!, scans[i]!, now),
  }))
}

/**
 * Our side: the tls.* checks on a workspace whose hosts are exactly
 * these, plus one handshake per host for the certificate's key.
 */
async function ourViews(
  world: World,
  hosts: readonly WorldHost[],
): Promise<Map<string, OurView>> {
  const apexAndWww = [WORLD_DOMAIN, `www.${WORLD_DOMAIN}`]
  const file = await world.workspaceFor(WORLD_DOMAIN, {
    subdomains: hosts
      .map((h) => h.name)
      .filter((name) => !apexAndWww.includes(name)),
  })
  const { result } = await auditFile(file, TLS_CHECKS)
  const net = await networkOf(file)
  const reports = await Promise.all(hosts.map((h) => inspectHost(net, h.name)))
  return new Map(
    hosts.map((h, i) => [
      h.name,
      {
        report: reports[i]!,
        findings: result.findings.filter((f) => f.target === h.name),
      },
    ]),
  )
}

/** The host's heading and its table of fields. */
function describeHost({ host, scan, rows }: HostResult): string {
  const heading =
    `${host.name} (${host.address}, ${host.kind})` +
    (scan.error ? ` — ${scan.error}` : '')
  const table = formatTable(
    [
      ['field', 'Launch Ready', 'testssl.sh', ''],
      ...rows.map((r) => [
        r.field,
        describeVerdict(r.ours),
        describeVerdict(r.testssl),
        r.agree ? 'agree' : 'DISAGREE',
      ]),
    ],
    '  ',
  )
  return `${heading}\n${table}`
}

/** The disagreements again, then "N hosts, M fields, K disagreements". */
function summary(results: readonly HostResult[]): string {
  const disagreements = results.flatMap(({ host, rows }) =>
    rows.filter((r) => !r.agree).map((r) => ({ host, row: r })),
  )
  const fields = results.length * FIELDS.length
  const list = disagreements.map(
    ({ host, row }) =>
      `  ${host.name} ${row.field}: Launch Ready says ` +
      `${describeVerdict(row.ours)}, testssl.sh ${describeVerdict(row.testssl)}`,
  )
  return [
    ...(list.length > 0
      ? [
          'Disagreements (README.md › Checks › Agreement with testssl.sh',
          'explains the known ones):',
          ...list,
          '',
        ]
      : []),
    `${results.length} hosts, ${fields} fields, ` +
      `${disagreements.length} disagreements`,
  ].join('\n')
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error)
  process.exit(2)
})
