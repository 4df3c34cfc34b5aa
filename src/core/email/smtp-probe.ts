import net from 'node:net'
import { formatSeconds, LaunchReadyError } from '../errors'
import type { LookupFunction } from '../net/resolver'

/** What an SMTP server said when greeted (RFC 5321 §4.2, §4.1.1.1). */
export interface SmtpProbe {
  readonly greeting: string
  readonly extensions: readonly string[]
  readonly starttls: boolean
  readonly timings: {
    readonly connect: number
    readonly greeting: number
    readonly ehlo: number
  }
}

/** A probe that did not complete: where it stopped and why. */
export class SmtpProbeError extends LaunchReadyError {
  override name = 'SmtpProbeError' as const

  constructor(
    readonly host: string,
    readonly stage: 'connect' | 'greeting' | 'ehlo',
    reason: string,
    readonly code?: string,
  ) {
    super(`talk SMTP to ${host}`, reason)
  }
}

export interface SmtpProbeOptions {
  readonly host: string
  readonly port: number
  readonly lookup?: LookupFunction
  readonly timeoutMs?: number
  readonly signal?: AbortSignal
  /** The name we give in EHLO. */
  readonly name?: string
}

/**
 * Connects, reads the greeting, says EHLO, reads the extensions and says
 * QUIT: enough to know a mail server answers and offers STARTTLS,
 * without sending anything. A minimal client by hand, because the
 * libraries send mail rather than stop at EHLO.
 */
export function probeSmtp(options: SmtpProbeOptions): Promise<SmtpProbe> {
  const timeoutMs = options.timeoutMs ?? 10_000
  return new Promise((resolve, reject) => {
    const start = performance.now()
    const marks: number[] = []
    let stage: SmtpProbeError['stage'] = 'connect'
    let buffer = ''
    let greeting = ''
    let settled = false
    const socket = net.connect({
      host: options.host,
      port: options.port,
      lookup: options.lookup,
    })
    const finish = (outcome: SmtpProbe | SmtpProbeError) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
      socket.destroy()
      if (outcome instanceof SmtpProbeError) reject(outcome)
      else resolve(outcome)
    }
    const fail = (reason: string, code?: string) =>
      finish(new SmtpProbeError(options.host, stage, reason, code))
    const timer = setTimeout(() => {
      const waiting =
        stage === 'connect'
          ? 'connecting'
          : stage === 'greeting'
            ? 'waiting for the greeting'
            : 'waiting for the answer to EHLO'
      fail(
        `timed out after ${formatSeconds(timeoutMs)} ${waiting}`,
        'ETIMEDOUT',
      )
    }, timeoutMs)
    const onAbort = () => fail('the audit was cancelled', 'ABORT_ERR')
    options.signal?.addEventListener('abort', onAbort, { once: true })

    socket.setEncoding('utf8')
    socket.once('connect', () => {
      marks.push(performance.now())
      stage = 'greeting'
    })
    socket.on('error', (error: NodeJS.ErrnoException) =>
      fail(error.message, error.code),
    )
    socket.on('close', () => fail('the server closed the connection'))
    socket.on('data', (chunk: string) => {
      buffer += chunk
      if (buffer.length > 64 * 1024)
        return fail('the server sent more than 64 KB without ending its reply')
      const reply = completeReply(buffer)
      if (!reply) return
      buffer = ''
      if (stage === 'greeting') {
        if (!reply.code.startsWith('2'))
          return fail(
            `it greeted with ${reply.code} ${reply.lines[0] ?? ''}`.trim(),
          )
        greeting = reply.lines.join(' ')
        marks.push(performance.now())
        stage = 'ehlo'
        socket.write(`EHLO ${options.name ?? 'launch-ready.invalid'}\r\n`)
        return
      }
      if (!reply.code.startsWith('2'))
        return fail(`it answered EHLO with ${reply.code}`)
      marks.push(performance.now())
      socket.write('QUIT\r\n')
      const extensions = reply.lines
        .slice(1)
        .map((l) => l.split(' ')[0]!.toUpperCase())
      const round = (ms: number) => Math.round(ms * 10) / 10
      finish({
        greeting,
        extensions,
        starttls: extensions.includes('STARTTLS'),
        timings: {
          connect: round(marks[0]! - start),
          greeting: round(marks[1]! - marks[0]!),
          ehlo: round(marks[2]! - marks[1]!),
        },
      })
    })
  })
}

/** A whole multi-line reply ("250-…" lines ending with "250 …"), or undefined. */
function completeReply(
  text: string,
): { code: string; lines: string[] } | undefined {
  const lines = text.split('\r\n')
  if (lines.at(-1) !== '') return undefined
  lines.pop()
  const last = lines.at(-1)
  if (!last || !/^\d{3}( |$)/.test(last)) return undefined
  return { code: last.slice(0, 3), lines: lines.map((l) => l.slice(4)) }
}
