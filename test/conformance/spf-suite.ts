import { readFile } from 'node:fs/promises'
import { isIPv6 } from 'node:net'
import { parseAllDocuments } from 'yaml'
import type {
  SpfAnswer,
  SpfRecordType,
  SpfResolver,
  SpfResult,
} from '../../src/core/email/spf'

/**
 * The RFC 7208 test suite (openspf.org, release 2014.04; BSD licence, in
 * data/spf/LICENSE): YAML documents of scenarios, each a zone and the
 * checks to run against it.
 */
export const SUITE_FILE = new URL(
  './data/spf/rfc7208-tests.yml',
  import.meta.url,
)

/** One check_host() case of the suite. */
export interface SuiteCase {
  /** "scenario description / test id". */
  readonly id: string
  readonly scenario: string
  readonly name: string
  readonly spec: string
  readonly ip: string
  readonly sender: string
  readonly helo: string
  /** The accepted results, preferred first. */
  readonly results: readonly SpfResult[]
  readonly explanation?: string
  readonly zone: Zone
}

/** One record of a scenario's zone, or a question that times out. */
type ZoneEntry = ZoneRecord | { readonly type: 'TIMEOUT' }

interface ZoneRecord {
  readonly type: string
  readonly value: unknown
}

/** A scenario's zone: its names, lower-cased, and their entries. */
export type Zone = ReadonlyMap<string, readonly ZoneEntry[]>

interface RawScenario {
  readonly description: string
  readonly tests: Record<string, RawCase>
  readonly zonedata?: Record<string, readonly unknown[]>
}

interface RawCase {
  readonly spec: string | string[]
  readonly host: string
  readonly mailfrom: string
  readonly helo: string
  readonly result: string | string[]
  readonly explanation?: string
}

/** Reads every case of the suite, in file order. */
export async function loadSuite(file: URL = SUITE_FILE): Promise<SuiteCase[]> {
  const documents = parseAllDocuments(await readFile(file, 'utf8'))
  return documents.flatMap((document) => {
    const scenario = document.toJS() as RawScenario | null
    if (!scenario?.tests) return []
    const zone = zoneOf(scenario.zonedata ?? {})
    return Object.entries(scenario.tests).map(([name, raw]) => ({
      id: `${scenario.description} / ${name}`,
      scenario: scenario.description,
      name,
      spec: [raw.spec].flat().join(', '),
      ip: raw.host,
      sender: raw.mailfrom,
      helo: raw.helo,
      results: [raw.result].flat() as SpfResult[],
      ...(raw.explanation === undefined
        ? {}
        : { explanation: raw.explanation }),
      zone,
    }))
  })
}

/**
 * The zone as the suite's drivers read it: a name's type-SPF records are
 * also its TXT records unless it lists TXT records of its own (or
 * `TXT: NONE`, which says it has none).
 */
function zoneOf(data: Record<string, readonly unknown[]>): Zone {
  const zone = new Map<string, ZoneEntry[]>()
  for (const [name, entries] of Object.entries(data)) {
    const parsed = entries.map(entryOf)
    const ownTxt = parsed.some((e) => e.type === 'TXT')
    const generated: ZoneEntry[] = ownTxt
      ? []
      : parsed
          .filter((e): e is ZoneRecord => e.type === 'SPF' && 'value' in e)
          .map((e) => ({ type: 'TXT', value: e.value }))
    zone.set(
      name.toLowerCase(),
      [...parsed, ...generated].filter(
        (e) => !('value' in e) || e.value !== 'NONE',
      ),
    )
  }
  return zone
}

function entryOf(raw: unknown): ZoneEntry {
  if (raw === 'TIMEOUT') return { type: 'TIMEOUT' }
  const [type, value] = Object.entries(raw as Record<string, unknown>)[0]!
  return { type, value }
}

/** A DNS failure with the code node:dns would give. */
export class ZoneError extends Error {
  constructor(
    readonly code: string,
    name: string,
    type: string,
  ) {
    super(`${code} for ${type} ${name}`)
  }
}

/**
 * Answers from a scenario's zone the way the suite's pyspf driver does:
 * empty labels dropped, a label over 63 characters or a name under
 * "error." a DNS failure, a TIMEOUT entry a timeout for every type not
 * listed before it, and a CNAME followed one step. A name the zone does
 * not list is NXDOMAIN; a listed name without the type is NODATA.
 */
export function zoneResolver(zone: Zone): SpfResolver {
  return {
    async query<T extends SpfRecordType>(
      name: string,
      type: T,
    ): Promise<SpfAnswer<T>> {
      return answer(zone, name, type, 0) as SpfAnswer<T>
    },
  }
}

function answer(
  zone: Zone,
  rawName: string,
  type: SpfRecordType,
  depth: number,
): unknown[] {
  const labels = rawName.split('.').filter(Boolean)
  if (labels.some((l) => l.length > 63)) {
    throw new ZoneError('ESERVFAIL', rawName, type)
  }
  const name = labels.join('.').toLowerCase()
  const entries = zone.get(name)
  if (!entries) {
    if (name.startsWith('error.')) {
      throw new ZoneError('ETIMEOUT', name, type)
    }
    throw new ZoneError('ENOTFOUND', name, type)
  }
  const found: unknown[] = []
  for (const entry of entries) {
    if (entry.type === 'TIMEOUT' || !('value' in entry)) {
      if (found.length === 0) throw new ZoneError('ETIMEOUT', name, type)
      break
    }
    if (entry.type === type) {
      if (entry.value === 'TIMEOUT') throw new ZoneError('ETIMEOUT', name, type)
      found.push(valueOf(type, entry.value))
    } else if (entry.type === 'CNAME' && depth === 0) {
      found.push(...answer(zone, String(entry.value), type, 1))
    }
  }
  if (found.length === 0) throw new ZoneError('ENODATA', name, type)
  return found
}

function valueOf(type: SpfRecordType, value: unknown): unknown {
  switch (type) {
    case 'TXT':
      return [value].flat().map(String)
    case 'MX': {
      const [priority, exchange] = value as [number, string]
      return { priority, exchange }
    }
    case 'AAAA':
      return isIPv6(String(value)) ? String(value) : value
    case 'A':
    case 'PTR':
      return String(value)
  }
}
