import {
  INVOKE,
  type InvokeChannel,
  type ParsedRequestOf,
  type ResponseOf,
  type Result,
} from '../shared/ipc'
import { LaunchReadyError, messageOf } from '../core/errors'
import type { Logger } from '../core/log'

/** A handler per channel, receiving the validated request. */
export type Handlers = {
  readonly [C in InvokeChannel]: (
    request: ParsedRequestOf<C>,
  ) => Promise<ResponseOf<C>> | ResponseOf<C>
}

export interface RouterOptions {
  /** True when a call comes from our own window's page. */
  readonly isTrustedSender: (url: string | undefined) => boolean
  readonly log: Logger
}

/**
 * The main-process end of the IPC contract, free of Electron so the e2e
 * bridge and the tests drive it too. Every call is checked for its
 * sender, its payload validated as untrusted input, and every outcome
 * returned as a value.
 */
export function createRouter(handlers: Handlers, options: RouterOptions) {
  const log = options.log.child('ipc')
  return {
    async dispatch(
      channel: string,
      payload: unknown,
      senderUrl: string | undefined,
    ): Promise<Result<unknown>> {
      if (!Object.hasOwn(INVOKE, channel)) {
        log.warn('refused unknown channel', { channel: channel.slice(0, 64) })
        return {
          ok: false,
          error: `Unknown request "${channel.slice(0, 64)}".`,
        }
      }
      if (!options.isTrustedSender(senderUrl)) {
        log.warn('refused untrusted sender', {
          channel,
          sender: senderUrl?.slice(0, 200),
        })
        return {
          ok: false,
          error: `Refused ${channel}: the request did not come from the app's window.`,
        }
      }
      const name = channel as InvokeChannel
      const parsed = INVOKE[name].request.safeParse(payload ?? {})
      if (!parsed.success) {
        const reason = parsed.error.issues
          .map((i) => `${i.path.join('.') || 'request'}: ${i.message}`)
          .join('; ')
        log.warn('refused invalid request', { channel, reason })
        return { ok: false, error: `Invalid request to ${channel}: ${reason}.` }
      }
      try {
        const handler = handlers[name] as (request: unknown) => unknown
        return { ok: true, value: await handler(parsed.data) }
      } catch (error) {
        if (error instanceof LaunchReadyError) {
          log.info('request failed', { channel, reason: error.message })
          return { ok: false, error: error.message }
        }
        log.error('handler threw', { channel, error: messageOf(error) })
        return {
          ok: false,
          error: `Something went wrong in Launch Ready: ${messageOf(error)}`,
        }
      }
    },
  }
}

export type Router = ReturnType<typeof createRouter>
