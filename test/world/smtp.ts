import { createHash, timingSafeEqual } from 'node:crypto'
import { Resolver } from 'node:dns/promises'
import { createServer, type Socket } from 'node:net'
import { authenticate, dkimSign, type AuthenticateResult } from 'mailauth'
import nodemailer from 'nodemailer'
import {
  SMTPServer,
  type SMTPServerAddress,
  type SMTPServerDataStream,
  type SMTPServerOptions,
  type SMTPServerSession,
} from 'smtp-server'
import { closeServer, listen, trackConnections } from './listen'
import {
  addressIn,
  headerSection,
  headerValue,
  type Mailbox,
  type ReceivedMail,
} from './mailbox'

/**
 * The world's SMTP servers, in the process that started the world: MX
 * receivers (smtp-server) that judge each message with mailauth, the
 * provider's submission server that signs with DKIM and relays, and an
 * MX that greets and then stalls. Every DNS question they ask goes to
 * the world's own server, never the system's.
 */

/** A running server. */
export interface Stoppable {
  stop(): Promise<void>
}

/** PEM key and certificate chain for STARTTLS. */
export interface SmtpTls {
  readonly key: string
  readonly cert: string
}

/** The largest message the servers take (RFC 1870 SIZE). */
const MAX_MESSAGE_BYTES = 10 * 1024 * 1024
/** How long stop() lets a session finish before it is cut. */
const CLOSE_TIMEOUT_MS = 200
/** What the greeting says after the host name. */
const BANNER = 'Launch Ready test world'

/** A resolver that asks the world's server alone ("address:port"). */
export function worldResolver(endpoint: string): Resolver {
  const resolver = new Resolver({ timeout: 2000, tries: 2 })
  resolver.setServers([endpoint])
  return resolver
}

/**
 * mailauth's resolver: dns.resolve's shape, answered by `resolver`. The
 * world's servers refuse names outside its zones, where the real DNS
 * would say NXDOMAIN — as for _dmarc.test, which a DMARC tree walk asks
 * (RFC 9989 section 4.10) — so a refusal is passed on as ENOTFOUND.
 */
export function mailauthResolver(resolver: Resolver) {
  return async (name: string, type: string) => {
    try {
      return (await resolver.resolve(name, type)) as string[][] | string[]
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code !== 'EREFUSED') throw error
      throw Object.assign(new Error(`${name} is outside the world`), {
        code: 'ENOTFOUND',
      })
    }
  }
}

/** An error whose message smtp-server sends with `code`. */
function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code })
}

/** The domain of an address, lower case. */
function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase()
}

/** Reads a DATA stream to its end; refuses one over the SIZE limit. */
async function readMessage(stream: SMTPServerDataStream): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk)
  if (stream.sizeExceeded) {
    throw smtpError(552, '5.3.4 Message exceeds the size limit')
  }
  return Buffer.concat(chunks)
}

/** Options every smtp-server of the world shares. */
function baseOptions(name: string): SMTPServerOptions {
  return {
    name,
    banner: BANNER,
    logger: false,
    size: MAX_MESSAGE_BYTES,
    closeTimeout: CLOSE_TIMEOUT_MS,
    // The reverse lookup would ask the system's resolver, off loopback.
    disableReverseLookup: true,
  }
}

/**
 * Listens with `server` on address:port; stop() ends the sessions still
 * open (after CLOSE_TIMEOUT_MS) and the listener.
 */
async function serve(
  server: SMTPServer,
  address: string,
  port: number,
  name: string,
): Promise<Stoppable> {
  // A client that resets mid-session is its own business; without a
  // listener, smtp-server's 'error' event would end the process.
  server.on('error', () => {})
  const dropAll = trackConnections(server.server)
  const stop = () =>
    new Promise<void>((resolve) =>
      server.close(() => {
        dropAll()
        resolve()
      }),
    )
  try {
    await listen(server.server, address, port, name)
  } catch (error) {
    await stop()
    throw error
  }
  let stopping: Promise<void> | undefined
  return { stop: () => (stopping ??= stop()) }
}

/** One MX receiver. */
export interface ReceiverOptions {
  readonly name: string
  readonly address: string
  readonly port: number
  /** For STARTTLS; without it STARTTLS is not offered at all. */
  readonly tls?: SmtpTls
  /** Domains it takes mail for; other recipients get 550. */
  readonly domains: readonly string[]
  /** The world's DNS server, "address:port". */
  readonly resolver: string
  readonly mailbox: Mailbox
}

/**
 * An MX: takes mail for its domains, without AUTH, and runs mailauth's
 * authenticate() on each message with the client's address, EHLO name
 * and MAIL FROM as it saw them, then files it with the verdicts.
 */
export function startReceiver(options: ReceiverOptions): Promise<Stoppable> {
  const resolver = worldResolver(options.resolver)
  const domains = new Set(options.domains.map((d) => d.toLowerCase()))
  const server = new SMTPServer({
    ...baseOptions(options.name),
    ...(options.tls ?? {}),
    disabledCommands: options.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    authOptional: true,
    onRcptTo: (address, _session, callback) =>
      callback(
        domains.has(domainOf(address.address))
          ? undefined
          : smtpError(
              550,
              `5.1.1 ${options.name} takes no mail for that domain`,
            ),
      ),
    onData: (stream, session, callback) => {
      receive(stream, session, options, resolver).then(
        () => callback(),
        (error: Error) => callback(error),
      )
    },
  })
  return serve(server, options.address, options.port, `the MX ${options.name}`)
}

async function receive(
  stream: SMTPServerDataStream,
  session: SMTPServerSession,
  options: ReceiverOptions,
  resolver: Resolver,
): Promise<void> {
  const message = await readMessage(stream)
  const mailFrom = senderOf(session)
  const verdicts = await authenticate(message, {
    ip: session.remoteAddress,
    helo: session.hostNameAppearsAs,
    sender: mailFrom,
    mta: options.name,
    resolver: mailauthResolver(resolver),
    disableArc: true,
    disableBimi: true,
  })
  options.mailbox.add(filed(message, session, options.name, verdicts))
}

function senderOf(session: SMTPServerSession): string {
  const from = session.envelope.mailFrom
  return from ? from.address : ''
}

/** The record of one message. */
function filed(
  message: Buffer,
  session: SMTPServerSession,
  receivedBy: string,
  verdicts: AuthenticateResult,
): ReceivedMail {
  const headers = headerSection(message)
  return {
    receivedBy,
    clientAddress: session.remoteAddress,
    helo: session.hostNameAppearsAs,
    tls: session.secure,
    mailFrom: senderOf(session),
    to: session.envelope.rcptTo.map((r: SMTPServerAddress) => r.address),
    from: addressIn(headerValue(headers, 'From')),
    subject: headerValue(headers, 'Subject'),
    messageId: headerValue(headers, 'Message-ID'),
    spf: verdicts.spf ? verdicts.spf.status.result : 'none',
    dkim: verdicts.dkim.results[0]?.status.result ?? 'none',
    dmarc: verdicts.dmarc ? verdicts.dmarc.status.result : 'none',
    authenticationResults: verdicts.headers,
    headers,
    receivedAt: new Date().toISOString(),
  }
}

/** The provider's submission server. */
export interface SubmissionOptions {
  readonly name: string
  readonly address: string
  readonly port: number
  readonly tls: SmtpTls
  readonly username: string
  readonly password: string
  /** DKIM: d=, s= and the private key (PEM). */
  readonly dkim: {
    readonly domain: string
    readonly selector: string
    readonly privateKey: string
  }
  /** The port MX hosts listen on. */
  readonly smtpPort: number
  /** The world's DNS server, "address:port". */
  readonly resolver: string
  /** The world's root CA (PEM): what the relay trusts. */
  readonly ca: string
}

/**
 * The submission server: AUTH PLAIN or LOGIN, only after STARTTLS, as
 * `username` alone, sending as `username` alone. Each message is
 * DKIM-signed and relayed before DATA is answered, so a client's 250
 * means the MX has it (and its verdicts are filed) already.
 */
export function startSubmission(
  options: SubmissionOptions,
): Promise<Stoppable> {
  const resolver = worldResolver(options.resolver)
  const server = new SMTPServer({
    ...baseOptions(options.name),
    ...options.tls,
    authMethods: ['PLAIN', 'LOGIN'],
    // RFC 8314 section 3.3 / RFC 4954 section 4: no credentials in clear.
    // smtp-server would still list AUTH before STARTTLS; like Postfix's
    // smtpd_tls_auth_only, it is offered only once the session is secure.
    allowInsecureAuth: false,
    onConnect: (session, callback) => {
      session.disabledCommands = ['AUTH']
      callback()
    },
    onSecure: (_socket, session, callback) => {
      session.disabledCommands = []
      callback()
    },
    onAuth: (auth, _session, callback) =>
      isAccount(options, auth.username ?? '', auth.password ?? '')
        ? callback(null, { user: options.username })
        : callback(smtpError(535, '5.7.8 Authentication credentials invalid')),
    onMailFrom: (address, session, callback) =>
      callback(senderProblem(options, address, session)),
    onRcptTo: (address, _session, callback) => {
      exchangeOf(resolver, domainOf(address.address)).then(
        () => callback(),
        (error: Error) => callback(error),
      )
    },
    onData: (stream, session, callback) => {
      submit(stream, session, options, resolver).then(
        (reply) => callback(null, reply),
        (error: Error) => callback(error),
      )
    },
  })
  return serve(server, options.address, options.port, `the submission server`)
}

/**
 * Why MAIL FROM is refused, or undefined. smtp-server asks for AUTH only
 * while AUTH is on offer, and it is not before STARTTLS, so the account
 * is checked here too.
 */
function senderProblem(
  options: SubmissionOptions,
  address: SMTPServerAddress,
  session: SMTPServerSession,
): Error | undefined {
  if (!session.user) {
    return smtpError(530, '5.7.0 Authentication required: STARTTLS, then AUTH')
  }
  if (address.address.toLowerCase() !== options.username.toLowerCase()) {
    return smtpError(
      553,
      `5.7.1 Sender not allowed: send as ${options.username}`,
    )
  }
  return undefined
}

/** Compares digests, so neither the time taken nor a length says much. */
function isAccount(
  options: SubmissionOptions,
  username: string,
  password: string,
): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest()
  const userOk = username.toLowerCase() === options.username.toLowerCase()
  return timingSafeEqual(digest(password), digest(options.password)) && userOk
}

async function submit(
  stream: SMTPServerDataStream,
  session: SMTPServerSession,
  options: SubmissionOptions,
  resolver: Resolver,
): Promise<string> {
  const message = await readMessage(stream)
  const signed = await sign(message, options)
  const to = session.envelope.rcptTo.map((r: SMTPServerAddress) => r.address)
  await relay(signed, senderOf(session), to, options, resolver)
  return `2.0.0 Relayed to ${to.length} recipient(s)`
}

/** Prepends a DKIM-Signature (RFC 6376, relaxed/relaxed). */
async function sign(
  message: Buffer,
  options: SubmissionOptions,
): Promise<Buffer> {
  const signer = {
    signingDomain: options.dkim.domain,
    selector: options.dkim.selector,
    privateKey: options.dkim.privateKey,
    canonicalization: 'relaxed/relaxed',
  }
  // mailauth signs once per signatureData entry and with none otherwise;
  // its types list only the top-level fields, which act as defaults.
  const { signatures, errors } = await dkimSign(message, {
    ...signer,
    signatureData: [signer],
  })
  if (errors.length > 0 || !signatures) {
    const reason = errors[0]?.err.message ?? 'no signature'
    throw smtpError(451, `4.3.0 Could not sign the message: ${reason}`)
  }
  return Buffer.concat([Buffer.from(signatures), message])
}

/** The MX host and address mail for `domain` goes to. */
interface Exchange {
  readonly host: string
  readonly address: string
}

/**
 * The most preferred MX of `domain` and its address, from the world's
 * DNS (RFC 5321 section 5.1). A domain without one gets 550: the world
 * relays to its own domains only.
 */
async function exchangeOf(
  resolver: Resolver,
  domain: string,
): Promise<Exchange> {
  try {
    const records = await resolver.resolveMx(domain)
    const [best] = records.sort((a, b) => a.priority - b.priority)
    if (!best) throw new Error('no MX')
    const [address] = await resolver.resolve4(best.exchange)
    return { host: best.exchange, address: address! }
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'no MX'
    throw smtpError(550, `5.1.2 Cannot relay to ${domain} (${reason})`)
  }
}

/** Delivers to each recipient's MX, one transaction per exchange. */
async function relay(
  message: Buffer,
  from: string,
  to: readonly string[],
  options: SubmissionOptions,
  resolver: Resolver,
): Promise<void> {
  const byHost = new Map<string, { exchange: Exchange; to: string[] }>()
  for (const recipient of to) {
    const exchange = await exchangeOf(resolver, domainOf(recipient))
    const group = byHost.get(exchange.host) ?? { exchange, to: [] }
    group.to.push(recipient)
    byHost.set(exchange.host, group)
  }
  for (const { exchange, to: recipients } of byHost.values()) {
    await deliver(message, from, recipients, exchange, options)
  }
}

/**
 * One SMTP transaction with an MX, from the submission server's own
 * address (so SPF sees it) with STARTTLS whenever offered, its
 * certificate checked against the world's CA.
 */
async function deliver(
  message: Buffer,
  from: string,
  to: readonly string[],
  exchange: Exchange,
  options: SubmissionOptions,
): Promise<void> {
  const transport = nodemailer.createTransport({
    host: exchange.address,
    port: options.smtpPort,
    servername: exchange.host,
    name: options.name,
    localAddress: options.address,
    tls: { ca: options.ca },
    connectionTimeout: 5000,
    greetingTimeout: 5000,
    socketTimeout: 10_000,
  })
  try {
    await transport.sendMail({ envelope: { from, to: [...to] }, raw: message })
  } catch (error) {
    const reason = (error as Error).message
    throw smtpError(451, `4.4.0 ${exchange.host} did not take it: ${reason}`)
  } finally {
    transport.close()
  }
}

/** An MX that greets and then says nothing more. */
export interface StallOptions {
  readonly name: string
  readonly address: string
  readonly port: number
}

/**
 * Sends "220 NAME ESMTP" and then reads and ignores whatever comes: an
 * EHLO waits for ever, as it does at a server whose workers are stuck.
 */
export async function startStallingMx(
  options: StallOptions,
): Promise<Stoppable> {
  const server = createServer((socket: Socket) => {
    socket.on('error', () => {})
    socket.write(`220 ${options.name} ESMTP ${BANNER}\r\n`)
    socket.resume()
  })
  const dropAll = trackConnections(server)
  const stop = async () => {
    dropAll()
    await closeServer(server)
  }
  try {
    await listen(
      server,
      options.address,
      options.port,
      `the MX ${options.name}`,
    )
  } catch (error) {
    await stop()
    throw error
  }
  return { stop }
}
