import { checkInfo } from '../../shared/catalogue'
import type { TlsReport } from '../net/tls'
import type { Check, Verdict } from './check'
import { EXPIRY_BLOCKER_DAYS, EXPIRY_WARN_DAYS } from './tls-expiry'
import { chainGap, daysUntil, handshakeEvidence, tlsCheck } from './tls-probe'

const info = checkInfo('tls.chain')!

/**
 * tls.chain: the server sends the intermediates that link its
 * certificate to a root, and none of them is about to expire.
 */
export const tlsChain: Check = tlsCheck(info, judge)

function judge(host: string, report: TlsReport, now: Date): Verdict {
  const [leaf, ...issuers] = report.chain
  const evidence = {
    ...handshakeEvidence(report),
    intermediates: issuers
      .filter((c) => !c.selfSigned)
      .map((c) => `${c.subject} (until ${c.validTo.slice(0, 10)})`),
  }
  if (!leaf || leaf.selfSigned) {
    return {
      status: 'skip',
      severity: 'info',
      title: `${host} has no chain to check`,
      detail: 'Its certificate is self-signed; tls.valid reports it.',
      evidence,
    }
  }
  if (report.trustError === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE') {
    const gap = chainGap(host, leaf.issuer)
    return {
      status: 'fail',
      severity: 'high',
      title: gap.title,
      detail: gap.explanation,
      evidence,
      fix: gap.fix,
    }
  }
  const expiring = issuers
    .filter((c) => !c.selfSigned)
    .map((c) => ({ cert: c, days: daysUntil(c.validTo, now) }))
    .filter(({ days }) => days < EXPIRY_WARN_DAYS)
    .sort((a, b) => a.days - b.days)
  const [soonest] = expiring
  if (soonest) {
    const blocker = soonest.days < EXPIRY_BLOCKER_DAYS
    return {
      status: blocker ? 'fail' : 'warn',
      severity: blocker ? 'blocker' : 'high',
      title: `An intermediate certificate of ${host} expires in ${soonest.days} day(s)`,
      detail: `${soonest.cert.subject} is valid until ${soonest.cert.validTo.slice(0, 10)}; when it lapses, the whole chain fails.`,
      evidence,
      fix:
        "Renew the certificate so the server gets the CA's current intermediate, and serve the new " +
        'fullchain file (an old intermediate is often pinned in a hand-made bundle).',
    }
  }
  return {
    status: 'pass',
    severity: 'info',
    title: `${host} sends a complete chain`,
    detail: `${issuers.filter((c) => !c.selfSigned).length} intermediate(s), none close to expiry.`,
    evidence,
  }
}
