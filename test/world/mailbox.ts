/**
 * What the world's mail receivers took, with the verdicts mailauth gave
 * each message, so a test can see whether mail sent through the shop's
 * provider arrived authenticated.
 */

/**
 * A result keyword of RFC 8601 section 2.7 ("pass", "fail", "softfail",
 * "neutral", "none", "temperror", "permerror", "policy"), as mailauth
 * reports it.
 */
export type AuthResult = string

/** One message a receiver of the world took. */
export interface ReceivedMail {
  /** The receiver that took it: "mx.shop.test". */
  readonly receivedBy: string
  /** The address the client connected from: what SPF judged. */
  readonly clientAddress: string
  /** The name the client gave in EHLO/HELO. */
  readonly helo: string
  /** Whether the session had switched to TLS (STARTTLS) before DATA. */
  readonly tls: boolean
  /** The envelope sender (MAIL FROM); '' for a bounce. */
  readonly mailFrom: string
  /** The envelope recipients (RCPT TO) this receiver took. */
  readonly to: readonly string[]
  /** The address in the From header. */
  readonly from: string
  readonly subject: string
  readonly messageId: string
  /** SPF of the envelope sender (RFC 7208). */
  readonly spf: AuthResult
  /** The first DKIM signature's result; "none" when unsigned (RFC 6376). */
  readonly dkim: AuthResult
  /** DMARC of the From domain (RFC 7489). */
  readonly dmarc: AuthResult
  /** The Authentication-Results header mailauth wrote (RFC 8601). */
  readonly authenticationResults: string
  /** The message's header section as it arrived. */
  readonly headers: string
  /** ISO 8601. */
  readonly receivedAt: string
}

/** Messages kept at most; the oldest go first (`npm run world` runs long). */
export const MAILBOX_LIMIT = 500

/** The messages every receiver of one world took, oldest first. */
export class Mailbox {
  private readonly messages: ReceivedMail[] = []

  add(mail: ReceivedMail): void {
    this.messages.push(mail)
    if (this.messages.length > MAILBOX_LIMIT) this.messages.shift()
  }

  list(): ReceivedMail[] {
    return [...this.messages]
  }

  clear(): void {
    this.messages.length = 0
  }
}

/** The header section of a message: everything before the first blank line. */
export function headerSection(message: Buffer): string {
  const text = message.toString('utf8')
  const end = text.search(/\r?\n\r?\n/)
  return end < 0 ? text : text.slice(0, end)
}

/**
 * The first field called `name`, unfolded (RFC 5322 section 2.2.3), or
 * ''. Encoded words (RFC 2047) are left as they came.
 */
export function headerValue(headers: string, name: string): string {
  const wanted = `${name.toLowerCase()}:`
  const line = headers
    .replace(/\r?\n[ \t]+/g, ' ')
    .split(/\r?\n/)
    .find((l) => l.toLowerCase().startsWith(wanted))
  return line?.slice(wanted.length).trim() ?? ''
}

/** The address in "Name <a@b>" or a bare "a@b". */
export function addressIn(value: string): string {
  return (/<([^>]*)>/.exec(value)?.[1] ?? value).trim()
}
