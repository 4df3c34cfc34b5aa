import type { JsonValue } from '../../shared/finding'
import { formatDateTime } from './format'

/** Keys whose plain-words name is not just the split camelCase. */
const KEY_NAMES: Readonly<Record<string, string>> = {
  subjectAltNames: 'Names on the certificate',
  fingerprintSha256: 'SHA-256 fingerprint',
  validTo: 'Valid until',
  timingsMs: 'Timing',
  timings: 'Timing',
  firstByte: 'First byte',
  tls: 'TLS',
  dns: 'DNS',
  rua: 'Report address (rua)',
}

/** "daysLeft" → "Days left"; "handshakeMs" → "Handshake (ms)". */
export function humanizeKey(key: string): string {
  const known = KEY_NAMES[key]
  if (known) return known
  const ms = /[a-z0-9]Ms$/.test(key)
  const words = (ms ? key.slice(0, -2) : key)
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase()
  const sentence = words.charAt(0).toUpperCase() + words.slice(1)
  return ms ? `${sentence} (ms)` : sentence
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/
const HEX_PAIRS = /^[0-9a-f]{2}(:[0-9a-f]{2}){7,}$/i

/**
 * How a leaf value is shown: as text, a date, machine text, or a block
 * kept line for line (a message as it was sent, a record's zone lines).
 */
export type Scalar =
  | { readonly kind: 'text' | 'machine' | 'block'; readonly text: string }
  | { readonly kind: 'date'; readonly text: string; readonly iso: string }

/** A leaf value as a person reads it. */
export function formatScalar(value: string | number | boolean | null): Scalar {
  if (value === null) return { kind: 'text', text: 'none' }
  if (typeof value === 'boolean') {
    return { kind: 'text', text: value ? 'yes' : 'no' }
  }
  if (typeof value === 'number') {
    return { kind: 'text', text: value.toLocaleString() }
  }
  if (ISO_DATE.test(value)) {
    return { kind: 'date', text: formatDateTime(value), iso: value }
  }
  if (value.includes('\n')) return { kind: 'block', text: value }
  return { kind: HEX_PAIRS.test(value) ? 'machine' : 'text', text: value }
}

/** One phase of a request, placed on a shared time axis. */
export interface Phase {
  readonly name: string
  readonly start: number
  readonly duration: number
}

export type Timings = Readonly<Record<string, number>>

/** True for a `timings` object of numbers, drawn as a timeline. */
export function isTimings(key: string, value: JsonValue): value is Timings {
  if (!/^timings?(Ms)?$/i.test(key)) return false
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return false
  }
  return Object.values(value).every((v) => typeof v === 'number')
}

/** Phases in the order they happen; `total` is the axis, not a phase. */
export function timelinePhases(timings: Timings): Phase[] {
  let start = 0
  return Object.entries(timings)
    .filter(([name]) => name !== 'total')
    .map(([name, duration]) => {
      const phase = { name, start, duration }
      start += duration
      return phase
    })
}

/** The length of the time axis: the recorded total, or the phases' sum. */
export function timelineTotal(timings: Timings): number {
  const sum = timelinePhases(timings).reduce((n, p) => n + p.duration, 0)
  return Math.max(timings.total ?? 0, sum)
}
