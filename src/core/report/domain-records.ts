import type { CaaRecord } from 'node:dns'
import type { Finding } from '../../shared/finding'
import { workspaceHosts, type Workspace } from '../../shared/workspace'
import {
  DnsError,
  type DnsAnswer,
  type RecordType,
  type Resolver,
} from '../net/resolver'

/** One DNS record of the domain, as the handover pack lists it. */
export interface DomainRecord {
  readonly name: string
  readonly type: RecordType | string
  /** The record's data, or why there is none ("no record", a DNS error). */
  readonly value: string
  readonly ttl?: number
}

/** The domain's records and where they come from. */
export interface DomainRecords {
  readonly source: 'live' | 'audit'
  /** When they were read: now for live lookups, the run's start else. */
  readonly at: string
  readonly records: readonly DomainRecord[]
}

/** A DKIM key is kilobytes of base64; the pack needs only its start. */
const MAX_VALUE = 90

/**
 * Asks DNS, through the workspace's own resolver, for the records a
 * successor needs to know: each host's CNAME chain and addresses, the
 * nameservers and CAA of the domain, and the mail domain's MX, SPF,
 * DMARC and DKIM records. A failed lookup becomes a row saying why.
 */
export async function lookupDomainRecords(
  workspace: Workspace,
  resolver: Resolver,
  now: Date,
): Promise<DomainRecords> {
  const mail = workspace.email?.domain ?? workspace.domain
  const questions: Promise<DomainRecord[]>[] = [
    ask(resolver, workspace.domain, 'NS', (ns: string[]) => ns.sort()),
    ask(resolver, workspace.domain, 'CAA', (caa: CaaRecord[]) =>
      caa.map(caaText),
    ),
    ...workspaceHosts(workspace).map((host) => addresses(resolver, host)),
    ask(resolver, mail, 'MX', (mx) =>
      mx
        .sort((a, b) => a.priority - b.priority)
        .map((m) => `${m.priority} ${m.exchange}`),
    ),
    ask(resolver, mail, 'TXT', (txt) =>
      txt.map((t) => t.join('')).filter((t) => /^v=spf1\b/i.test(t)),
    ),
    ask(resolver, `_dmarc.${mail}`, 'TXT', (txt) =>
      txt.map((t) => t.join('')).filter((t) => /^v=DMARC1\b/i.test(t)),
    ),
    ...(workspace.email?.dkimSelectors ?? []).map((selector) =>
      ask(resolver, `${selector}._domainkey.${mail}`, 'TXT', (txt) =>
        txt.map((t) => t.join('')),
      ),
    ),
  ]
  const records = (await Promise.all(questions)).flat()
  return { source: 'live', at: now.toISOString(), records }
}

async function addresses(
  resolver: Resolver,
  host: string,
): Promise<DomainRecord[]> {
  const r = await resolver.resolve(host)
  const rows: DomainRecord[] = [
    ...r.cnames.map((c) => ({ name: c.name, type: 'CNAME', value: c.target })),
    ...r.a.map((a) => ({
      name: host,
      type: 'A',
      value: a.address,
      ttl: a.ttl,
    })),
    ...r.aaaa.map((a) => ({
      name: host,
      type: 'AAAA',
      value: a.address,
      ttl: a.ttl,
    })),
  ]
  if (r.error) rows.push({ name: host, type: 'A', value: r.error.reason })
  return rows
}

async function ask<T extends RecordType>(
  resolver: Resolver,
  name: string,
  type: T,
  describe: (answer: DnsAnswer<T>) => string[],
): Promise<DomainRecord[]> {
  try {
    const values = describe(await resolver.query(name, type))
    if (values.length === 0) return [{ name, type, value: 'no record' }]
    return values.map((value) => ({ name, type, value: shorten(value) }))
  } catch (error) {
    if (!(error instanceof DnsError)) throw error
    return [{ name, type, value: error.isAbsent ? 'no record' : error.reason }]
  }
}

function caaText(record: CaaRecord): string {
  const flags = record.critical ?? 0
  for (const tag of ['issue', 'issuewild', 'iodef', 'contactemail'] as const) {
    const value = record[tag]
    if (value !== undefined) return `${flags} ${tag} "${value}"`
  }
  return `${flags} (unknown tag)`
}

function shorten(value: string): string {
  return value.length > MAX_VALUE ? `${value.slice(0, MAX_VALUE)}…` : value
}

/**
 * The records the last audit saw, from the evidence of its dns.*
 * findings ("A 192.0.2.1 (TTL 300 s)"): the fallback when the pack is
 * made offline.
 */
export function recordsFromFindings(
  findings: readonly Finding[],
  startedAt: string,
): DomainRecords {
  const records: DomainRecord[] = []
  for (const f of findings) {
    if (!['dns.apex', 'dns.www', 'dns.subdomains'].includes(f.check)) continue
    const seen = f.evidence['records']
    if (!Array.isArray(seen)) continue
    for (const line of seen) {
      if (typeof line !== 'string') continue
      const cname = /^(\S+) CNAME (\S+)$/.exec(line)
      const address = /^(A|AAAA) (\S+)(?: \(TTL (\d+) s\))?$/.exec(line)
      if (cname) {
        records.push({ name: cname[1]!, type: 'CNAME', value: cname[2]! })
      } else if (address) {
        records.push({
          name: f.target,
          type: address[1]!,
          value: address[2]!,
          ...(address[3] ? { ttl: Number(address[3]) } : {}),
        })
      }
    }
    if (seen.length === 0 && typeof f.evidence['error'] === 'string') {
      records.push({ name: f.target, type: 'A', value: f.evidence['error'] })
    }
  }
  return { source: 'audit', at: startedAt, records }
}
