import { formatSeconds, messageOf } from '../../errors'
import { DeliveryError } from './channel'

/**
 * POSTs a JSON body and reads the status. 2xx is delivered; 429 and 5xx
 * are worth retrying, other 4xx are not; a server that does not answer
 * within `timeoutMs` is abandoned (and retried later).
 *
 * Uses Node's fetch rather than the probes' HttpClient: the probes
 * accept any certificate so the TLS checks can judge it, and an alert
 * carrying a webhook token must never go to a server that fails
 * verification.
 */
export async function postJson(
  channel: string,
  url: string,
  body: unknown,
  options: {
    readonly headers?: Readonly<Record<string, string>>
    readonly timeoutMs: number
    readonly signal: AbortSignal
  },
): Promise<void> {
  const timeout = AbortSignal.timeout(options.timeoutMs)
  let response: Response
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...options.headers },
      body: JSON.stringify(body),
      signal: AbortSignal.any([options.signal, timeout]),
    })
    // Drain so the connection can close; the text is only for messages.
    const text = (await response.text()).slice(0, 200)
    if (response.ok) return
    const retryable = response.status === 429 || response.status >= 500
    throw new DeliveryError(
      channel,
      `the server answered ${response.status}${text ? ` (${JSON.stringify(text)})` : ''}`,
      retryable,
    )
  } catch (error) {
    if (error instanceof DeliveryError) throw error
    if (timeout.aborted) {
      throw new DeliveryError(
        channel,
        `timed out after ${formatSeconds(options.timeoutMs)} waiting for the server`,
        true,
        { cause: error },
      )
    }
    if (options.signal.aborted) throw error
    const cause = (error as { cause?: unknown }).cause
    throw new DeliveryError(channel, messageOf(cause ?? error), true, {
      cause: error,
    })
  }
}
