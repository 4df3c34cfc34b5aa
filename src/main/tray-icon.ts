import type { Finding, Status } from '../shared/finding'
import { worstStatus } from '../shared/finding'

/** The tray's colour for each overall status; grey before any audit. */
const COLOURS: Readonly<
  Record<Status | 'none', readonly [number, number, number]>
> = {
  pass: [46, 160, 67],
  warn: [212, 160, 23],
  fail: [207, 34, 46],
  error: [130, 80, 223],
  skip: [140, 149, 159],
  none: [140, 149, 159],
}

/**
 * A round status light as raw BGRA pixels (Electron's createFromBitmap
 * order), anti-aliased at the edge, so the tray needs no image files.
 */
export function trayBitmap(status: Status | 'none', size: number): Buffer {
  const [r, g, b] = COLOURS[status]
  const pixels = Buffer.alloc(size * size * 4)
  const centre = (size - 1) / 2
  const radius = size / 2 - 1
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const distance = Math.hypot(x - centre, y - centre)
      const coverage = Math.max(0, Math.min(1, radius - distance + 0.5))
      const i = (y * size + x) * 4
      pixels[i] = b
      pixels[i + 1] = g
      pixels[i + 2] = r
      pixels[i + 3] = Math.round(coverage * 255)
    }
  }
  return pixels
}

/** The tray's overall status for the last audit's findings. */
/** The monitors at a glance: the pages down, and whether offline. */
export interface MonitorGlance {
  readonly down: readonly string[]
  readonly offline: boolean
}

/** The worst of the last audit and the monitors; a page down is a fail. */
export function trayStatus(
  findings: readonly Finding[] | undefined,
  monitors?: MonitorGlance,
): Status | 'none' {
  if (monitors?.down.length) return 'fail'
  return (findings && worstStatus(findings)) ?? 'none'
}

/**
 * The tray tooltip: what is down first, then counts of what needs
 * attention, or all clear.
 */
export function trayTooltip(
  findings: readonly Finding[] | undefined,
  monitors?: MonitorGlance,
): string {
  const watch = monitors?.down.length
    ? `DOWN: ${monitors.down.join(', ')}. `
    : monitors?.offline
      ? 'You are offline; monitoring waits. '
      : ''
  if (!findings) return `Launch Ready: ${watch}${watch ? 'No' : 'no'} audit yet`
  const count = (test: (f: Finding) => boolean) => findings.filter(test).length
  const blockers = count((f) => f.status === 'fail' && f.severity === 'blocker')
  const failures = count((f) => f.status === 'fail') - blockers
  const errors = count((f) => f.status === 'error')
  const warnings = count((f) => f.status === 'warn')
  const parts = [
    plural(blockers, 'blocker'),
    plural(failures, 'other failure'),
    plural(errors, 'check that could not run', 'checks that could not run'),
    plural(warnings, 'warning'),
  ].filter(Boolean)
  const audit = parts.length ? parts.join(', ') : 'all checks pass'
  return `Launch Ready: ${watch}${watch ? `Last audit: ${audit}` : audit}`
}

function plural(n: number, one: string, many = `${one}s`): string {
  return n === 0 ? '' : `${n} ${n === 1 ? one : many}`
}

/** The notification for checks that passed last time and fail now. */
export function regressionNotice(regressions: readonly Finding[]): {
  readonly title: string
  readonly body: string
} {
  const [first] = regressions
  if (regressions.length === 1 && first) {
    return {
      title: `Now failing: ${first.title}`,
      body: `${first.check} on ${first.target}`,
    }
  }
  return {
    title: `${regressions.length} checks that passed now fail`,
    body: regressions
      .slice(0, 3)
      .map((f) => `${f.check} on ${f.target}`)
      .join('\n'),
  }
}
