import { checkInfo } from '../../shared/catalogue'
import { emailDomain } from '../email/records'
import { probeSmtp, SmtpProbeError, type SmtpProbe } from '../email/smtp-probe'
import { DnsError } from '../net/resolver'
import { finding, type Check, type CheckContext, type Verdict } from './check'

const info = checkInfo('email.mx')!

/** One mail exchanger and what it said. */
interface Exchanger {
  readonly host: string
  readonly priority: number
  readonly probe?: SmtpProbe
  readonly problem?: string
  readonly stalled?: boolean
}

/**
 * email.mx: the domain publishes MX records, each host resolves and
 * answers SMTP (a greeting and EHLO), and STARTTLS is offered so mail
 * to you travels encrypted. A null MX (RFC 7505) is a valid "no mail".
 */
export const emailMx: Check = {
  info,
  targets: (workspace) => [emailDomain(workspace)],
  async run(domain, context) {
    let records
    try {
      records = await context.net.resolver.query(domain, 'MX')
    } catch (error) {
      if (!(error instanceof DnsError)) throw error
      return [finding(info, domain, noMx(domain, error))]
    }
    if (records.length === 1 && records[0]!.exchange === '') {
      return [
        finding(info, domain, {
          status: 'pass',
          severity: 'info',
          title: `${domain} says it receives no mail (null MX)`,
          detail:
            'RFC 7505: senders bounce mail to it at once instead of retrying.',
          evidence: { mx: ['0 .'] },
        }),
      ]
    }
    const sorted = [...records].sort((a, b) => a.priority - b.priority)
    const exchangers = await Promise.all(
      sorted.map((r) => probe(r.exchange, r.priority, context)),
    )
    return [finding(info, domain, judge(domain, exchangers))]
  },
}

async function probe(
  host: string,
  priority: number,
  context: CheckContext,
): Promise<Exchanger> {
  try {
    const result = await probeSmtp({
      host,
      port: context.net.smtpPort,
      lookup: context.net.resolver.lookup,
      timeoutMs: Math.min(context.net.timeoutMs, 10_000),
      signal: context.signal,
    })
    return { host, priority, probe: result }
  } catch (error) {
    if (error instanceof SmtpProbeError) {
      return {
        host,
        priority,
        problem: error.reason,
        stalled: error.stage !== 'connect',
      }
    }
    throw error
  }
}

function judge(domain: string, exchangers: readonly Exchanger[]): Verdict {
  const evidence = {
    mx: exchangers.map((x) =>
      x.probe
        ? `${x.priority} ${x.host}: ${x.probe.greeting.slice(0, 80)}; ${x.probe.starttls ? 'STARTTLS offered' : 'no STARTTLS'}`
        : `${x.priority} ${x.host}: ${x.problem}`,
    ),
  }
  const broken = exchangers.filter((x) => x.problem)
  if (broken.length === exchangers.length) {
    return {
      status: 'fail',
      severity: 'high',
      title: `No mail server of ${domain} answers`,
      detail: `${broken.map((x) => `${x.host}: ${x.problem}`).join('; ')}. Mail to ${domain} (support, replies to order alerts) is delayed and then bounced.`,
      evidence,
      fix: "Point the MX records at your mail provider's servers exactly as it lists them, and check the provider's status page.",
    }
  }
  if (broken.length > 0) {
    return {
      status: 'warn',
      severity: 'medium',
      title: `${broken.length} of ${exchangers.length} mail servers of ${domain} do not answer`,
      detail: `${broken.map((x) => `${x.host}: ${x.problem}`).join('; ')}. The others take the mail, but a backup that never answers only adds delay.`,
      evidence,
      fix: 'Remove MX records that point at servers you no longer use.',
    }
  }
  const plain = exchangers.filter((x) => !x.probe!.starttls)
  if (plain.length > 0) {
    return {
      status: 'warn',
      severity: 'medium',
      title: `${plain.map((x) => x.host).join(', ')} ${plain.length === 1 ? 'does' : 'do'} not offer STARTTLS`,
      detail:
        'Mail to your domain travels unencrypted between servers, readable on the way.',
      evidence,
      fix: 'Turn on TLS at your mail provider (every major provider supports STARTTLS), or move mail to one that does.',
    }
  }
  return {
    status: 'pass',
    severity: 'info',
    title: `${domain} receives mail on ${exchangers.length} server(s), with STARTTLS`,
    detail: exchangers.map((x) => `${x.priority} ${x.host}`).join(', ') + '.',
    evidence,
  }
}

function noMx(domain: string, error: DnsError): Verdict {
  if (error.isAbsent) {
    return {
      status: 'fail',
      severity: 'high',
      title: `${domain} has no MX records`,
      detail: `${error.reason}: mail to addresses at ${domain} is bounced or falls back to its web server.`,
      evidence: { error: error.reason },
      fix:
        'Add the MX records your mail provider gives you (for Google Workspace: 1 smtp.google.com.), or a null MX if the domain should receive no mail:\n  ' +
        `${domain}. 3600 IN MX 0 .`,
    }
  }
  return {
    status: 'error',
    severity: 'medium',
    title: `Could not look up the MX records of ${domain}`,
    detail: `${error.message}.`,
    evidence: { error: error.reason },
    fix: 'Check that DNS answers from this computer, then run the check again.',
  }
}
