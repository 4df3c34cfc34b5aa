import { checkInfo } from '../../shared/catalogue'
import type { TlsReport } from '../net/tls'
import type { Check, Verdict } from './check'
import {
  certificateEvidence,
  daysUntil,
  handshakeEvidence,
  tlsCheck,
} from './tls-probe'

const info = checkInfo('tls.expiry')!

/** Days left below which expiry blocks a launch, and warns (PRODUCT.md). */
export const EXPIRY_BLOCKER_DAYS = 7
export const EXPIRY_WARN_DAYS = 21

/**
 * Certificates living 10 days or less (ACME short-lived profiles) renew
 * continuously, so days left mean little; they are judged by the share
 * of their lifetime left. Renewal is expected by a third left; under a
 * tenth, renewal has clearly failed.
 */
export const SHORT_LIVED_DAYS = 10
const SHORT_LIVED_WARN = 1 / 3
const SHORT_LIVED_BLOCKER = 1 / 10

const DAY_MS = 86_400_000

/** tls.expiry: how long until the served certificate runs out. */
export const tlsExpiry: Check = tlsCheck(info, judge)

function judge(host: string, report: TlsReport, now: Date): Verdict {
  const leaf = report.chain[0]
  if (!leaf) {
    return {
      status: 'error',
      severity: 'high',
      title: `${host} sent no certificate`,
      detail: 'The handshake completed without a server certificate.',
      evidence: handshakeEvidence(report),
    }
  }
  const from = Date.parse(leaf.validFrom)
  const to = Date.parse(leaf.validTo)
  const days = daysUntil(leaf.validTo, now)
  const lifetimeDays = (to - from) / DAY_MS
  const left = (to - now.getTime()) / (to - from)
  const shortLived = lifetimeDays <= SHORT_LIVED_DAYS
  const evidence = {
    ...handshakeEvidence(report),
    certificate: certificateEvidence(leaf),
    daysLeft: days,
    lifetimeDays: Math.round(lifetimeDays * 10) / 10,
    ...(shortLived
      ? { lifetimeLeft: `${Math.max(0, Math.round(left * 100))}%` }
      : {}),
  }
  const renew =
    "Renew the certificate now. With Let's Encrypt:\n" +
    `  certbot renew --force-renewal --cert-name ${host}\n` +
    'Then fix automatic renewal: check that the renewal timer runs and ' +
    'that a dry run succeeds:\n' +
    '  certbot renew --dry-run'

  if (from > now.getTime()) {
    return {
      status: 'skip',
      severity: 'info',
      title: `The certificate of ${host} is not valid yet`,
      detail: `It only starts on ${leaf.validFrom.slice(0, 10)}, so its expiry does not count yet; tls.valid reports it.`,
      evidence,
    }
  }
  if (to <= now.getTime()) {
    return {
      status: 'fail',
      severity: 'blocker',
      title: `The certificate of ${host} has expired`,
      detail: `It expired on ${leaf.validTo.slice(0, 10)}, ${-days} day(s) ago. Every visitor sees a security error.`,
      evidence,
      fix: renew,
    }
  }
  const blocker = shortLived
    ? left < SHORT_LIVED_BLOCKER
    : days < EXPIRY_BLOCKER_DAYS
  const warn = shortLived ? left < SHORT_LIVED_WARN : days < EXPIRY_WARN_DAYS
  const when = `expires on ${leaf.validTo.slice(0, 10)}, in ${days} day(s)`
  if (blocker || warn) {
    return {
      status: blocker ? 'fail' : 'warn',
      severity: blocker ? 'blocker' : 'high',
      title: `The certificate of ${host} expires in ${days} day(s)`,
      detail:
        `It ${when}` +
        (shortLived
          ? `, with ${Math.round(left * 100)}% of its ${evidence.lifetimeDays}-day life left.`
          : '.') +
        ' Automatic renewal should have replaced it by now.',
      evidence,
      fix: renew,
    }
  }
  return {
    status: 'pass',
    severity: 'info',
    title: `The certificate of ${host} ${when}`,
    detail: shortLived
      ? `A short-lived certificate with ${Math.round(left * 100)}% of its life left.`
      : `More than ${EXPIRY_WARN_DAYS} days of margin.`,
    evidence,
  }
}
