/** The monitoring dashboard of the open workspace, as the window shows it. */
export interface MonitoringView {
  /** Whether this app is running the monitors now. */
  readonly running: boolean
  readonly monitors: readonly MonitorView[]
  /** Response times of the uptime monitors over the last 24 h. */
  readonly trends: readonly {
    readonly monitor: string
    readonly points: readonly {
      readonly start: number
      readonly p50?: number
      readonly p95?: number
    }[]
  }[]
  /** The last 30 days, newest first. */
  readonly incidents: readonly {
    readonly monitor: string
    readonly startedAt: number
    readonly endedAt?: number
    readonly durationMs: number
    readonly cause: string
  }[]
  readonly drift: readonly {
    readonly monitor: string
    readonly at: number
    readonly record: string
    readonly before: string
    readonly after: string
  }[]
  /** Deploys marked in the last 24 h, for the trend chart. */
  readonly deploys: readonly { readonly at: number; readonly note: string }[]
  readonly channels: readonly {
    readonly name: string
    readonly kind: string
    /** When it last delivered an alert (a test counts); never if absent. */
    readonly deliveredAt?: number
  }[]
}

/** What a monitor watches. */
export type MonitorKind = 'uptime' | 'tls' | 'records' | 'synthetic-login'

/**
 * Where a monitor stands: up → suspect → down → recovering → up, and
 * offline when the machine itself has lost the network.
 */
export type MonitorState = 'up' | 'suspect' | 'down' | 'recovering' | 'offline'

/** The headline numbers of one monitor, as the dashboard shows them. */
export interface MonitorSummary {
  /** Uptime fractions over 24 h, 7 d and 30 d; absent with no samples. */
  readonly uptime: {
    readonly day?: number
    readonly week?: number
    readonly month?: number
  }
  /** Response time over the last 24 h. */
  readonly p50?: number
  readonly p95?: number
}

export interface MonitorView extends MonitorSummary {
  readonly id: string
  readonly kind: MonitorKind
  readonly target: string
  /** Unknown until it has run in this app or been stored. */
  readonly state?: MonitorState
  readonly since?: number
  readonly reason?: string
}

/** How a test alert went through one channel. */
export type TestAlertResult =
  | { readonly ok: true; readonly channel: string }
  | { readonly ok: false; readonly channel: string; readonly error: string }
