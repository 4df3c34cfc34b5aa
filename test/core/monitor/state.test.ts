import { describe, expect, it } from 'vitest'
import {
  initialStatus,
  transition,
  type Effect,
  type MonitorState,
  type MonitorStatus,
  type Observation,
  worstState,
} from '../../../src/core/monitor/state'

const ok: Observation = { ok: true, at: 100 }
const fail: Observation = {
  ok: false,
  at: 100,
  reason: 'HTTP 502',
  online: true,
}
const offline: Observation = {
  ok: false,
  at: 100,
  reason: 'connection refused',
  online: false,
}

const from = (state: MonitorState): MonitorStatus =>
  state === 'up'
    ? { state, since: 0 }
    : { state, since: 0, failingSince: 10, reason: 'HTTP 500' }

describe('monitor state machine', () => {
  it.each<[MonitorState, Observation, MonitorState, Effect[]]>([
    ['up', ok, 'up', []],
    ['up', fail, 'suspect', ['recheck']],
    ['up', offline, 'offline', ['report-offline']],
    ['suspect', ok, 'up', []],
    ['suspect', fail, 'down', ['alert-down']],
    ['suspect', offline, 'offline', ['report-offline']],
    ['down', ok, 'recovering', ['recheck']],
    ['down', fail, 'down', []],
    ['down', offline, 'down', []],
    ['recovering', ok, 'up', ['alert-recovered']],
    ['recovering', fail, 'down', []],
    ['recovering', offline, 'down', []],
    ['offline', ok, 'up', ['report-online']],
    ['offline', offline, 'offline', []],
    ['offline', fail, 'suspect', ['recheck']],
  ])('%s + %o → %s', (state, seen, next, effects) => {
    const result = transition(from(state), seen)
    expect(result.status.state).toBe(next)
    expect(result.effects).toEqual(effects)
  })

  it('alerts only after a failure is seen twice while online', () => {
    let status = initialStatus(0)
    const effects: Effect[] = []
    for (const seen of [
      { ...fail, at: 1000 },
      { ...fail, at: 31_000 },
      { ...fail, at: 91_000 },
    ]) {
      const next = transition(status, seen)
      status = next.status
      effects.push(...next.effects)
    }
    expect(effects).toEqual(['recheck', 'alert-down'])
    // The outage began at the first failure, not at its confirmation.
    expect(status).toMatchObject({
      state: 'down',
      since: 31_000,
      failingSince: 1000,
    })
  })

  it('never reports a site down while the machine is offline', () => {
    let status = initialStatus(0)
    const effects: Effect[] = []
    for (let minute = 1; minute <= 3; minute++) {
      const next = transition(status, { ...offline, at: minute * 60_000 })
      status = next.status
      effects.push(...next.effects)
    }
    const back = transition(status, { ok: true, at: 240_000 })
    expect([...effects, ...back.effects]).toEqual([
      'report-offline',
      'report-online',
    ])
    expect(back.status).toEqual({ state: 'up', since: 240_000 })
  })

  it('keeps the time a state began while it lasts', () => {
    const down = transition(from('down'), { ...fail, at: 5000 }).status
    expect(down.since).toBe(0)
    expect(down.failingSince).toBe(10)
  })

  it.each<[MonitorState[], MonitorState]>([
    [[], 'up'],
    [['up', 'recovering'], 'recovering'],
    [['suspect', 'offline', 'up'], 'offline'],
    [['offline', 'down', 'suspect'], 'down'],
  ])('shows the worst of %j in the tray: %s', (states, worst) => {
    expect(worstState(states)).toBe(worst)
  })
})
