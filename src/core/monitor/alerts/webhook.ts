import type { AlertChannel } from './channel'
import { postJson } from './post-json'

/**
 * A generic webhook: the alert as JSON, with its key also in an
 * Idempotency-Key header, so a receiver can drop a repeat delivery (one
 * can happen if this app stops between the send and recording it).
 */
export function webhookChannel(options: {
  readonly name: string
  readonly url: string
  readonly headers?: Readonly<Record<string, string>>
  readonly timeoutMs: number
}): AlertChannel {
  return {
    name: options.name,
    kind: 'webhook',
    send: (alert, signal) =>
      postJson(options.name, options.url, alert, {
        headers: { ...options.headers, 'idempotency-key': alert.key },
        timeoutMs: options.timeoutMs,
        signal,
      }),
  }
}
