import type { Workspace } from '../../shared/workspace'
import { DnsError, type Resolver } from '../net/resolver'

/** The domain mail is sent from: email.domain, else the site's. */
export function emailDomain(workspace: Workspace): string {
  return workspace.email?.domain ?? workspace.domain
}

/**
 * The TXT records at a name, each with its strings joined (RFC 7208
 * §3.3, RFC 6376 §3.6.2.2: a long record is split into strings of at
 * most 255 bytes that readers concatenate). An absent name or record
 * type is an empty list; other failures throw DnsError.
 */
export async function txtRecords(
  resolver: Resolver,
  name: string,
): Promise<string[]> {
  try {
    return (await resolver.query(name, 'TXT')).map((strings) =>
      strings.join(''),
    )
  } catch (error) {
    if (error instanceof DnsError && error.isAbsent) return []
    throw error
  }
}

/** A tag=value list (RFC 6376 §3.2, used by DKIM, DMARC, MTA-STS, TLS-RPT). */
export interface TagList {
  readonly tags: ReadonlyMap<string, string>
  /** Tags given more than once; the first value is kept. */
  readonly repeated: readonly string[]
  /** Parts that are not `tag=value` at all. */
  readonly malformed: readonly string[]
}

/** Parses "v=DMARC1; p=none; rua=mailto:…" into its tags. */
export function parseTags(record: string): TagList {
  const tags = new Map<string, string>()
  const repeated: string[] = []
  const malformed: string[] = []
  for (const part of record.split(';')) {
    const trimmed = part.trim()
    if (!trimmed) continue
    const at = trimmed.indexOf('=')
    if (at <= 0) {
      malformed.push(trimmed)
      continue
    }
    const name = trimmed.slice(0, at).trim().toLowerCase()
    const value = trimmed.slice(at + 1).trim()
    if (tags.has(name)) repeated.push(name)
    else tags.set(name, value)
  }
  return { tags, repeated, malformed }
}
