import type { Workspace } from '../../shared/workspace'
import { messageOf } from '../errors'
import { HttpError } from '../net/http'
import type { Network } from '../net/network'
import { DnsError } from '../net/resolver'

/**
 * What the monitors look at, one function per kind: a page answering, a
 * certificate with time left, the DNS and mail records. Each returns
 * what it saw; none throws for an expected failure.
 */

/** One look at a monitor's target. */
export interface ProbeResult {
  readonly ok: boolean
  readonly status?: number
  readonly durationMs?: number
  /** Why it failed, in words; absent when ok. */
  readonly reason?: string
}

/** The days left below which a certificate counts as a failure (tls.expiry). */
export const TLS_MIN_DAYS = 7

/** GET `url`: up when it answers below 400 within the timeout. */
export async function probePage(
  net: Network,
  url: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<ProbeResult> {
  try {
    const response = await net.http.request(url, {
      timeoutMs,
      signal,
      maxBodyBytes: 64 * 1024,
    })
    const durationMs = response.timings.total
    if (response.status < 400)
      return { ok: true, status: response.status, durationMs }
    return {
      ok: false,
      status: response.status,
      durationMs,
      reason: `It answered HTTP ${response.status}.`,
    }
  } catch (error) {
    if (error instanceof HttpError || error instanceof DnsError)
      return { ok: false, reason: sentence(error.reason) }
    throw error
  }
}

/** "the connection was refused" → "The connection was refused." */
function sentence(text: string): string {
  const trimmed = text.trim().replace(/\.$/, '')
  return trimmed.charAt(0).toUpperCase() + trimmed.slice(1) + '.'
}

/**
 * Whether this machine reaches the internet: true when any reference
 * endpoint answers at all (any status), or when there are none to ask.
 */
export async function isOnline(
  net: Network,
  references: readonly string[],
  signal: AbortSignal,
  timeoutMs = 5000,
): Promise<boolean> {
  if (references.length === 0) return true
  const attempts = references.map((url) =>
    net.http
      .request(url, { method: 'HEAD', timeoutMs, signal, maxBodyBytes: 1024 })
      .then(
        () => true,
        () => false,
      ),
  )
  return (await Promise.all(attempts)).some(Boolean)
}

/** The handshake of `host`, judged on the days its certificate has left. */
export async function probeCertificate(
  net: Network,
  host: string,
  now: number,
  signal: AbortSignal,
): Promise<ProbeResult> {
  try {
    const report = await net.inspectTls({ host, signal })
    const leaf = report.chain[0]
    if (!leaf) return { ok: false, reason: 'The server sent no certificate.' }
    const days = Math.floor((Date.parse(leaf.validTo) - now) / 86_400_000)
    const durationMs = report.timings.connect + report.timings.handshake
    if (days < TLS_MIN_DAYS) {
      return {
        ok: false,
        durationMs,
        reason:
          days < 0
            ? `Its certificate expired on ${leaf.validTo.slice(0, 10)}.`
            : `Its certificate expires in ${days} days (${leaf.validTo.slice(0, 10)}).`,
      }
    }
    return { ok: true, durationMs }
  } catch (error) {
    return { ok: false, reason: sentence(messageOf(error)) }
  }
}

/** The records whose changes are drift: name → one comparable value. */
export async function readRecords(
  net: Network,
  workspace: Workspace,
): Promise<ReadonlyMap<string, string>> {
  const domain = workspace.email?.domain ?? workspace.domain
  const canonical = new URL(workspace.canonicalOrigin).hostname
  const txt = (name: string, prefix: RegExp) => async () =>
    (await net.resolver.query(name, 'TXT'))
      .map((parts) => parts.join(''))
      .filter((t) => prefix.test(t))
  const questions: [string, () => Promise<string[]>][] = [
    [
      `A ${workspace.domain}`,
      async () =>
        (await net.resolver.query(workspace.domain, 'A')).map((r) => r.address),
    ],
    [
      `A ${canonical}`,
      async () => {
        const found = await net.resolver.resolve(canonical)
        if (found.error) throw found.error
        return [
          ...found.cnames.map((c) => `CNAME ${c.target}`),
          ...found.a.map((r) => r.address),
        ]
      },
    ],
    [
      `MX ${domain}`,
      async () =>
        (await net.resolver.query(domain, 'MX')).map(
          (mx) => `${mx.priority} ${mx.exchange}`,
        ),
    ],
    [`SPF ${domain}`, txt(domain, /^v=spf1(\s|$)/i)],
    [`DMARC _dmarc.${domain}`, txt(`_dmarc.${domain}`, /^v=DMARC1/i)],
    ...(workspace.email?.dkimSelectors ?? []).map(
      (s): [string, () => Promise<string[]>] => [
        `DKIM ${s}._domainkey.${domain}`,
        txt(`${s}._domainkey.${domain}`, /./),
      ],
    ),
  ]
  const seen = new Map<string, string>()
  await Promise.all(
    questions.map(async ([name, ask]) => {
      try {
        seen.set(name, [...(await ask())].sort().join(' | ') || '(none)')
      } catch (error) {
        // No such name is an answer; a timeout is not, and is skipped so
        // a flaky resolver is never reported as a change.
        if (error instanceof DnsError && error.isAbsent)
          seen.set(name, '(none)')
      }
    }),
  )
  return seen
}
