import type { SecureVersion } from 'node:tls'
import { checkInfo } from '../../shared/catalogue'
import { workspaceHosts } from '../../shared/workspace'
import { TlsError } from '../net/tls'
import { finding, type Check, type CheckContext, type Verdict } from './check'
import { unreachableVerdict } from './tls-probe'

const info = checkInfo('tls.protocol')!

const VERSIONS: readonly SecureVersion[] = [
  'TLSv1',
  'TLSv1.1',
  'TLSv1.2',
  'TLSv1.3',
]
const LEGACY = new Set<SecureVersion>(['TLSv1', 'TLSv1.1'])

/** Whether one protocol version completes a handshake. */
type Offer = {
  readonly version: SecureVersion
  readonly accepted: boolean
  readonly reason?: string
}

/**
 * tls.protocol: one handshake per TLS version, each pinned to that
 * version, so we see what the server accepts rather than what it prefers.
 * Security level 0 lets our side speak 1.0 and 1.1 at all.
 */
export const tlsProtocol: Check = {
  info,
  targets: workspaceHosts,
  async run(host, context) {
    let offers: Offer[]
    try {
      offers = await Promise.all(
        VERSIONS.map((version) => offer(host, version, context)),
      )
    } catch (error) {
      return [finding(info, host, unreachableVerdict(host, error))]
    }
    return [finding(info, host, judge(host, offers))]
  },
}

async function offer(
  host: string,
  version: SecureVersion,
  context: CheckContext,
): Promise<Offer> {
  try {
    await context.net.inspectTls({
      host,
      signal: context.signal,
      minVersion: version,
      maxVersion: version,
      ciphers: 'DEFAULT@SECLEVEL=0',
    })
    return { version, accepted: true }
  } catch (error) {
    // A refusal during the handshake is the answer; anything earlier
    // (no connection, a timeout) means we could not ask.
    if (
      error instanceof TlsError &&
      error.phase === 'handshake' &&
      error.code !== 'ETIMEDOUT' &&
      error.code !== 'ABORT_ERR'
    ) {
      return { version, accepted: false, reason: error.reason }
    }
    throw error
  }
}

function judge(host: string, offers: readonly Offer[]): Verdict {
  const accepted = offers.filter((o) => o.accepted).map((o) => o.version)
  const evidence = {
    offered: Object.fromEntries(
      offers.map((o) => [
        o.version,
        o.accepted ? 'accepted' : `refused (${o.reason})`,
      ]),
    ),
  }
  const legacy = accepted.filter((v) => LEGACY.has(v))
  const modern = accepted.filter((v) => !LEGACY.has(v))
  const nginxFix =
    'Allow only TLS 1.2 and 1.3. On Cloudflare: SSL/TLS › Edge Certificates › Minimum TLS Version: 1.2. With nginx:\n' +
    '  ssl_protocols TLSv1.2 TLSv1.3;'
  if (modern.length === 0) {
    return {
      status: 'fail',
      severity: 'blocker',
      title: `${host} offers no modern TLS version`,
      detail: `It accepts ${accepted.join(', ') || 'no version at all'}; current browsers need TLS 1.2 or 1.3.`,
      evidence,
      fix: nginxFix,
    }
  }
  if (legacy.length > 0) {
    return {
      status: 'warn',
      severity: 'medium',
      title: `${host} still accepts ${legacy.join(' and ')}`,
      detail: `It accepts ${accepted.join(', ')}. TLS 1.0 and 1.1 are deprecated (RFC 8996) and fail PCI DSS.`,
      evidence,
      fix: nginxFix,
    }
  }
  const has13 = accepted.includes('TLSv1.3')
  return {
    status: 'pass',
    severity: 'info',
    title: `${host} offers ${accepted.join(' and ')} only`,
    detail: has13
      ? 'TLS 1.3 is offered.'
      : 'TLS 1.3 is not offered; turning it on makes connections faster.',
    evidence,
  }
}
