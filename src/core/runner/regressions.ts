import type { Finding } from '../../shared/finding'

/**
 * Findings that failed now where the same check on the same target
 * passed last time: what deserves a notification. A first run, or a
 * check that was already failing, notifies nobody.
 */
export function newFailures(
  previous: readonly Finding[],
  current: readonly Finding[],
): readonly Finding[] {
  const key = (f: Finding) => `${f.check}\u0000${f.target}`
  const passed = new Set(previous.filter((f) => f.status === 'pass').map(key))
  return current.filter((f) => f.status === 'fail' && passed.has(key(f)))
}
