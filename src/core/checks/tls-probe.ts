import type { Evidence } from '../../shared/finding'
import { DnsError } from '../net/resolver'
import { TlsError, type CertificateInfo, type TlsReport } from '../net/tls'
import type { CheckInfo } from '../../shared/catalogue'
import { workspaceHosts } from '../../shared/workspace'
import { finding, type Check, type CheckContext, type Verdict } from './check'

/**
 * A tls.* check over every host: one shared handshake, judged by
 * `judge`, or the verdict for a host that could not be reached.
 */
export function tlsCheck(
  info: CheckInfo,
  judge: (host: string, report: TlsReport, now: Date) => Verdict,
): Check {
  return {
    info,
    targets: workspaceHosts,
    async run(host, context) {
      try {
        const report = await tlsProbe(host, context)
        return [finding(info, host, judge(host, report, context.now()))]
      } catch (error) {
        return [finding(info, host, unreachableVerdict(host, error))]
      }
    },
  }
}

/** One handshake per host and audit, shared by every tls.* check. */
export function tlsProbe(
  host: string,
  context: CheckContext,
): Promise<TlsReport> {
  return context.probe(`tls:${host}`, (signal) =>
    // Security level 0 lets weak keys and SHA-1 chains complete the
    // handshake, so tls.key can report them instead of a bare failure.
    context.net.inspectTls({ host, signal, ciphers: 'DEFAULT@SECLEVEL=0' }),
  )
}

/**
 * The verdict when no handshake happened: nothing listening is a failure
 * of the site; a timeout or a DNS problem means we could not decide.
 */
export function unreachableVerdict(host: string, error: unknown): Verdict {
  if (error instanceof TlsError && error.code === 'ECONNREFUSED') {
    return {
      status: 'fail',
      severity: 'blocker',
      title: `${host} does not accept HTTPS connections`,
      detail: `${error.reason}: browsers cannot open https://${host}.`,
      evidence: { error: error.reason, port: error.port },
      fix:
        `Serve HTTPS for ${host} on port ${error.port}, or remove the name ` +
        'from the workspace if it is not part of the site.',
    }
  }
  if (
    error instanceof TlsError &&
    error.phase === 'handshake' &&
    error.code !== 'ETIMEDOUT'
  ) {
    return {
      status: 'fail',
      severity: 'blocker',
      title: `The TLS handshake with ${host} fails`,
      detail: `${error.reason}.`,
      evidence: { error: error.reason, port: error.port },
      fix:
        'Check the server or edge TLS configuration for this host: it must ' +
        'offer TLS 1.2 or 1.3 with a certificate for the name.',
    }
  }
  if (error instanceof TlsError || error instanceof DnsError) {
    return {
      status: 'error',
      severity: 'high',
      title: `Could not check the certificate of ${host}`,
      detail: `${error.message}.`,
      evidence: { error: error.reason },
      fix:
        error instanceof DnsError
          ? `Make sure ${host} resolves, then run the check again.`
          : 'Run the check again; if it keeps timing out, check that the ' +
            'host is up and reachable from this computer.',
    }
  }
  throw error
}

/** The certificate fields a person needs, for evidence. */
export function certificateEvidence(cert: CertificateInfo): Evidence {
  return {
    subject: cert.subject,
    issuer: cert.issuer,
    validFrom: cert.validFrom,
    validTo: cert.validTo,
    subjectAltNames: cert.subjectAltNames,
    key: cert.keyBits
      ? `${cert.keyType} ${cert.keyBits} bits`
      : cert.curve
        ? `${cert.keyType} ${cert.curve}`
        : cert.keyType,
    signatureAlgorithm: cert.signatureAlgorithm ?? 'unknown',
    fingerprintSha256: cert.fingerprint256,
  }
}

/** The handshake facts every tls.* finding shows. */
export function handshakeEvidence(report: TlsReport): Evidence {
  return {
    endpoint: `${report.host}:${report.port}${report.address ? ` (${report.address})` : ''}`,
    protocol: report.protocol,
    cipher: report.cipher,
    chain: report.chain.map((c) => c.subject),
    handshakeMs: report.timings.handshake,
  }
}

const DAY_MS = 86_400_000

/**
 * Whole days from `now` until `date`, negative once it has passed:
 * 6.9 days left count as 6, expired 10.1 days ago as -10.
 */
export function daysUntil(date: string, now: Date): number {
  return Math.trunc((Date.parse(date) - now.getTime()) / DAY_MS)
}

/** What to say when a chain stops at an issuer we were not sent. */
export interface ChainGap {
  readonly title: string
  readonly explanation: string
  readonly fix: string
}

/**
 * OpenSSL's UNABLE_TO_VERIFY_LEAF_SIGNATURE: the server sent its own
 * certificate and nothing linking its issuer to a trusted root. Usually
 * the intermediate is missing from the server; it can also be a private
 * CA this computer does not trust. Both are named, the usual one first.
 */
export function chainGap(host: string, issuer: string): ChainGap {
  return {
    title: `${host} does not send the certificate that links it to a trusted root`,
    explanation:
      `The server sends only its own certificate, issued by ${issuer}. ` +
      'Usually the intermediate certificate is missing from its ' +
      'configuration: some browsers repair this from their cache, but ' +
      'apps, API callers and webhook senders fail. If that issuer is your ' +
      'own private CA, it is simply not trusted here.',
    fix:
      'Serve the full chain: your certificate followed by the ' +
      "intermediate. With nginx and Let's Encrypt, point ssl_certificate " +
      'at fullchain.pem, not cert.pem:\n' +
      `  ssl_certificate /etc/letsencrypt/live/${host}/fullchain.pem;\n` +
      'If the issuer is your own CA, add its root to the workspace instead:\n' +
      '  network:\n' +
      '    caFile: ./your-root-ca.pem',
  }
}
