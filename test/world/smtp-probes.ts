import { connect, type Socket } from 'node:net'
import tls, { type TLSSocket } from 'node:tls'

/**
 * A bare SMTP client for the world's tests: one command, one reply, on
 * a socket the test holds, with STARTTLS on the same connection. No
 * library in between, so a test sees exactly what a server said — or
 * that it said nothing.
 */

/**
 * One complete reply at the start of `text`: any "NNN-" lines, then the
 * "NNN " (or bare "NNN") line that ends it (RFC 5321 section 4.2.1).
 */
const REPLY = /^(?:\d{3}-[^\r\n]*\r\n)*\d{3}(?: [^\r\n]*)?\r\n/

/** An open SMTP connection. */
export class SmtpConversation {
  private buffer = ''
  private readonly replies: string[] = []
  private wake?: () => void

  /** Settles once the connection has closed, from either end. */
  readonly closed: Promise<void>

  private constructor(private socket: Socket | TLSSocket) {
    this.read(socket)
    // The TCP socket stays underneath after STARTTLS: it closes last.
    this.closed = new Promise((resolve) =>
      socket.once('close', () => resolve()),
    )
  }

  /** Connects; the greeting is the first reply(). */
  static open(
    address: string,
    port: number,
    timeoutMs = 2000,
  ): Promise<SmtpConversation> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: address, port, timeout: timeoutMs })
      socket.once('connect', () => {
        socket.setTimeout(0)
        resolve(new SmtpConversation(socket))
      })
      socket.once('timeout', () => {
        socket.destroy()
        reject(new Error(`timed out connecting to ${address}:${port}`))
      })
      socket.once('error', reject)
    })
  }

  private read(socket: Socket | TLSSocket): void {
    socket.on('error', () => {})
    socket.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('latin1')
      for (let m = REPLY.exec(this.buffer); m; m = REPLY.exec(this.buffer)) {
        this.replies.push(m[0].trimEnd())
        this.buffer = this.buffer.slice(m[0].length)
      }
      this.wake?.()
    })
  }

  /** The next reply, or null when none comes within `timeoutMs`. */
  reply(timeoutMs = 2000): Promise<string | null> {
    return new Promise((resolve) => {
      const done = (reply: string | null) => {
        clearTimeout(timer)
        this.wake = undefined
        resolve(reply)
      }
      const timer = setTimeout(() => done(null), timeoutMs)
      this.wake = () => {
        const next = this.replies.shift()
        if (next !== undefined) done(next)
      }
      this.wake()
    })
  }

  /** Sends one command line and returns its reply (null: none came). */
  command(line: string, timeoutMs?: number): Promise<string | null> {
    this.socket.write(`${line}\r\n`, 'latin1')
    return this.reply(timeoutMs)
  }

  /**
   * After a 220 to STARTTLS: the TLS handshake on the same socket,
   * judged against `ca` for `servername` but not refused, so the test
   * can look at `authorized` itself.
   */
  async startTls(servername: string, ca: string): Promise<TLSSocket> {
    const plain = this.socket
    plain.removeAllListeners('data')
    const secure = tls.connect({
      socket: plain,
      servername,
      ca: [ca],
      rejectUnauthorized: false,
    })
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve)
      secure.once('error', reject)
    })
    this.socket = secure
    this.read(secure)
    return secure
  }

  /** Ends the connection at once. */
  close(): void {
    this.socket.destroy()
  }
}

/** The EHLO keywords of a 250 reply: ["PIPELINING", "STARTTLS", …]. */
export function ehloKeywords(reply: string | null): string[] {
  return (reply ?? '')
    .split('\r\n')
    .slice(1)
    .map((line) => line.slice(4).split(' ')[0]!.toUpperCase())
}
