import { X509Certificate } from 'node:crypto'
import { isIP } from 'node:net'
import tls, { type DetailedPeerCertificate, type TLSSocket } from 'node:tls'
import { formatSeconds, LaunchReadyError } from '../errors'
import { describeSocketError } from './http'
import type { LookupFunction } from './resolver'

/** One certificate as a person would read it. */
export interface CertificateInfo {
  readonly subject: string
  readonly issuer: string
  readonly validFrom: string
  readonly validTo: string
  readonly serialNumber: string
  readonly fingerprint256: string
  readonly subjectAltNames: readonly string[]
  readonly keyType: string
  readonly keyBits?: number
  readonly curve?: string
  readonly signatureAlgorithm?: string
  readonly isCA: boolean
  readonly selfSigned: boolean
}

/** What one TLS handshake showed. */
export interface TlsReport {
  readonly host: string
  readonly port: number
  readonly address?: string
  readonly protocol: string
  readonly cipher: string
  /** The chain verified up to a trusted root (dates included). */
  readonly trusted: boolean
  /** OpenSSL's code when the chain is not trusted, e.g. CERT_HAS_EXPIRED. */
  readonly trustError?: string
  readonly hostnameMatches: boolean
  readonly hostnameError?: string
  /** Leaf first, then its issuers as the server sent or the store knew. */
  readonly chain: readonly CertificateInfo[]
  readonly timings: { readonly connect: number; readonly handshake: number }
}

export interface TlsInspectOptions {
  readonly host: string
  readonly port?: number
  readonly servername?: string
  readonly lookup?: LookupFunction
  readonly ca?: readonly string[]
  readonly timeoutMs?: number
  readonly signal?: AbortSignal
  readonly minVersion?: tls.SecureVersion
  readonly maxVersion?: tls.SecureVersion
  /** Extra OpenSSL cipher string, e.g. to offer legacy protocols. */
  readonly ciphers?: string
}

/** A handshake that did not complete, with where it stopped. */
export class TlsError extends LaunchReadyError {
  override name = 'TlsError' as const

  constructor(
    readonly host: string,
    readonly port: number,
    readonly phase: 'connect' | 'handshake',
    reason: string,
    readonly code?: string,
    options?: { cause?: unknown },
  ) {
    super(
      `complete a TLS handshake with ${host}:${port}`,
      reason,
      undefined,
      options,
    )
  }
}

/**
 * Connects, completes one handshake and reports the chain, protocol,
 * cipher and both halves of the validation verdict (trust and hostname)
 * separately, so a check can say exactly which one failed.
 */
export function inspectTls(options: TlsInspectOptions): Promise<TlsReport> {
  const port = options.port ?? 443
  const timeoutMs = options.timeoutMs ?? 10_000
  // SNI carries names only (RFC 6066 §3); an address gets none.
  const servername =
    options.servername ?? (isIP(options.host) ? undefined : options.host)
  let hostnameError: Error | undefined

  return new Promise<TlsReport>((resolve, reject) => {
    const start = performance.now()
    let connectedAt: number | undefined
    let settled = false
    const socket: TLSSocket = tls.connect({
      host: options.host,
      port,
      servername,
      lookup: options.lookup,
      ca: options.ca ? [...options.ca] : undefined,
      rejectUnauthorized: false,
      minVersion: options.minVersion,
      maxVersion: options.maxVersion,
      ciphers: options.ciphers,
      // Judge the hostname ourselves so `authorized` reflects trust alone.
      checkServerIdentity: (_name, cert) => {
        hostnameError = tls.checkServerIdentity(
          servername ?? options.host,
          cert,
        )
        return undefined
      },
    })

    const finish = (outcome: TlsReport | TlsError) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
      socket.destroy()
      if (outcome instanceof TlsError) reject(outcome)
      else resolve(outcome)
    }
    const phase = () => (connectedAt === undefined ? 'connect' : 'handshake')
    const fail = (reason: string, code?: string, cause?: unknown) =>
      finish(new TlsError(options.host, port, phase(), reason, code, { cause }))

    const timer = setTimeout(() => {
      const where =
        phase() === 'connect' ? 'connecting' : 'in the TLS handshake'
      fail(`timed out after ${formatSeconds(timeoutMs)} ${where}`, 'ETIMEDOUT')
    }, timeoutMs)
    const onAbort = () => fail('the audit was cancelled', 'ABORT_ERR')
    options.signal?.addEventListener('abort', onAbort, { once: true })
    if (options.signal?.aborted) onAbort()

    socket.once('connect', () => {
      connectedAt = performance.now()
    })
    socket.once('secureConnect', () => {
      const done = performance.now()
      const cipher = socket.getCipher()
      finish({
        host: options.host,
        port,
        address: socket.remoteAddress,
        protocol: socket.getProtocol() ?? 'unknown',
        cipher: cipher.standardName ?? cipher.name,
        trusted: socket.authorized,
        trustError: socket.authorized
          ? undefined
          : String(socket.authorizationError),
        hostnameMatches: hostnameError === undefined,
        hostnameError: hostnameError?.message,
        chain: readChain(socket.getPeerCertificate(true)),
        timings: {
          connect: round((connectedAt ?? done) - start),
          handshake: round(done - (connectedAt ?? start)),
        },
      })
    })
    socket.once('error', (error: NodeJS.ErrnoException) => {
      fail(describeSocketError(error), error.code, error)
    })
    socket.once('close', () => fail('the server closed the connection'))
  })
}

function round(ms: number) {
  return Math.round(ms * 10) / 10
}

/** Walks the peer chain from the leaf, stopping at a self-issued root. */
function readChain(leaf: DetailedPeerCertificate): CertificateInfo[] {
  const chain: CertificateInfo[] = []
  const seen = new Set<string>()
  let cert: DetailedPeerCertificate | undefined = leaf
  while (cert?.raw && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256)
    chain.push(describeCertificate(new X509Certificate(cert.raw)))
    cert = cert.issuerCertificate
  }
  return chain
}

/** A certificate's fields in the words the checks and the UI use. */
export function describeCertificate(x509: X509Certificate): CertificateInfo {
  const key = x509.publicKey.asymmetricKeyDetails ?? {}
  return {
    subject: oneLine(x509.subject),
    issuer: oneLine(x509.issuer),
    validFrom: x509.validFromDate.toISOString(),
    validTo: x509.validToDate.toISOString(),
    serialNumber: x509.serialNumber,
    fingerprint256: x509.fingerprint256,
    subjectAltNames: (x509.subjectAltName ?? '')
      .split(', ')
      .filter(Boolean)
      .map((s) => s.replace(/^DNS:/, '')),
    keyType: x509.publicKey.asymmetricKeyType ?? 'unknown',
    keyBits: key.modulusLength,
    curve: key.namedCurve,
    signatureAlgorithm: x509.signatureAlgorithm,
    isCA: x509.ca,
    selfSigned: x509.subject === x509.issuer && x509.checkIssued(x509),
  }
}

/** "CN=shop.example, O=Shop" from OpenSSL's one-field-per-line form. */
function oneLine(name: string): string {
  return name.split('\n').filter(Boolean).join(', ')
}
