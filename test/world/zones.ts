import type { DnsRecord, Nameserver, Zone } from './dns'
import {
  CAA_IDENTITY,
  CANONICAL_SCENARIOS,
  HOSTILE_DOMAIN,
  LAME_DOMAIN,
  scenarioDomain,
  STALE_DOMAIN,
  WORLD_DOMAIN,
} from './plan'

/**
 * The world's zones, as each of its two authoritative servers serves
 * them. Every workspace domain is a zone of its own, delegated from
 * shop.test, so dns.nameservers finds an NS set wherever it looks.
 */

/** A name and the records the zones hold for it. */
export interface NamedRecords {
  readonly name: string
  readonly records: readonly Omit<DnsRecord, 'name'>[]
}

/** Addresses the zones need besides the hosts'. */
export interface ZoneAddresses {
  readonly ns1: string
  readonly ns2: string
  /** lame.test's second nameserver, where nothing listens. */
  readonly lameNs: string
  /** stale.test's apex according to ns1 and to ns2. */
  readonly staleNs1: string
  readonly staleNs2: string
  readonly lame: string
}

/** What each server loads. */
export interface WorldZones {
  readonly ns1: readonly Zone[]
  readonly ns2: readonly Zone[]
}

/** Zones served the same by both servers: the site domains. */
const SITE_ZONES = [
  WORLD_DOMAIN,
  HOSTILE_DOMAIN,
  ...CANONICAL_SCENARIOS.map(scenarioDomain),
]

/** A zone both servers serve alike, outside the site zones (mail.test…). */
export interface ExtraZone {
  readonly origin: string
  readonly records: readonly DnsRecord[]
}

/**
 * The zones of a world whose hosts have `hosts` records, plus `extra`
 * zones (the mail domains). `serial` is every zone's SOA serial but
 * stale.test's on ns2, which is one less: the copy a secondary that
 * stopped transferring would still serve.
 */
export function worldZones(
  hosts: readonly NamedRecords[],
  addresses: ZoneAddresses,
  serial: number,
  extra: readonly ExtraZone[] = [],
): WorldZones {
  const nameservers: Nameserver[] = [
    { name: `ns1.${WORLD_DOMAIN}`, address: addresses.ns1 },
    { name: `ns2.${WORLD_DOMAIN}`, address: addresses.ns2 },
  ]
  // Every site zone names both servers. Only shop.test holds their
  // addresses (zoneFile writes glue for in-zone nameservers alone); the
  // child zones' NS names resolve through it.
  const sites = SITE_ZONES.map((origin): Zone => ({
    origin,
    serial,
    nameservers,
    records: [
      ...recordsIn(origin, hosts),
      ...(origin === WORLD_DOMAIN ? parentRecords() : []),
    ],
  }))
  const stale = (apex: string, s: number): Zone => ({
    origin: STALE_DOMAIN,
    serial: s,
    nameservers,
    records: [{ name: STALE_DOMAIN, type: 'A', value: apex }],
  })
  const others = extra.map((zone): Zone => ({ ...zone, serial, nameservers }))
  return {
    ns1: [
      ...sites,
      stale(addresses.staleNs1, serial),
      lameZone(addresses, serial),
      ...others,
    ],
    ns2: [...sites, stale(addresses.staleNs2, serial - 1), ...others],
  }
}

/**
 * In shop.test: the CAA record allowing the world's CA for the whole
 * tree (RFC 8659 section 3: a name without CAA inherits its parent's),
 * and NS records delegating each child zone.
 */
function parentRecords(): DnsRecord[] {
  const children = SITE_ZONES.filter((z) => z !== WORLD_DOMAIN)
  return [
    { name: WORLD_DOMAIN, type: 'CAA', value: `0 issue "${CAA_IDENTITY}"` },
    ...children.flatMap((child) =>
      ['ns1', 'ns2'].map((ns): DnsRecord => ({
        name: child,
        type: 'NS',
        value: `${ns}.${WORLD_DOMAIN}.`,
      })),
    ),
  ]
}

/** The records of `hosts` that belong in zone `origin`. */
function recordsIn(origin: string, hosts: readonly NamedRecords[]) {
  return hosts
    .filter((host) => zoneOf(host.name) === origin)
    .flatMap((host) => host.records.map((r) => ({ ...r, name: host.name })))
}

/** The most specific site zone holding `name`. */
function zoneOf(name: string): string | undefined {
  return SITE_ZONES.filter(
    (zone) => name === zone || name.endsWith(`.${zone}`),
  ).sort((a, b) => b.length - a.length)[0]
}

/**
 * lame.test: its NS set names ns1 (which answers) and ns3.lame.test,
 * an address where nothing listens. Only ns1 serves it.
 */
function lameZone(addresses: ZoneAddresses, serial: number): Zone {
  return {
    origin: LAME_DOMAIN,
    serial,
    nameservers: [
      { name: `ns1.${WORLD_DOMAIN}`, address: addresses.ns1 },
      { name: `ns3.${LAME_DOMAIN}`, address: addresses.lameNs },
    ],
    records: [{ name: LAME_DOMAIN, type: 'A', value: addresses.lame }],
  }
}
