import {
  EVENT_CHANNELS,
  INVOKE_CHANNELS,
  type EventChannel,
  type InvokeChannel,
} from './channels'
import type { Events, RequestOf, ResponseOf, Result } from './ipc'

/** How the API reaches main: Electron's ipcRenderer, or a test bridge. */
export interface Transport {
  invoke(channel: InvokeChannel, request: unknown): Promise<unknown>
  subscribe(
    channel: EventChannel,
    listener: (payload: unknown) => void,
  ): () => void
}

type DomainOf<C extends string> = C extends `${infer D}:${string}` ? D : never
type MethodOf<C extends string, D extends string> = C extends `${D}:${infer M}`
  ? M
  : never

type Method<C extends InvokeChannel> =
  Record<string, never> extends RequestOf<C>
    ? (request?: RequestOf<C>) => Promise<Result<ResponseOf<C>>>
    : (request: RequestOf<C>) => Promise<Result<ResponseOf<C>>>

type Listener<E extends EventChannel> = (
  listener: (payload: Events[E]) => void,
) => () => void

/**
 * The renderer's API: `api.audit.run()`, `api.audit.onProgress(fn)` and
 * so on, one method per channel of the contract and nothing else.
 */
export type Api = {
  readonly [D in DomainOf<InvokeChannel | EventChannel>]: {
    readonly [M in MethodOf<InvokeChannel, D>]: Method<
      `${D}:${M}` & InvokeChannel
    >
  } & {
    readonly [M in MethodOf<EventChannel, D> as `on${Capitalize<M>}`]: Listener<
      `${D}:${M}` & EventChannel
    >
  }
}

/** Builds the API from the contract over a transport. */
export function createApi(transport: Transport): Api {
  const api: Record<string, Record<string, unknown>> = {}
  const domain = (name: string) => (api[name] ??= {})
  for (const channel of INVOKE_CHANNELS) {
    const [d, method] = channel.split(':') as [string, string]
    domain(d)[method] = (request: unknown = {}) =>
      transport.invoke(channel, request)
  }
  for (const channel of EVENT_CHANNELS) {
    const [d, event] = channel.split(':') as [string, string]
    const name = `on${event[0]!.toUpperCase()}${event.slice(1)}`
    domain(d)[name] = (listener: (payload: unknown) => void) =>
      transport.subscribe(channel, listener)
  }
  return api as Api
}
