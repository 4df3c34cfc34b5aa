import { createApi, type Transport } from '../../src/shared/api'
import type { EventChannel, InvokeChannel } from '../../src/shared/ipc'

/**
 * Runs in the page before the renderer, in place of the preload: defines
 * `window.api` from the same contract, over the bridge instead of
 * Electron's IPC. Calls go to a Playwright binding; events come back
 * through `__launchReadyEvents.emit`, which the bridge calls.
 */

type Listener = (payload: unknown) => void

interface BridgeGlobals {
  __launchReadyInvoke(
    channel: InvokeChannel,
    request: unknown,
  ): Promise<unknown>
  __launchReadyPathOf(name: string): Promise<string>
}

const page = globalThis as unknown as BridgeGlobals
const listeners = new Map<string, Set<Listener>>()

const transport: Transport = {
  invoke: (channel, request) => page.__launchReadyInvoke(channel, request),
  subscribe(channel, listener) {
    const set = listeners.get(channel) ?? new Set<Listener>()
    listeners.set(channel, set)
    set.add(listener)
    return () => set.delete(listener)
  },
}

const events = {
  emit(channel: EventChannel, payload: unknown) {
    for (const listener of listeners.get(channel) ?? []) listener(payload)
  },
}

Object.defineProperty(globalThis, '__launchReadyEvents', {
  value: Object.freeze(events),
})
Object.defineProperty(globalThis, 'api', {
  value: Object.freeze(createApi(transport)),
  enumerable: true,
})

// The preload's `files.pathOf` asks Electron where a dropped file is; a
// page in Chromium is never told, so the bridge answers from the file's
// name, in the folder of the workspace the open dialog would pick.
Object.defineProperty(globalThis, 'files', {
  value: Object.freeze({
    pathOf: (file: File) => page.__launchReadyPathOf(file.name),
  }),
})
