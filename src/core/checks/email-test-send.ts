import nodemailer from 'nodemailer'
import { checkInfo } from '../../shared/catalogue'
import { secretRefName } from '../../shared/workspace'
import {
  senderOf,
  smtpTransport,
  type SmtpAccount as Smtp,
} from '../email/smtp-account'
import { messageOf } from '../errors'
import { finding, type Check, type CheckContext, type Verdict } from './check'
import { MissingSecretError } from './endpoints'

const info = checkInfo('email.test-send')!

/** The two messages a shop's admin sends most and can least afford to lose. */
export function sampleMessages(from: string, to: string, domain: string) {
  return [
    {
      kind: 'password reset',
      from,
      to,
      subject: `[Test] Reset your ${domain} admin password`,
      text:
        'Someone asked to reset the password of your admin account.\n\n' +
        `Reset it here: https://${domain}/reset/TEST-ONLY-not-a-real-link\n\n` +
        'If it was not you, ignore this message.\n\n' +
        '(A test message sent by Launch Ready to check that mail is delivered.)',
    },
    {
      kind: 'order alert',
      from,
      to,
      subject: '[Test] New order SO-TEST: 2 items, 48.00',
      text:
        'A new order needs packing.\n\nOrder: SO-TEST\nItems: 2\nTotal: 48.00\n\n' +
        '(A test message sent by Launch Ready to check that mail is delivered.)',
    },
  ]
}

/**
 * email.test-send: a password reset and an order alert go out through
 * the workspace's SMTP account, with the password from the keychain. The
 * SMTP conversation is kept as evidence, credentials masked. It sends
 * real mail, so it runs only when asked for.
 */
export const emailTestSend: Check = {
  info,
  targets: (workspace) =>
    workspace.email?.smtp && workspace.email.testRecipient
      ? [workspace.email.testRecipient]
      : [],
  async run(recipient, context) {
    const smtp = context.workspace.email!.smtp!
    let password: string | undefined
    try {
      password = await smtpPassword(smtp, context)
    } catch (error) {
      if (!(error instanceof MissingSecretError)) throw error
      return [finding(info, recipient, noPassword(smtp, error))]
    }
    return [
      finding(info, recipient, await send(smtp, password, recipient, context)),
    ]
  },
}

async function smtpPassword(
  smtp: Smtp,
  context: CheckContext,
): Promise<string | undefined> {
  const name = smtp.password ? secretRefName(smtp.password) : undefined
  if (!name) return undefined
  if (!context.vault)
    throw new MissingSecretError(name, 'no keychain is available to this audit')
  const value = await context.vault.get(name).catch((error: unknown) => {
    throw new MissingSecretError(name, messageOf(error))
  })
  if (value === undefined)
    throw new MissingSecretError(name, 'it is not in the keychain yet')
  return value
}

async function send(
  smtp: Smtp,
  password: string | undefined,
  to: string,
  context: CheckContext,
): Promise<Verdict> {
  const transcript: string[] = []
  const from = senderOf(smtp, context.workspace.domain)
  const [address] = await context.net.resolver
    .addresses(smtp.host)
    .catch(() => [undefined])
  const transport = smtpTransport(smtp, {
    password,
    address: address?.address,
    ca: context.net.ca,
    timeoutMs: context.net.timeoutMs,
    logger: transcriptLogger(transcript, password),
  })
  const sent: string[] = []
  const messages: string[] = []
  try {
    for (const message of sampleMessages(from, to, context.workspace.domain)) {
      const raw = await compose(message)
      const result = await transport.sendMail({
        envelope: { from: message.from, to: message.to },
        raw,
      })
      const text = raw.toString('utf8')
      messages.push(text)
      // The ID the message carries; nodemailer's own is made up for raw sends.
      const id = /^Message-ID: (<[^>]+>)$/im.exec(text)?.[1]
      sent.push(
        `${message.kind}: ${result.response} (${id ?? 'no Message-ID'})`,
      )
    }
  } catch (error) {
    return {
      status: 'fail',
      severity: 'high',
      title: `Test mail to ${to} could not be sent`,
      detail:
        `${describeSmtpError(error, smtp)} ${sent.length ? `${sent.length} message(s) went out first.` : ''}`.trim(),
      evidence: {
        server: `${smtp.host}:${smtp.port} (${smtp.security})`,
        sent,
        messages,
        transcript: redact(transcript, password),
      },
      fix: smtpFix(error, smtp),
    }
  } finally {
    transport.close()
  }
  return {
    status: 'pass',
    severity: 'info',
    title: `A password reset and an order alert went out to ${to}`,
    detail: `${smtp.host} accepted both. Check that they arrived in the inbox, not in spam.`,
    evidence: {
      server: `${smtp.host}:${smtp.port} (${smtp.security})`,
      sent,
      messages,
      transcript: redact(transcript, password),
    },
  }
}

/**
 * The message as it goes on the wire — headers, Message-ID, MIME — so the
 * evidence shows exactly the bytes the server accepted, not a summary.
 */
async function compose(
  message: ReturnType<typeof sampleMessages>[number],
): Promise<Buffer> {
  const composer = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'unix',
  })
  const { message: raw } = await composer.sendMail({
    from: message.from,
    to: message.to,
    subject: message.subject,
    text: message.text,
  })
  return raw as Buffer
}

/** nodemailer's logger, kept as lines; it masks AUTH itself, we check. */
function transcriptLogger(lines: string[], password: string | undefined) {
  const add = (_entry: unknown, message: string, ...args: unknown[]) => {
    const text = args.length
      ? `${message} ${args.map(String).join(' ')}`
      : message
    for (const line of text.split('\n')) {
      if (line.trim() && lines.length < 400)
        lines.push(redactLine(line, password))
    }
  }
  return {
    level: () => {},
    trace: add,
    debug: add,
    info: add,
    warn: add,
    error: add,
    fatal: add,
  }
}

function redact(
  lines: readonly string[],
  password: string | undefined,
): string[] {
  return lines.map((l) => redactLine(l, password))
}

/** Masks the password, and anything after an AUTH command or a 334 challenge. */
function redactLine(line: string, password: string | undefined): string {
  let safe = password ? line.split(password).join('•••') : line
  safe = safe.replace(/(AUTH\s+(PLAIN|LOGIN|XOAUTH2))\s+\S+.*$/i, '$1 •••')
  if (password)
    safe = safe.split(Buffer.from(password).toString('base64')).join('•••')
  return safe
}

function describeSmtpError(error: unknown, smtp: Smtp): string {
  const e = error as {
    code?: string
    responseCode?: number
    response?: string
    message?: string
  }
  if (e.code === 'EAUTH')
    return `${smtp.host} refused the login for ${smtp.username} (${e.response ?? e.message}).`
  if (e.code === 'ECONNECTION' || e.code === 'ESOCKET')
    return `Could not connect to ${smtp.host}:${smtp.port}: ${e.message}.`
  if (e.code === 'ETIMEDOUT')
    return `${smtp.host}:${smtp.port} did not answer in time.`
  if (e.code === 'EENVELOPE' || e.responseCode)
    return `${smtp.host} refused the message: ${e.response ?? e.message}.`
  return `${messageOf(error)}.`
}

function smtpFix(error: unknown, smtp: Smtp): string {
  const code = (error as { code?: string }).code
  if (code === 'EAUTH')
    return `Check the username and replace the password of "${smtp.password ? secretRefName(smtp.password) : 'the SMTP account'}" on the Credentials screen (many providers need an app password or API key, not the account password).`
  if (code === 'ECONNECTION' || code === 'ESOCKET' || code === 'ETIMEDOUT')
    return `Check email.smtp.host and port (${smtp.port}); port 587 with STARTTLS or 465 with TLS are the usual ones, and some networks block outgoing SMTP.`
  return `Check that ${smtp.from ?? 'the sender address'} is an address your provider lets this account send from.`
}

function noPassword(smtp: Smtp, error: MissingSecretError): Verdict {
  return {
    status: 'error',
    severity: 'medium',
    title: `No password to log in to ${smtp.host}`,
    detail: `${error.message}.`,
    evidence: { server: `${smtp.host}:${smtp.port}` },
    fix: `Add "${error.secret}" on the Credentials screen, or headless set LAUNCH_READY_SECRET_${error.secret.toUpperCase().replace(/[^A-Z0-9]/g, '_')}.`,
  }
}
