import {
  senderOf,
  smtpTransport,
  type SmtpAccount as Smtp,
} from '../../email/smtp-account'
import { messageOf } from '../../errors'
import { alertLines, type Alert } from './alert'
import { DeliveryError, type AlertChannel } from './channel'

/**
 * Alerts by email through the workspace's SMTP account (email.smtp), its
 * password read from the vault. The Message-ID comes from the alert's
 * key, so a repeat delivery threads as the same message.
 */
export function emailChannel(options: {
  readonly name: string
  readonly smtp: Smtp
  readonly to: readonly string[]
  readonly domain: string
  /** The SMTP password, read from the vault when a message goes out. */
  readonly password: () => Promise<string | undefined>
  /** Certificates to trust (the workspace's extra CA included). */
  readonly ca?: readonly string[]
  /** The SMTP host's address, from the workspace's DNS servers. */
  readonly address?: (host: string) => Promise<string | undefined>
  readonly timeoutMs: number
}): AlertChannel {
  const { smtp } = options
  const from = senderOf(smtp, options.domain)
  return {
    name: options.name,
    kind: 'email',
    async send(alert, signal) {
      const password = smtp.password ? await options.password() : undefined
      if (smtp.password && password === undefined) {
        throw new DeliveryError(
          options.name,
          `the SMTP password (${smtp.password}) is not in the keychain`,
          false,
        )
      }
      const address = await options.address?.(smtp.host).catch(() => undefined)
      const transport = smtpTransport(smtp, {
        password,
        address,
        ca: options.ca,
        timeoutMs: options.timeoutMs,
      })
      const onAbort = () => transport.close()
      signal.addEventListener('abort', onAbort, { once: true })
      try {
        await transport.sendMail(message(alert, from, options.to))
      } catch (error) {
        throw new DeliveryError(options.name, smtpReason(error), true, {
          cause: error,
        })
      } finally {
        signal.removeEventListener('abort', onAbort)
        transport.close()
      }
    },
  }
}

function message(alert: Alert, from: string, to: readonly string[]) {
  const id = alert.key.replace(/[^\w.-]/g, '.')
  return {
    from,
    to: [...to],
    subject: `[${alert.site}] ${alert.title}`,
    text: alertLines(alert).join('\n') + '\n',
    messageId: `<${id}@launch-ready.local>`,
    headers: { 'X-Launch-Ready-Alert': alert.key },
  }
}

/** nodemailer's error without its transport noise. */
function smtpReason(error: unknown): string {
  const e = error as { code?: string; response?: string }
  if (e.response) return `the server said ${JSON.stringify(e.response)}`
  if (e.code === 'EAUTH') return 'the server refused the login'
  return messageOf(error).split('\n')[0] ?? 'unknown error'
}
