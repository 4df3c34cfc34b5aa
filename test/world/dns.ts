import { randomInt } from 'node:crypto'
import { Resolver } from 'node:dns/promises'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  findProgram,
  startProcess,
  waitUntilReady,
  type ServerProcess,
} from './process'

/**
 * An authoritative DNS server for the test world: Debian's knotd, run in
 * the foreground as the current user with its config, zones and database
 * in a directory of its own. Each call starts one server; the world's
 * second authoritative server (for nameserver agreement) is a second call
 * with another address and directory.
 */

/** One resource record, in zone-file presentation format. */
export interface DnsRecord {
  /** Fully qualified, without the trailing dot: "www.shop.test". */
  readonly name: string
  readonly type: 'A' | 'AAAA' | 'CNAME' | 'NS' | 'MX' | 'TXT' | 'CAA'
  /** As written in a zone file: `"v=spf1 -all"` for TXT, with its quotes. */
  readonly value: string
  /** Seconds; the zone's default TTL when absent. */
  readonly ttl?: number
}

/** A nameserver of a zone: its NS name and (glue) address. */
export interface Nameserver {
  readonly name: string
  readonly address: string
}

/** A zone: its SOA serial, its nameservers and its other records. */
export interface Zone {
  /** The zone's apex, e.g. "shop.test". */
  readonly origin: string
  /**
   * The SOA serial. Give each world a fresh one (`freshSerial`): a server
   * is only counted as started when it answers with this serial, so an
   * old server still holding the port cannot pass for it.
   */
  readonly serial: number
  /** NS records, with A records for those inside the zone. */
  readonly nameservers: readonly Nameserver[]
  readonly records: readonly DnsRecord[]
  readonly ttl?: number
}

/** The most a TXT character-string holds (RFC 1035 section 3.3). */
export const TXT_STRING_BYTES = 255

/**
 * A TXT value as a zone file writes it: `text` cut into quoted strings
 * of at most 255 bytes (RFC 1035 section 3.3.14), which readers join
 * with nothing between them (RFC 7208 section 3.3, RFC 6376 section
 * 3.6.2.2). The cuts fall where the bytes run out, mid-term if need be,
 * as they may.
 */
export function txt(text: string): string {
  if (!/^[\x20-\x7e]*$/.test(text)) {
    throw new RangeError(`TXT text must be printable ASCII: ${text}`)
  }
  const strings: string[] = []
  for (let at = 0; at === 0 || at < text.length; at += TXT_STRING_BYTES) {
    strings.push(text.slice(at, at + TXT_STRING_BYTES))
  }
  return strings.map((s) => `"${s.replace(/["\\]/g, '\\$&')}"`).join(' ')
}

/** A random SOA serial, so each world's answers are its own. */
export function freshSerial(): number {
  return randomInt(1, 2 ** 31)
}

export interface DnsServerOptions {
  /** A directory for this server alone: config, zones, database, socket. */
  readonly dir: string
  readonly address: string
  readonly port: number
  readonly zones: readonly Zone[]
  /** Path of knotd; looked up in PATH, then /usr/sbin, when absent. */
  readonly program?: string
  /** How long knotd may take to answer; 10 s by default. */
  readonly timeoutMs?: number
}

/** A running authoritative server. */
export interface DnsServer {
  readonly address: string
  readonly port: number
  /** "address:port", the form node:dns `setServers` and workspaces take. */
  readonly endpoint: string
  readonly zones: readonly Zone[]
  readonly process: ServerProcess
  /** Stops knotd (SIGTERM, then SIGKILL) and waits for it to exit. */
  stop(): Promise<void>
}

/**
 * Writes knotd's config and zone files to `dir`, starts it and resolves
 * once it answers for every zone with that zone's serial. Throws a
 * WorldError with knotd's output when it cannot start; nothing is left
 * running then.
 */
export async function startDnsServer(
  options: DnsServerOptions,
): Promise<DnsServer> {
  const program = await findProgram(
    'knotd',
    options.program,
    'apt-get install knot',
  )
  const config = await writeKnotFiles(options)
  const server = await startProcess('knotd', program, ['-c', config])
  const endpoint = `${options.address}:${options.port}`
  try {
    await waitUntilReady(
      server,
      () => answersAll(endpoint, options.zones),
      options.timeoutMs ?? 10_000,
    )
  } catch (error) {
    await server.stop()
    throw error
  }
  return {
    address: options.address,
    port: options.port,
    endpoint,
    zones: options.zones,
    process: server,
    stop: () => server.stop(),
  }
}

/** Writes knot.conf and one file per zone; returns the config's path. */
async function writeKnotFiles(options: DnsServerOptions): Promise<string> {
  const zonesDir = join(options.dir, 'zones')
  // knotd warns at start-up when its database directory is missing.
  await mkdir(join(options.dir, 'db'), { recursive: true })
  await mkdir(zonesDir, { recursive: true })
  for (const zone of options.zones) {
    await writeFile(join(zonesDir, `${zone.origin}.zone`), zoneFile(zone))
  }
  const config = join(options.dir, 'knot.conf')
  await writeFile(config, knotConfig(options, zonesDir))
  return config
}

/** knot.conf for one server; every path points inside `options.dir`. */
export function knotConfig(options: DnsServerOptions, zonesDir: string) {
  const zones = options.zones.map((z) => `  - domain: ${z.origin}`)
  return [
    'server:',
    `    rundir: ${quote(options.dir)}`,
    `    listen: ${options.address}@${options.port}`,
    // A handful of queries per test: one thread of each kind is plenty.
    '    udp-workers: 1',
    '    tcp-workers: 1',
    '    background-workers: 1',
    'database:',
    `    storage: ${quote(join(options.dir, 'db'))}`,
    'log:',
    '  - target: stderr',
    '    any: info',
    'template:',
    '  - id: default',
    `    storage: ${quote(zonesDir)}`,
    '    file: "%s.zone"',
    // The zone files are generated: knotd must never write them back.
    '    zonefile-sync: -1',
    '    journal-content: none',
    'zone:',
    ...zones,
    '',
  ].join('\n')
}

function quote(path: string): string {
  return JSON.stringify(path)
}

/** The zone file of `zone`, with every name fully qualified. */
export function zoneFile(zone: Zone): string {
  const fqdn = (name: string) => `${name.replace(/\.$/, '')}.`
  const origin = fqdn(zone.origin)
  const primary = zone.nameservers[0]?.name ?? `ns1.${zone.origin}`
  const soa = [
    fqdn(primary),
    `hostmaster.${origin}`,
    zone.serial,
    3600, // refresh
    900, // retry
    604800, // expire
    300, // negative caching TTL (RFC 2308)
  ].join(' ')
  const inZone = (name: string) =>
    name === zone.origin || name.endsWith(`.${zone.origin}`)
  const lines = [
    `$ORIGIN ${origin}`,
    `$TTL ${zone.ttl ?? 300}`,
    `${origin} IN SOA ${soa}`,
    ...zone.nameservers.map((ns) => `${origin} IN NS ${fqdn(ns.name)}`),
    ...zone.nameservers
      .filter((ns) => inZone(ns.name))
      .map((ns) => `${fqdn(ns.name)} IN A ${ns.address}`),
    ...zone.records.map(
      (r) => `${fqdn(r.name)} ${r.ttl ?? ''} IN ${r.type} ${r.value}`,
    ),
  ]
  return `${lines.join('\n')}\n`
}

/** True when `endpoint` answers SOA for every zone with its serial. */
async function answersAll(
  endpoint: string,
  zones: readonly Zone[],
): Promise<boolean> {
  const resolver = new Resolver({ timeout: 250, tries: 1 })
  resolver.setServers([endpoint])
  const answers = await Promise.all(
    zones.map((z) => resolver.resolveSoa(z.origin)),
  )
  return answers.every((soa, i) => soa.serial === zones[i]!.serial)
}
