import { generateKeyPair } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { promisify } from 'node:util'
import type { DnsRecord } from './dns'
import { startMailControl } from './mail-control'
import {
  DKIM_SELECTOR,
  domainsServedBy,
  SMTP_USERNAME,
  type MailHostKind,
} from './mail-plan'
import type { Mailbox } from './mailbox'
import { WORLD_DOMAIN } from './plan'
import {
  startReceiver,
  startStallingMx,
  startSubmission,
  type SmtpTls,
  type Stoppable,
} from './smtp'

/**
 * Starting the world's mail: the DKIM keys it signs with and publishes,
 * and the SMTP servers and mail control, as start functions the world
 * runs beside its others. The MTA-STS hosts are nginx sites, which
 * world.ts gives the edge.
 */

const generate = promisify(generateKeyPair)

/** The DKIM keys of one world, made fresh at every start. */
export interface DkimKeys {
  /** shop.test's s1 key, which the broken domains publish too. */
  readonly rsa2048: {
    /** Base64 DER SubjectPublicKeyInfo: the p= tag's value. */
    readonly publicKey: string
    /** PKCS#8 PEM: what the submission server signs with. */
    readonly privateKey: string
  }
  /** dkim-weak.test's key; its private half is thrown away. */
  readonly rsa1024: { readonly publicKey: string }
}

/** Makes both keys side by side (about 0.1–0.5 s for the 2048-bit one). */
export async function createDkimKeys(): Promise<DkimKeys> {
  const [strong, weak] = await Promise.all([rsaKey(2048), rsaKey(1024)])
  return { rsa2048: strong, rsa1024: { publicKey: weak.publicKey } }
}

async function rsaKey(modulusLength: number) {
  const { publicKey, privateKey } = await generate('rsa', {
    modulusLength,
    publicKeyEncoding: { type: 'spki', format: 'der' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  })
  return { publicKey: publicKey.toString('base64'), privateKey }
}

/** A mail host as placed on the world's addresses. */
export interface PlacedMailHost {
  readonly name: string
  readonly kind: MailHostKind
  /** Where its SMTP server listens (the address DNS gives). */
  readonly address: string
  /** PEM files of its certificate: what it sends, and the key. */
  readonly tls?: { readonly cert: string; readonly key: string }
}

/** What starting the mail servers needs. */
export interface MailInputs {
  readonly hosts: readonly PlacedMailHost[]
  readonly smtpPort: number
  readonly submissionPort: number
  /** The world's first DNS server, "address:port". */
  readonly resolver: string
  /** The root CA (PEM). */
  readonly ca: string
  readonly keys: DkimKeys
  readonly password: string
  /** Every mail record of the world: whom each MX takes mail for. */
  readonly records: readonly DnsRecord[]
  readonly mailbox: Mailbox
  readonly control: { readonly address: string; readonly port: number }
}

/** One start function per SMTP server, and one for the mail control. */
export function mailStarts(inputs: MailInputs): (() => Promise<Stoppable>)[] {
  const smtp = inputs.hosts.flatMap((host) => {
    const start = startFor(host, inputs)
    return start ? [start] : []
  })
  const control = () =>
    startMailControl({ ...inputs.control, mailbox: inputs.mailbox })
  return [...smtp, control]
}

/** How `host` is started; undefined for the hosts nginx serves. */
function startFor(
  host: PlacedMailHost,
  inputs: MailInputs,
): (() => Promise<Stoppable>) | undefined {
  const { address, name } = host
  const receiver = async () =>
    startReceiver({
      name,
      address,
      port: inputs.smtpPort,
      tls: host.tls && (await readTls(host.tls)),
      domains: domainsServedBy(name, inputs.records),
      resolver: inputs.resolver,
      mailbox: inputs.mailbox,
    })
  switch (host.kind) {
    case 'mx':
    case 'mx-plain':
      return receiver
    case 'mx-stall':
      return () => startStallingMx({ name, address, port: inputs.smtpPort })
    case 'submission':
      return async () =>
        startSubmission({
          name,
          address,
          port: inputs.submissionPort,
          tls: await readTls(host.tls!),
          username: SMTP_USERNAME,
          password: inputs.password,
          dkim: {
            domain: WORLD_DOMAIN,
            selector: DKIM_SELECTOR,
            privateKey: inputs.keys.rsa2048.privateKey,
          },
          smtpPort: inputs.smtpPort,
          resolver: inputs.resolver,
          ca: inputs.ca,
        })
    case 'mta-sts':
    case 'mta-sts-missing':
      return undefined
  }
}

async function readTls(files: {
  readonly cert: string
  readonly key: string
}): Promise<SmtpTls> {
  const [cert, key] = await Promise.all([
    readFile(files.cert, 'utf8'),
    readFile(files.key, 'utf8'),
  ])
  return { cert, key }
}

/** True for the hosts that serve over SMTP TLS or HTTPS: they need a certificate. */
export function needsCertificate(kind: MailHostKind): boolean {
  return kind !== 'mx-plain' && kind !== 'mx-stall'
}

/** True for the hosts nginx serves (HTTP and HTTPS). */
export function isWebHost(kind: MailHostKind): boolean {
  return kind === 'mta-sts' || kind === 'mta-sts-missing'
}
