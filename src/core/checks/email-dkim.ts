import { createPublicKey } from 'node:crypto'
import { checkInfo } from '../../shared/catalogue'
import type { Workspace } from '../../shared/workspace'
import { emailDomain, parseTags, txtRecords } from '../email/records'
import { DnsError } from '../net/resolver'
import { finding, type Check, type CheckContext, type Verdict } from './check'

const info = checkInfo('email.dkim')!

/**
 * Selectors the common providers publish, tried besides the workspace's
 * own: Google Workspace, Microsoft 365, Mailchimp/Mandrill, SendGrid,
 * Postmark, Amazon SES (Easy DKIM uses random tokens and is not listed),
 * Zoho, Fastmail, and the usual defaults.
 */
export const COMMON_SELECTORS: readonly string[] = [
  'google',
  'selector1',
  'selector2',
  'k1',
  'k2',
  'mandrill',
  's1',
  's2',
  'smtpapi',
  'pm',
  'zoho',
  'fm1',
  'fm2',
  'default',
  'dkim',
  'mail',
]

/** PRODUCT.md: RSA under 1024 bits fails, under 2048 warns. */
export const DKIM_MIN_RSA_BITS = 1024
export const DKIM_GOOD_RSA_BITS = 2048

/**
 * email.dkim: every selector the workspace names, and any common
 * provider's selector that exists, publishes a parseable key that is
 * not revoked, not in testing mode, and strong enough (RFC 6376 §3.6.1).
 */
export const emailDkim: Check = {
  info,
  targets: (workspace: Workspace) => [emailDomain(workspace)],
  async run(domain, context) {
    const own = context.workspace.email?.dkimSelectors ?? []
    const selectors = [...new Set([...own, ...COMMON_SELECTORS])]
    const found = await Promise.all(
      selectors.map((s) => lookUp(s, domain, context)),
    )
    const present = found.filter(
      (f) => f.records.length > 0 || f.error || own.includes(f.selector),
    )
    if (
      present.length === 0 ||
      present.every((f) => f.records.length === 0 && !f.error)
    ) {
      return [finding(info, domain, noKeys(domain, own))]
    }
    return present.map((f) =>
      finding(info, `${f.selector}._domainkey.${domain}`, judge(f)),
    )
  },
}

interface Lookup {
  readonly selector: string
  readonly name: string
  readonly records: readonly string[]
  readonly error?: DnsError
}

async function lookUp(
  selector: string,
  domain: string,
  context: CheckContext,
): Promise<Lookup> {
  const name = `${selector}._domainkey.${domain}`
  try {
    const records = (await txtRecords(context.net.resolver, name)).filter((r) =>
      /(^|;)\s*(v\s*=\s*DKIM1|p\s*=)/i.test(r),
    )
    return { selector, name, records }
  } catch (error) {
    if (error instanceof DnsError) return { selector, name, records: [], error }
    throw error
  }
}

function judge(found: Lookup): Verdict {
  const evidence = { name: found.name, records: [...found.records] }
  if (found.error) {
    return {
      status: 'error',
      severity: 'medium',
      title: `Could not look up the DKIM key ${found.name}`,
      detail: `${found.error.message}.`,
      evidence,
    }
  }
  const [record] = found.records
  if (!record) {
    return {
      status: 'fail',
      severity: 'high',
      title: `No DKIM key at ${found.name}`,
      detail: `The workspace names selector "${found.selector}", but nothing is published there, so mail signed with it fails DKIM.`,
      evidence,
      fix: 'Publish the key your mail provider shows for this selector (a TXT or CNAME record), or fix the selector name in the workspace.',
    }
  }
  if (found.records.length > 1) {
    return {
      status: 'fail',
      severity: 'high',
      title: `${found.name} has ${found.records.length} DKIM keys`,
      detail:
        'Receivers cannot tell which one signs; verification fails at random.',
      evidence,
      fix: 'Keep exactly one TXT record at this name.',
    }
  }
  return judgeKey(found.name, record, evidence)
}

function judgeKey(
  name: string,
  record: string,
  evidence: Record<string, unknown>,
): Verdict {
  const { tags } = parseTags(record)
  const keyType = (tags.get('k') ?? 'rsa').toLowerCase()
  const p = (tags.get('p') ?? '').replace(/\s+/g, '')
  const flags = (tags.get('t') ?? '')
    .split(':')
    .map((f) => f.trim().toLowerCase())
  const fixKey =
    'Generate a new key at your mail provider (RSA 2048) and publish the record it gives you.'
  const base = { evidence: evidence as Verdict['evidence'] }
  if (tags.get('v') !== undefined && tags.get('v') !== 'DKIM1') {
    return {
      ...base,
      status: 'fail',
      severity: 'high',
      title: `${name} has the wrong version`,
      detail: `v=${tags.get('v')}; it must be DKIM1 or absent.`,
      fix: fixKey,
    }
  }
  if (p === '') {
    return {
      ...base,
      status: 'fail',
      severity: 'high',
      title: `The DKIM key at ${name} is revoked`,
      detail:
        'It publishes an empty key (p=), so every message signed with it fails DKIM.',
      fix: 'Sign with a current selector, and remove this one from the workspace if it is retired.',
    }
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(p)) {
    return {
      ...base,
      status: 'fail',
      severity: 'high',
      title: `The DKIM key at ${name} is not valid base64`,
      detail:
        'Receivers cannot read it, so every signature fails. Usually a copy-paste broke it (a quote, a line break, a missing part).',
      fix: 'Copy the record again from your mail provider, as one value.',
    }
  }
  let bits: number | undefined
  try {
    const key = createPublicKey({
      key: Buffer.from(p, 'base64'),
      format: 'der',
      type: 'spki',
    })
    bits = key.asymmetricKeyDetails?.modulusLength
  } catch {
    if (keyType === 'rsa') {
      return {
        ...base,
        status: 'fail',
        severity: 'high',
        title: `The DKIM key at ${name} cannot be parsed`,
        detail: 'Its base64 is not an RSA public key.',
        fix: fixKey,
      }
    }
  }
  const testing = flags.includes('y')
  const size = keyType === 'rsa' ? `RSA ${bits} bits` : keyType
  const detailed = { ...evidence, key: size, testing } as Verdict['evidence']
  if (keyType === 'rsa' && bits !== undefined && bits < DKIM_MIN_RSA_BITS) {
    return {
      status: 'fail',
      severity: 'high',
      title: `The DKIM key at ${name} is only ${bits} bits`,
      detail: 'Keys this short can be factored; receivers ignore them.',
      evidence: detailed,
      fix: fixKey,
    }
  }
  if (testing) {
    return {
      status: 'warn',
      severity: 'medium',
      title: `The DKIM key at ${name} is in testing mode`,
      detail:
        't=y asks receivers to treat failures as if the message were unsigned, so DKIM protects nothing yet.',
      evidence: detailed,
      fix: 'Remove t=y from the record once signing works.',
    }
  }
  if (keyType === 'rsa' && bits !== undefined && bits < DKIM_GOOD_RSA_BITS) {
    return {
      status: 'warn',
      severity: 'low',
      title: `The DKIM key at ${name} is ${bits} bits`,
      detail: `It works, but ${DKIM_GOOD_RSA_BITS} bits is the norm now.`,
      evidence: detailed,
      fix: fixKey,
    }
  }
  return {
    status: 'pass',
    severity: 'info',
    title: `${name} publishes a valid ${size} DKIM key`,
    detail: 'Not revoked, not in testing mode.',
    evidence: detailed,
  }
}

function noKeys(domain: string, own: readonly string[]): Verdict {
  return {
    status: 'fail',
    severity: 'high',
    title: `No DKIM key found for ${domain}`,
    detail:
      `None of the selectors tried (${own.length ? `${own.join(', ')} and ` : ''}the common providers') has a key. ` +
      'Without DKIM, DMARC can only rely on SPF, which breaks when mail is forwarded.',
    evidence: { tried: [...new Set([...own, ...COMMON_SELECTORS])] },
    fix: "Turn on DKIM at your mail provider, publish the record it gives you, and add its selector to the workspace's email.dkimSelectors.",
  }
}
