import {
  promises as dns,
  type CaaRecord,
  type LookupAddress,
  type MxRecord,
  type SoaRecord,
} from 'node:dns'
import { isIP, type LookupFunction } from 'node:net'
import { LaunchReadyError } from '../errors'

/** DNS record types the checks ask for. */
export type RecordType =
  'A' | 'AAAA' | 'CNAME' | 'NS' | 'CAA' | 'TXT' | 'MX' | 'SOA'

export interface ResolverOptions {
  /**
   * DNS servers to ask, as "address" or "address:port". Empty means the
   * system's own resolver configuration.
   */
  readonly servers?: readonly string[]
  /** How long one question may take, all retries included. */
  readonly timeoutMs?: number
}

export type { LookupFunction }

/** A DNS failure with the reason in words and the resolver's code. */
export class DnsError extends LaunchReadyError {
  override name = 'DnsError' as const

  constructor(
    readonly host: string,
    readonly type: RecordType,
    readonly code: string,
    options?: { cause?: unknown; via?: string },
  ) {
    super(
      `resolve ${type} for ${host}`,
      describeDnsCode(code, options?.via),
      host,
      options,
    )
  }

  /** True when the name or the record type definitely does not exist. */
  get isAbsent(): boolean {
    return this.code === dns.NOTFOUND || this.code === dns.NODATA
  }
}

/** Codes for CNAME chains that never reach an address. */
export const CNAME_LOOP = 'ECNAMELOOP'
export const CNAME_DANGLING = 'ECNAMEDANGLING'
export const CNAME_TOO_LONG = 'ECNAMETOOLONG'

/**
 * Plain words for the c-ares error codes users actually meet, and for
 * our own CNAME chain codes; `via` is the name the chain went wrong at.
 */
export function describeDnsCode(code: string, via?: string): string {
  switch (code) {
    case CNAME_LOOP:
      return `its CNAMEs form a loop (back to ${via})`
    case CNAME_DANGLING:
      return `it is a CNAME to ${via}, which does not exist`
    case CNAME_TOO_LONG:
      return `its chain of CNAMEs is longer than ${MAX_CNAMES}`
    case dns.NOTFOUND:
      return 'the name does not exist (NXDOMAIN)'
    case dns.NODATA:
      return 'the name exists but has no record of that type'
    case dns.TIMEOUT:
      return 'no DNS server answered in time'
    case dns.SERVFAIL:
      return 'the DNS server failed to answer (SERVFAIL)'
    case dns.REFUSED:
      return 'the DNS server refused the question'
    case dns.CONNREFUSED:
      return 'could not contact the DNS server'
    case dns.BADRESP:
    case dns.FORMERR:
      return 'the DNS server sent a malformed answer'
    default:
      return `DNS lookup failed (${code})`
  }
}

/**
 * How many CNAMEs a chain may have before it counts as broken. RFC 1034
 * §3.6.2 forbids loops; resolvers give up somewhere around 8 to 16.
 */
export const MAX_CNAMES = 8

/** What DNS says about one name, its CNAME chain followed step by step. */
export interface Resolution {
  readonly host: string
  /** Each CNAME step, in order. */
  readonly cnames: readonly { readonly name: string; readonly target: string }[]
  readonly a: readonly AddressRecord[]
  readonly aaaa: readonly AddressRecord[]
  /** Why the name has no address; undefined when it has one. */
  readonly error?: DnsError
}

/** An address record with the TTL the server gave it. */
export interface AddressRecord {
  readonly address: string
  readonly ttl: number
}

export type DnsAnswer<T extends RecordType> = T extends 'A' | 'AAAA'
  ? AddressRecord[]
  : T extends 'CNAME' | 'NS'
    ? string[]
    : T extends 'CAA'
      ? CaaRecord[]
      : T extends 'TXT'
        ? string[][]
        : T extends 'MX'
          ? MxRecord[]
          : T extends 'SOA'
            ? SoaRecord
            : never

/**
 * Asks DNS questions of the servers the workspace names (UDP, with c-ares
 * retrying over TCP when an answer comes back truncated), or of the
 * system's servers when it names none.
 */
export class Resolver {
  readonly servers: readonly string[]
  readonly timeoutMs: number
  readonly #resolver: dns.Resolver
  readonly #resolutions = new Map<string, Promise<Resolution>>()

  constructor(options: ResolverOptions = {}) {
    this.servers = options.servers ?? []
    this.timeoutMs = options.timeoutMs ?? 5000
    // c-ares doubles its timeout on each try; two tries fit the budget.
    this.#resolver = new dns.Resolver({
      timeout: Math.max(100, Math.floor(this.timeoutMs / 3)),
      tries: 2,
    })
    if (this.servers.length > 0) this.#resolver.setServers([...this.servers])
  }

  /** True when the workspace supplies its own DNS servers. */
  get isCustom(): boolean {
    return this.servers.length > 0
  }

  /** Asks for one record type; throws DnsError naming the reason. */
  async query<T extends RecordType>(
    host: string,
    type: T,
  ): Promise<DnsAnswer<T>> {
    const question = this.#ask(host, type) as Promise<DnsAnswer<T>>
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new DnsError(host, type, dns.TIMEOUT)),
        this.timeoutMs,
      )
    })
    try {
      return await Promise.race([question, deadline])
    } catch (error) {
      if (error instanceof DnsError) throw error
      const code = (error as NodeJS.ErrnoException).code ?? 'EUNKNOWN'
      throw new DnsError(host, type, code, { cause: error })
    } finally {
      clearTimeout(timer)
    }
  }

  #ask(host: string, type: RecordType): Promise<unknown> {
    const r = this.#resolver
    switch (type) {
      case 'A':
        return r.resolve4(host, { ttl: true })
      case 'AAAA':
        return r.resolve6(host, { ttl: true })
      case 'CNAME':
        return r.resolveCname(host)
      case 'NS':
        return r.resolveNs(host)
      case 'CAA':
        return r.resolveCaa(host)
      case 'TXT':
        return r.resolveTxt(host)
      case 'MX':
        return r.resolveMx(host)
      case 'SOA':
        return r.resolveSoa(host)
    }
  }

  /**
   * Resolves a name the way a browser would reach it: its CNAME chain
   * followed one step at a time (so loops, dangling targets and long
   * chains are named rather than timed out on), then A and AAAA. Kept
   * for the resolver's life — one audit — so every check and connection
   * to a host shares one resolution.
   */
  resolve(host: string): Promise<Resolution> {
    let found = this.#resolutions.get(host)
    if (!found) {
      found = this.#follow(host)
      this.#resolutions.set(host, found)
    }
    return found
  }

  async #follow(host: string): Promise<Resolution> {
    const cnames: { name: string; target: string }[] = []
    const failed = (code: string, via?: string, cause?: unknown) => ({
      host,
      cnames,
      a: [],
      aaaa: [],
      error:
        cause instanceof DnsError && !via
          ? cause
          : new DnsError(host, 'A', code, { via, cause }),
    })
    let name = host
    for (;;) {
      let target: string | undefined
      try {
        target = (await this.query(name, 'CNAME'))[0]
      } catch (error) {
        if (!(error instanceof DnsError)) throw error
        if (error.code === dns.NOTFOUND && cnames.length > 0) {
          return failed(CNAME_DANGLING, name)
        }
        if (!error.isAbsent) return failed(error.code, undefined, error)
      }
      if (!target) break
      cnames.push({ name, target })
      if (target === host || cnames.some((c) => c.name === target)) {
        return failed(CNAME_LOOP, target)
      }
      if (cnames.length > MAX_CNAMES) return failed(CNAME_TOO_LONG)
      name = target
    }
    const [a, aaaa] = await Promise.all([
      this.#records(name, 'A'),
      this.#records(name, 'AAAA'),
    ])
    if (a.records.length + aaaa.records.length > 0) {
      return { host, cnames, a: a.records, aaaa: aaaa.records }
    }
    // The more telling failure wins: a timeout says more than NODATA.
    const error = [a.error, aaaa.error].find((e) => e && !e.isAbsent) ?? a.error
    if (error?.code === dns.NOTFOUND && cnames.length > 0) {
      return failed(CNAME_DANGLING, name)
    }
    return failed(error?.code ?? dns.NODATA, undefined, error)
  }

  /** Address records of one type, or the error that says why none. */
  async #records(
    name: string,
    type: 'A' | 'AAAA',
  ): Promise<{ records: AddressRecord[]; error?: DnsError }> {
    try {
      return { records: await this.query(name, type) }
    } catch (error) {
      if (!(error instanceof DnsError)) throw error
      return { records: [], error }
    }
  }

  /** The addresses of a host, IPv4 first; throws DnsError when none. */
  async addresses(host: string): Promise<LookupAddress[]> {
    if (isIP(host)) return [{ address: host, family: isIP(host) }]
    if (!this.isCustom) {
      return dns.lookup(host, { all: true, order: 'ipv4first' })
    }
    const resolution = await this.resolve(host)
    if (resolution.error) throw resolution.error
    return [
      ...resolution.a.map(({ address }) => ({ address, family: 4 })),
      ...resolution.aaaa.map(({ address }) => ({ address, family: 6 })),
    ]
  }

  /** A `lookup` for sockets, so connections use these DNS servers too. */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    this.addresses(hostname).then(
      (found) => {
        const family = familyNumber(options.family)
        const wanted = family ? found.filter((a) => a.family === family) : found
        if (wanted.length === 0) {
          const error: NodeJS.ErrnoException = new Error(
            `No IPv${family} address for ${hostname}`,
          )
          error.code = 'ENOTFOUND'
          callback(error, [])
          return
        }
        if (options.all) callback(null, wanted)
        else callback(null, wanted[0]!.address, wanted[0]!.family)
      },
      (error: unknown) => callback(toErrno(error), []),
    )
  }
}

function familyNumber(family: number | string | undefined): number {
  if (family === 'IPv4') return 4
  if (family === 'IPv6') return 6
  return typeof family === 'number' ? family : 0
}

function toErrno(error: unknown): NodeJS.ErrnoException {
  if (error instanceof DnsError) {
    const e: NodeJS.ErrnoException = new Error(error.message, { cause: error })
    e.code = error.code === dns.NOTFOUND ? 'ENOTFOUND' : error.code
    return e
  }
  return error as NodeJS.ErrnoException
}
