import { promises as dns } from 'node:dns'
import { spf } from 'mailauth'
import { DnsError, type Resolver } from '../net/resolver'

/** The record types an SPF evaluation asks for (RFC 7208 §4.6.4, §5). */
export type SpfRecordType = 'TXT' | 'A' | 'AAAA' | 'MX' | 'PTR'

/** An MX answer, as node:dns gives it. */
export interface SpfMx {
  readonly exchange: string
  readonly priority: number
}

export type SpfAnswer<T extends SpfRecordType> = T extends 'TXT'
  ? string[][]
  : T extends 'MX'
    ? SpfMx[]
    : string[]

/**
 * The DNS an SPF evaluation reads. A name or type that does not exist
 * rejects with an error whose `code` is node:dns's ENOTFOUND or ENODATA
 * (a void lookup, RFC 7208 §4.6.4); any other code is a DNS failure
 * (temperror, §2.6.6). TXT answers keep their strings apart.
 */
export interface SpfResolver {
  query<T extends SpfRecordType>(name: string, type: T): Promise<SpfAnswer<T>>
}

/** What check_host() returned (RFC 7208 §2.6). */
export type SpfResult =
  'none' | 'neutral' | 'pass' | 'fail' | 'softfail' | 'temperror' | 'permerror'

/** One SPF evaluation: who connects, and as whom. */
export interface SpfQuestion {
  /** The client's IP address. */
  readonly ip: string
  /** MAIL FROM; empty for a bounce, when the HELO name is checked. */
  readonly sender: string
  readonly helo: string
  /** Our own host name, for the %{r} macro (RFC 7208 §7.2). */
  readonly receiver?: string
  /** The whole evaluation's budget; temperror after it (§4.6.4). */
  readonly timeoutMs?: number
}

/** The verdict of check_host(), with the reason and the budget used. */
export interface SpfEvaluation {
  readonly result: SpfResult
  /** Why, in the evaluator's words: "Too many DNS requests", … */
  readonly reason?: string
  /** The domain owner's exp= text, for a fail (§6.2). */
  readonly explanation?: string
  /** The record that decided, when one was found. */
  readonly record?: string
  readonly lookups: number
  readonly voidLookups: number
}

const RESULTS: readonly SpfResult[] = [
  'none',
  'neutral',
  'pass',
  'fail',
  'softfail',
  'temperror',
  'permerror',
]

/**
 * Runs check_host() (RFC 7208 §4) with mailauth's evaluator in its
 * strict mode — the whole record validated before evaluation, void
 * lookups counted as §4.6.4 counts them — over any SpfResolver: the
 * project's DNS layer in a check, recorded zone data in the tests.
 */
export async function evaluateSpf(
  question: SpfQuestion,
  resolver: SpfResolver,
): Promise<SpfEvaluation> {
  const answer = await spf({
    ip: question.ip,
    sender: question.sender,
    helo: question.helo,
    mta: question.receiver ?? 'launch-ready.invalid',
    strict: true,
    maxElapsedTime: question.timeoutMs ?? 20_000,
    resolver: (name, type) =>
      resolver.query(name, type as SpfRecordType) as Promise<string[]>,
  })
  const result = answer.status.result as SpfResult
  if (!RESULTS.includes(result)) {
    throw new Error(`mailauth returned an unknown SPF result "${result}".`)
  }
  const lookups = (answer as { lookups?: { count: number; void: number } })
    .lookups
  return {
    result,
    ...(reasonOf(answer.status.comment) ?? {}),
    ...(answer.explanation ? { explanation: answer.explanation } : {}),
    ...(answer.rr ? { record: answer.rr } : {}),
    lookups: lookups?.count ?? 0,
    voidLookups: lookups?.void ?? 0,
  }
}

/** The evaluator's reason, without the receiver's name in front. */
function reasonOf(comment: unknown): { reason: string } | undefined {
  if (typeof comment !== 'string') return undefined
  const reason = /during lookup of [^:]*: (.+)$/.exec(comment)?.[1]
  return reason ? { reason } : undefined
}

/**
 * The project's DNS layer as an SpfResolver: the workspace's servers,
 * its timeout, TCP when an answer is truncated. The layer has no PTR
 * question, so `ptr` and %{p} ask the same servers through node:dns.
 */
export function spfResolverOf(resolver: Resolver): SpfResolver {
  let reverse: dns.Resolver | undefined
  const ptr = (name: string) => {
    if (!reverse) {
      reverse = new dns.Resolver({ timeout: resolver.timeoutMs, tries: 1 })
      if (resolver.isCustom) reverse.setServers([...resolver.servers])
    }
    return reverse.resolvePtr(name)
  }
  return {
    async query<T extends SpfRecordType>(
      name: string,
      type: T,
    ): Promise<SpfAnswer<T>> {
      switch (type) {
        case 'TXT':
          return (await resolver.query(name, 'TXT')) as SpfAnswer<T>
        case 'MX':
          return (await resolver.query(name, 'MX')) as SpfAnswer<T>
        case 'A':
        case 'AAAA': {
          const family: 'A' | 'AAAA' = type
          const records = await resolver.query(name, family)
          return records.map((r) => r.address) as SpfAnswer<T>
        }
        case 'PTR':
          return (await ptr(name)) as SpfAnswer<T>
      }
      throw new DnsError(name, 'TXT', 'ENOTIMP')
    },
  }
}
