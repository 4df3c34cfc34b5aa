import nodemailer from 'nodemailer'
import type SMTPTransport from 'nodemailer/lib/smtp-transport'
import type { Workspace } from '../../shared/workspace'

/** The workspace's SMTP account (email.smtp). */
export type SmtpAccount = NonNullable<NonNullable<Workspace['email']>['smtp']>

/** Who mail from the account is from: its sender, else its login. */
export function senderOf(smtp: SmtpAccount, domain: string): string {
  return smtp.from ?? smtp.username ?? `launch-ready@${domain}`
}

/**
 * A transport through the account: connected to the address the
 * workspace's own DNS servers gave (TLS still checks the host's name),
 * trusting the audit's CAs, within its time limit.
 */
export function smtpTransport(
  smtp: SmtpAccount,
  options: {
    readonly password?: string
    /** The host's address; the name, resolved by the system, without it. */
    readonly address?: string
    readonly ca?: readonly string[]
    readonly timeoutMs: number
    /** nodemailer's logger, for a transcript. */
    readonly logger?: SMTPTransport.Options['logger']
  },
) {
  return nodemailer.createTransport({
    host: options.address ?? smtp.host,
    port: smtp.port,
    secure: smtp.security === 'tls',
    requireTLS: smtp.security === 'starttls',
    ignoreTLS: smtp.security === 'none',
    name: 'launch-ready.local',
    auth: smtp.username
      ? { user: smtp.username, pass: options.password ?? '' }
      : undefined,
    tls: {
      servername: smtp.host,
      ...(options.ca ? { ca: [...options.ca] } : {}),
    },
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
    ...(options.logger ? { logger: options.logger, debug: true } : {}),
  })
}
