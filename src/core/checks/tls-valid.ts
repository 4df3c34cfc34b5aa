import { checkInfo } from '../../shared/catalogue'
import type { TlsReport } from '../net/tls'
import type { Check, Verdict } from './check'
import {
  certificateEvidence,
  chainGap,
  daysUntil,
  handshakeEvidence,
  tlsCheck,
} from './tls-probe'

const info = checkInfo('tls.valid')!

/** Chain errors that are about dates; those are judged by our clock. */
const DATE_ERRORS = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID'])

/**
 * tls.valid: the handshake succeeds, the chain leads to a trusted root,
 * the certificate names the host and today is within its dates.
 */
export const tlsValid: Check = tlsCheck(info, judge)

interface Problem {
  readonly title: string
  readonly explanation: string
  readonly fix: string
}

function judge(host: string, report: TlsReport, now: Date): Verdict {
  const leaf = report.chain[0]
  const problems: Problem[] = []
  if (!report.trusted && !DATE_ERRORS.has(report.trustError ?? '')) {
    problems.push(trustProblem(host, report))
  }
  if (!report.hostnameMatches) {
    problems.push({
      title: `The certificate does not cover ${host}`,
      explanation:
        `It names ${leaf?.subjectAltNames.join(', ') || leaf?.subject || 'other hosts'}, ` +
        `so browsers warn that the connection is not private.`,
      fix:
        `Reissue the certificate with ${host} among its names (subject ` +
        `alternative names), or point ${host} at a server that has one. ` +
        `With Let's Encrypt:\n  certbot --nginx -d ${host}`,
    })
  }
  if (leaf && daysUntil(leaf.validTo, now) < 0) {
    problems.push({
      title: `The certificate of ${host} has expired`,
      explanation: `It expired on ${leaf.validTo.slice(0, 10)}.`,
      fix:
        'Renew it now, then find out why automatic renewal did not run. ' +
        "With Let's Encrypt:\n  certbot renew",
    })
  } else if (leaf && Date.parse(leaf.validFrom) > now.getTime()) {
    problems.push({
      title: `The certificate of ${host} is not valid yet`,
      explanation: `It only becomes valid on ${leaf.validFrom}.`,
      fix:
        'Check the clock of the machine that issued it and that the server ' +
        'has the intended certificate installed.',
    })
  }

  const evidence = {
    ...handshakeEvidence(report),
    trust: report.trusted ? 'trusted' : (report.trustError ?? 'untrusted'),
    hostname: report.hostnameMatches
      ? 'matches'
      : (report.hostnameError ?? 'mismatch'),
    ...(leaf ? { certificate: certificateEvidence(leaf) } : {}),
  }
  const [first] = problems
  if (!first) {
    return {
      status: 'pass',
      severity: 'info',
      title: `${host} has a valid, trusted certificate`,
      detail:
        `Issued by ${leaf?.issuer ?? 'a trusted CA'}, valid until ` +
        `${leaf?.validTo.slice(0, 10) ?? '?'}, over ${report.protocol}.`,
      evidence,
    }
  }
  return {
    status: 'fail',
    severity: 'blocker',
    title: first.title,
    detail: problems.map((p) => `${p.title}. ${p.explanation}`).join(' '),
    evidence,
    fix: problems.map((p) => p.fix).join('\n\n'),
  }
}

function trustProblem(host: string, report: TlsReport): Problem {
  const leaf = report.chain[0]
  switch (report.trustError) {
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      return {
        title: `${host} uses a self-signed certificate`,
        explanation: 'No browser trusts a certificate that vouches for itself.',
        fix: publicCaFix(host),
      }
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
      return chainGap(host, leaf?.issuer ?? 'an unknown CA')
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'UNABLE_TO_GET_ISSUER_CERT':
      return {
        title: `The certificate of ${host} is issued by an untrusted CA`,
        explanation: `Its chain ends at ${report.chain.at(-1)?.issuer ?? 'an unknown root'}, which browsers do not trust.`,
        fix: publicCaFix(host),
      }
    default:
      return {
        title: `The certificate chain of ${host} is not trusted`,
        explanation: `Verification failed with ${report.trustError ?? 'an unknown error'}.`,
        fix: publicCaFix(host),
      }
  }
}

function publicCaFix(host: string): string {
  return (
    'Replace it with a certificate from a publicly trusted CA. Behind ' +
    "Cloudflare, its edge certificate is free; elsewhere use Let's " +
    `Encrypt:\n  certbot --nginx -d ${host}`
  )
}
