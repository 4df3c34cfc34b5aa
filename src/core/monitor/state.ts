/**
 * The life of one monitor: up → suspect → down → recovering → up, plus
 * offline for when the machine itself has lost the network. A failure
 * alerts nobody until it is confirmed twice: a re-check after a short
 * delay fails too, and the reference endpoints show this machine is
 * online. Pure: the caller runs the probes and the effects.
 */

import type { MonitorState } from '../../shared/monitoring'

export type { MonitorState }

/** What one probe of the monitor saw. */
export type Observation =
  | { readonly ok: true; readonly at: number }
  | {
      readonly ok: false
      readonly at: number
      /** What failed, in words: "HTTP 502", "timed out after 10 s". */
      readonly reason: string
      /** Whether a reference endpoint answered; false means offline. */
      readonly online: boolean
    }

/** What the caller must do after a transition. */
export type Effect =
  | 'recheck'
  | 'alert-down'
  | 'alert-recovered'
  | 'report-offline'
  | 'report-online'

export interface MonitorStatus {
  readonly state: MonitorState
  /** When the monitor entered this state. */
  readonly since: number
  /** When the current run of failures began; set while not up. */
  readonly failingSince?: number
  /** The last failure, in words. */
  readonly reason?: string
}

export interface Transition {
  readonly status: MonitorStatus
  readonly effects: readonly Effect[]
}

/** A monitor seen for the first time: assumed up. */
export function initialStatus(at: number): MonitorStatus {
  return { state: 'up', since: at }
}

/** The next status after one observation, and what to do about it. */
export function transition(
  current: MonitorStatus,
  seen: Observation,
): Transition {
  const to = (
    state: MonitorState,
    effects: readonly Effect[] = [],
    extra: Partial<MonitorStatus> = {},
  ): Transition => ({
    status: {
      state,
      since: state === current.state ? current.since : seen.at,
      ...extra,
    },
    effects,
  })
  const failing = (reason: string): Partial<MonitorStatus> => ({
    failingSince: current.failingSince ?? seen.at,
    reason,
  })

  if (seen.ok) {
    switch (current.state) {
      case 'up':
        return to('up')
      case 'suspect':
        return to('up') // A blip the re-check did not confirm.
      case 'offline':
        return to('up', ['report-online'])
      case 'down':
        return to('recovering', ['recheck'], {
          failingSince: current.failingSince,
          reason: current.reason,
        })
      case 'recovering':
        return to('up', ['alert-recovered'])
    }
  }
  if (!seen.online) {
    // Nothing can be concluded about the site while this machine is off
    // the network; a site already down stays down without a new alert.
    if (current.state === 'down' || current.state === 'recovering')
      return to('down', [], failing(seen.reason))
    if (current.state === 'offline')
      return to('offline', [], failing(seen.reason))
    return to('offline', ['report-offline'], failing(seen.reason))
  }
  switch (current.state) {
    case 'up':
    case 'offline':
      return to('suspect', ['recheck'], {
        failingSince: seen.at,
        reason: seen.reason,
      })
    case 'suspect':
      return to('down', ['alert-down'], failing(seen.reason))
    case 'down':
    case 'recovering':
      return to('down', [], failing(seen.reason))
  }
}

/** True for states that ask for a quick re-check instead of the interval. */
export function wantsRecheck(state: MonitorState): boolean {
  return state === 'suspect' || state === 'recovering'
}

const RANK: Readonly<Record<MonitorState, number>> = {
  up: 0,
  recovering: 1,
  suspect: 2,
  offline: 3,
  down: 4,
}

/** The state the tray shows for many monitors: the worst of them. */
export function worstState(states: Iterable<MonitorState>): MonitorState {
  let worst: MonitorState = 'up'
  for (const state of states) if (RANK[state] > RANK[worst]) worst = state
  return worst
}
