import { isIP } from 'node:net'
import { checkInfo } from '../../shared/catalogue'
import { LaunchReadyError, messageOf } from '../errors'
import { DnsError, Resolver } from '../net/resolver'
import { finding, type Check, type CheckContext, type Verdict } from './check'

const info = checkInfo('dns.nameservers')!

/** What one authoritative server said when asked directly. */
interface ServerAnswer {
  readonly nameserver: string
  readonly address?: string
  readonly serial?: number
  readonly apex?: readonly string[]
  readonly error?: string
}

/**
 * dns.nameservers: every nameserver the domain delegates to answers for
 * it when asked directly, and they all serve the same zone version (SOA
 * serial) and the same apex addresses.
 */
export const nameservers: Check = {
  info,
  targets: (workspace) => [workspace.domain],
  async run(domain, context) {
    let names: string[]
    try {
      names = (await context.net.resolver.query(domain, 'NS')).sort()
    } catch (error) {
      if (!(error instanceof DnsError)) throw error
      return [finding(info, domain, noNameservers(domain, error))]
    }
    const answers = await Promise.all(
      names.map((ns) => ask(ns, domain, context)),
    )
    return [finding(info, domain, judge(domain, answers))]
  },
}

async function ask(
  nameserver: string,
  domain: string,
  context: CheckContext,
): Promise<ServerAnswer> {
  let address: string
  try {
    const [first] = await context.net.resolver.addresses(nameserver)
    address = first!.address
  } catch (error) {
    return {
      nameserver,
      error: `its address does not resolve (${reasonOf(error)})`,
    }
  }
  const port = context.net.dnsPort
  const server =
    isIP(address) === 6 ? `[${address}]:${port}` : `${address}:${port}`
  const direct = new Resolver({
    servers: [server],
    timeoutMs: Math.min(context.net.timeoutMs, 4000),
  })
  try {
    const [soa, apex] = await Promise.all([
      direct.query(domain, 'SOA'),
      direct.query(domain, 'A').catch((error: unknown) => {
        if (error instanceof DnsError && error.isAbsent) return []
        throw error
      }),
    ])
    return {
      nameserver,
      address,
      serial: soa.serial,
      apex: apex.map((r) => r.address).sort(),
    }
  } catch (error) {
    return { nameserver, address, error: reasonOf(error) }
  }
}

function judge(domain: string, answers: readonly ServerAnswer[]): Verdict {
  const evidence = {
    nameservers: answers.map((a) =>
      a.error
        ? `${a.nameserver}${a.address ? ` (${a.address})` : ''}: ${a.error}`
        : `${a.nameserver} (${a.address}): serial ${a.serial}, apex ${a.apex?.join(', ') || 'no A record'}`,
    ),
  }
  const silent = answers.filter((a) => a.error)
  if (silent.length > 0) {
    return {
      status: 'fail',
      severity: 'high',
      title: `${silent.length} of ${answers.length} nameservers of ${domain} do not answer`,
      detail:
        silent.map((a) => `${a.nameserver}: ${a.error}`).join('; ') +
        '. Resolvers that pick it time out, so the site fails for some visitors.',
      evidence,
      fix:
        'Remove nameservers that no longer serve the zone from the delegation at your registrar ' +
        '(and from the NS records), or bring them back. With Cloudflare, the registrar must list ' +
        'exactly the two nameservers Cloudflare assigned.',
    }
  }
  const serials = new Set(answers.map((a) => a.serial))
  const apexes = new Set(answers.map((a) => a.apex?.join(',')))
  if (serials.size > 1 || apexes.size > 1) {
    return {
      status: 'fail',
      severity: 'high',
      title: `The nameservers of ${domain} serve different versions of the zone`,
      detail:
        answers
          .map(
            (a) =>
              `${a.nameserver} has serial ${a.serial} and apex ${a.apex?.join(', ') || 'none'}`,
          )
          .join('; ') +
        '. Visitors get different answers depending on which server their resolver asks.',
      evidence,
      fix:
        'Make every nameserver serve the same zone: check that zone transfers (AXFR/IXFR) ' +
        'from the primary reach each secondary, or that every provider listed has the same ' +
        'records. Remove a provider you no longer use from the delegation.',
    }
  }
  if (answers.length < 2) {
    return {
      status: 'warn',
      severity: 'medium',
      title: `${domain} has a single nameserver`,
      detail:
        'If it goes down, the whole domain stops resolving. Registries expect at least two.',
      evidence,
      fix: 'Add a second nameserver on a different network, or use a DNS provider that gives you two or more.',
    }
  }
  return {
    status: 'pass',
    severity: 'info',
    title: `All ${answers.length} nameservers of ${domain} answer and agree`,
    detail: `Each serves serial ${answers[0]!.serial}.`,
    evidence,
  }
}

function noNameservers(domain: string, error: DnsError): Verdict {
  if (error.isAbsent) {
    return {
      status: 'fail',
      severity: 'blocker',
      title: `${domain} has no nameservers`,
      detail: `${error.reason}: the domain is not delegated, so nothing under it resolves.`,
      evidence: { error: error.reason },
      fix: 'Set the nameservers of your DNS provider at your registrar.',
    }
  }
  return {
    status: 'error',
    severity: 'high',
    title: `Could not look up the nameservers of ${domain}`,
    detail: `${error.message}.`,
    evidence: { error: error.reason },
    fix: 'Check that DNS answers from this computer, then run the check again.',
  }
}

function reasonOf(error: unknown): string {
  return error instanceof LaunchReadyError ? error.reason : messageOf(error)
}
