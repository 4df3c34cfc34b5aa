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
    options?: { cause?: unknown },
  ) {
    super(`resolve ${type} for ${host}`, describeDnsCode(code), host, options)
  }

  /** True when the name or the record type definitely does not exist. */
  get isAbsent(): boolean {
    return this.code === dns.NOTFOUND || this.code === dns.NODATA
  }
}

/** Plain words for the c-ares error codes users actually meet. */
export function describeDnsCode(code: string): string {
  switch (code) {
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

export type DnsAnswer<T extends RecordType> = T extends
  'A' | 'AAAA' | 'CNAME' | 'NS'
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
        return r.resolve4(host)
      case 'AAAA':
        return r.resolve6(host)
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
   * The addresses of a host, IPv4 first. An absent AAAA (or A) is not an
   * error as long as the other family answers.
   */
  async addresses(host: string): Promise<LookupAddress[]> {
    if (isIP(host)) return [{ address: host, family: isIP(host) }]
    if (!this.isCustom) {
      return dns.lookup(host, { all: true, order: 'ipv4first' })
    }
    const [v4, v6] = await Promise.allSettled([
      this.query(host, 'A'),
      this.query(host, 'AAAA'),
    ])
    const found: LookupAddress[] = [
      ...(v4.status === 'fulfilled'
        ? v4.value.map((address) => ({ address, family: 4 }))
        : []),
      ...(v6.status === 'fulfilled'
        ? v6.value.map((address) => ({ address, family: 6 }))
        : []),
    ]
    if (found.length > 0) return found
    // Report the more telling of the two failures: a timeout over NODATA.
    const reasons = [v4, v6].flatMap((r) =>
      r.status === 'rejected' ? [r.reason] : [],
    )
    throw (
      reasons.find((e) => e instanceof DnsError && !e.isAbsent) ?? reasons[0]
    )
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
