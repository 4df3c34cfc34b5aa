/**
 * The channel names of the IPC contract (src/shared/ipc.ts), apart from
 * its schemas so the sandboxed preload can build the API without
 * bundling a validation library. ipc.ts fails to compile unless its
 * channels are exactly these.
 */
export const INVOKE_CHANNELS = [
  'workspace:open',
  'workspace:create',
  'workspace:current',
  'workspace:recent',
  'audit:run',
  'audit:cancel',
  'audit:last',
  'audit:history',
  'secret:list',
  'secret:set',
  'secret:delete',
  'baseline:accept',
  'handover:checklist',
  'handover:record',
  'handover:export',
  'link:open',
  'monitor:dashboard',
  'monitor:start',
  'monitor:stop',
  'monitor:test',
] as const

export const EVENT_CHANNELS = [
  'audit:progress',
  'workspace:opened',
  'audit:requested',
  'monitor:changed',
  'monitor:open',
] as const

export type InvokeChannel = (typeof INVOKE_CHANNELS)[number]
export type EventChannel = (typeof EVENT_CHANNELS)[number]
