import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { createSocket, type RemoteInfo } from 'node:dgram'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { evaluateSpf, spfResolverOf } from '../src/core/email/spf'
import { Resolver } from '../src/core/net/resolver'
import { PYSPF_SCRIPT, PYTHON } from '../scripts/compare-pyspf'
import { formatMs } from './table'

/**
 * SPF speed next to pyspf: both evaluate the SPF trees of DOMAINS
 * generated domains against one small DNS server on loopback (run in a
 * child process, so it takes no time from ours), one question after
 * another, and the faster of PASSES passes counts for each side. Run
 * alone with `npx tsx bench/spf.ts`, or through benchSpf().
 */

export const DOMAINS = 100
const PROVIDERS = 5
const PASSES = 2
const ZONE = 'bench.test'
/** The client: an address no record lets in, so every tree is walked. */
const CLIENT = '203.0.113.1'

type Records = { TXT?: string[]; A?: string[]; MX?: [number, string][] }

/**
 * The zone: each customer domain has an A and an MX record and an SPF
 * record with a, mx and two providers' includes, each of which includes
 * two more records — 8 DNS-querying terms, inside the limit.
 */
export function benchZone(): Map<string, Records> {
  const zone = new Map<string, Records>()
  const spf = (terms: string) => [`v=spf1 ${terms} -all`]
  for (let p = 0; p < PROVIDERS; p++) {
    const name = `_spf.p${p}.${ZONE}`
    zone.set(name, { TXT: spf(`include:_a.${name} include:_b.${name}`) })
    zone.set(`_a.${name}`, {
      TXT: spf(`ip4:10.${p}.0.0/16 ip4:10.${p}.1.0/24`),
    })
    zone.set(`_b.${name}`, { TXT: spf(`ip6:2001:db8:${p}::/48`) })
  }
  for (let i = 0; i < DOMAINS; i++) {
    const domain = `c${i}.${ZONE}`
    const providers = [i % PROVIDERS, (i + 1) % PROVIDERS]
      .map((p) => `include:_spf.p${p}.${ZONE}`)
      .join(' ')
    zone.set(domain, {
      TXT: [...spf(`a mx ${providers}`), `verification=${i}`],
      A: [`192.0.2.${i % 250}`],
      MX: [[10, `mx.${domain}`]],
    })
    zone.set(`mx.${domain}`, { A: [`198.51.100.${i % 250}`] })
  }
  return zone
}

/** The questions both sides answer: one per customer domain. */
function questions() {
  return Array.from({ length: DOMAINS }, (_, i) => ({
    ip: CLIENT,
    sender: `postmaster@c${i}.${ZONE}`,
    helo: `mail.c${i}.${ZONE}`,
  }))
}

/** Our time and pyspf's over the same questions, and their ratio. */
export async function benchSpf(): Promise<{
  ours: number
  pyspf: number
  ratio: number
  text: string
}> {
  const server = await startServer()
  try {
    const asked = questions()
    const ourRuns: { ms: number; results: string[] }[] = []
    for (let pass = 0; pass < PASSES; pass++) {
      ourRuns.push(await timeOurs(server.endpoint, asked))
    }
    const theirs = await timePyspf(server.endpoint, asked)
    const ours = Math.min(...ourRuns.map((r) => r.ms))
    const pyspf = theirs.ms
    const ratio = ours / pyspf
    const differ = ourRuns[0]!.results.filter(
      (r, i) => r !== theirs.results[i],
    ).length
    const text =
      `SPF: ${DOMAINS} domains (8 lookups each) against a DNS server on ${server.endpoint}\n` +
      `  ours (mailauth, c-ares)  ${formatMs(ours)}\n` +
      `  pyspf (pydns)            ${formatMs(pyspf)}\n` +
      `  ratio ours/pyspf         ${ratio.toFixed(2)}` +
      (differ ? `\n  results differ on ${differ} domains` : '')
    return { ours, pyspf, ratio, text }
  } finally {
    server.child.kill()
  }
}

async function timeOurs(
  endpoint: string,
  asked: ReturnType<typeof questions>,
): Promise<{ ms: number; results: string[] }> {
  const resolver = spfResolverOf(new Resolver({ servers: [endpoint] }))
  const results: string[] = []
  const started = performance.now()
  for (const q of asked) results.push((await evaluateSpf(q, resolver)).result)
  return { ms: performance.now() - started, results }
}

async function timePyspf(
  endpoint: string,
  asked: ReturnType<typeof questions>,
): Promise<{ ms: number; results: string[] }> {
  const runs: { ms: number; results: string[] }[] = []
  for (let pass = 0; pass < PASSES; pass++) {
    const child = execFile(PYTHON, [PYSPF_SCRIPT, 'bench', endpoint], {
      maxBuffer: 1024 * 1024,
    })
    child.stdin!.end(asked.map((q) => JSON.stringify(q)).join('\n'))
    let out = ''
    child.stdout!.on('data', (chunk: string) => (out += chunk))
    const [code] = (await once(child, 'close')) as [number]
    if (code !== 0) throw new Error(`pyspf's bench exited with ${code}.`)
    const { seconds, results } = JSON.parse(out) as {
      seconds: number
      results: string[]
    }
    runs.push({ ms: seconds * 1000, results })
  }
  return runs.reduce((a, b) => (a.ms <= b.ms ? a : b))
}

/** The DNS server, in a child process; resolves with its address. */
async function startServer(): Promise<{
  child: ChildProcess
  endpoint: string
}> {
  const child = spawn(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), '--serve'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const [line] = (await once(child.stdout!, 'data')) as [Buffer]
  return { child, endpoint: line.toString().trim() }
}

/**
 * A minimal authoritative DNS server over UDP (RFC 1035 §4): A, MX and
 * TXT from `zone` with TTL 0 (so nothing is cached between questions),
 * NODATA for other types, NXDOMAIN for other names.
 */
async function serve(zone: Map<string, Records>): Promise<void> {
  const socket = createSocket('udp4')
  socket.on('message', (query: Buffer, peer: RemoteInfo) => {
    const reply = answer(zone, query)
    if (reply) socket.send(reply, peer.port, peer.address)
  })
  socket.bind(0, '127.0.0.1')
  await once(socket, 'listening')
  const { address, port } = socket.address()
  process.stdout.write(`${address}:${port}\n`)
  process.on('SIGTERM', () => socket.close())
}

const TYPES = { A: 1, MX: 15, TXT: 16 } as const

function answer(zone: Map<string, Records>, query: Buffer): Buffer | null {
  if (query.length < 17) return null
  const labels: string[] = []
  let at = 12
  while (at < query.length && query[at]! > 0) {
    labels.push(query.toString('latin1', at + 1, at + 1 + query[at]!))
    at += 1 + query[at]!
  }
  const questionEnd = at + 5
  if (questionEnd > query.length) return null
  const type = query.readUInt16BE(at + 1)
  const records = zone.get(labels.join('.').toLowerCase())
  const rdata = records ? rdataOf(records, type) : []
  const header = Buffer.alloc(12)
  header.writeUInt16BE(query.readUInt16BE(0), 0)
  // QR, AA, and RD copied; RCODE 3 (NXDOMAIN) for an unknown name.
  header.writeUInt16BE(0x8400 | ((query[2]! & 1) << 8) | (records ? 0 : 3), 2)
  header.writeUInt16BE(1, 4)
  header.writeUInt16BE(rdata.length, 6)
  const answers = rdata.map((data) => {
    const rr = Buffer.alloc(12)
    rr.writeUInt16BE(0xc00c, 0)
    rr.writeUInt16BE(type, 2)
    rr.writeUInt16BE(1, 4)
    rr.writeUInt32BE(0, 6)
    rr.writeUInt16BE(data.length, 10)
    return Buffer.concat([rr, data])
  })
  return Buffer.concat([header, query.subarray(12, questionEnd), ...answers])
}

function rdataOf(records: Records, type: number): Buffer[] {
  switch (type) {
    case TYPES.A:
      return (records.A ?? []).map((a) => Buffer.from(a.split('.').map(Number)))
    case TYPES.MX:
      return (records.MX ?? []).map(([priority, host]) => {
        const preference = Buffer.alloc(2)
        preference.writeUInt16BE(priority)
        return Buffer.concat([preference, encodeName(host)])
      })
    case TYPES.TXT:
      return (records.TXT ?? []).map((text) => {
        const bytes = Buffer.from(text)
        return Buffer.concat([Buffer.from([bytes.length]), bytes])
      })
    default:
      return []
  }
}

function encodeName(name: string): Buffer {
  return Buffer.concat([
    ...name.split('.').map((label) => {
      const bytes = Buffer.from(label)
      return Buffer.concat([Buffer.from([bytes.length]), bytes])
    }),
    Buffer.from([0]),
  ])
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--serve')) {
    void serve(benchZone())
  } else {
    benchSpf().then(
      (result) => console.log(result.text),
      (error: unknown) => {
        console.error(error)
        process.exitCode = 2
      },
    )
  }
}
