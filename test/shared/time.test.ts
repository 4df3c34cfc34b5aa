import { describe, expect, it } from 'vitest'
import {
  canonicalTimeZone,
  formatCalendarDate,
  formatZonedTime,
  isTimeZone,
} from '../../src/shared/time'

// 08:30 UTC on a winter day: London is on GMT, Paris on GMT+1.
const WINTER = '2026-12-04T08:30:00Z'

describe('formatZonedTime', () => {
  it('shows the time in the reader zone alone when no owner zone is given', () => {
    expect(formatZonedTime(WINTER, { userZone: 'Europe/Paris' })).toBe(
      '4 Dec 2026, 09:30 GMT+1',
    )
  })

  it('adds the owner clock when it reads differently', () => {
    expect(
      formatZonedTime(WINTER, {
        userZone: 'Europe/Paris',
        ownerZone: 'Europe/London',
      }),
    ).toBe('4 Dec 2026, 09:30 GMT+1 (08:30 GMT in Europe/London)')
  })

  it('repeats the date when it is another day where the owner is', () => {
    expect(
      formatZonedTime('2026-12-04T23:30:00Z', {
        userZone: 'UTC',
        ownerZone: 'Asia/Tokyo',
      }),
    ).toBe('4 Dec 2026, 23:30 UTC (5 Dec 2026, 08:30 GMT+9 in Asia/Tokyo)')
  })

  it.each([
    ['the same zone', 'Europe/Paris', 'Europe/Paris'],
    ['zones whose clocks agree', 'Europe/Paris', 'Europe/Berlin'],
    ['an alias of the same zone', 'UTC', 'Etc/UTC'],
  ])('names no second zone for %s', (_label, userZone, ownerZone) => {
    const text = formatZonedTime(WINTER, { userZone, ownerZone })
    expect(text).not.toContain('(')
  })

  it('follows daylight saving time: London and Paris differ in summer too', () => {
    expect(
      formatZonedTime('2026-07-01T12:00:00Z', {
        userZone: 'Europe/London',
        ownerZone: 'America/New_York',
      }),
    ).toBe('1 Jul 2026, 13:00 GMT+1 (08:00 GMT-4 in America/New_York)')
  })

  it('leaves out the time of day for dates', () => {
    expect(
      formatZonedTime(WINTER, {
        userZone: 'UTC',
        ownerZone: 'Pacific/Auckland',
        dateOnly: true,
      }),
    ).toBe('4 Dec 2026 UTC')
    expect(
      formatZonedTime('2026-12-04T20:00:00Z', {
        userZone: 'UTC',
        ownerZone: 'Pacific/Auckland',
        dateOnly: true,
      }),
    ).toBe('4 Dec 2026 UTC (5 Dec 2026 GMT+13 in Pacific/Auckland)')
  })

  it('falls back to UTC for an unknown reader zone instead of throwing', () => {
    expect(formatZonedTime(WINTER, { userZone: 'Mars/Olympus_Mons' })).toMatch(
      /^4 Dec 2026, \d\d:30 /,
    )
    expect(
      formatZonedTime(WINTER, { userZone: 'UTC', ownerZone: 'nowhere' }),
    ).toBe('4 Dec 2026, 08:30 UTC')
  })

  it('returns an unreadable timestamp as it was given', () => {
    expect(formatZonedTime('not a time', { userZone: 'UTC' })).toBe(
      'not a time',
    )
  })
})

describe('time zone names', () => {
  it.each(['Europe/London', 'America/Argentina/Buenos_Aires', 'UTC'])(
    'accepts %s',
    (zone) => expect(isTimeZone(zone)).toBe(true),
  )

  it.each(['', '+01:00', 'GMT+1', 'Europe/Nowhere', 'london', 'Europe/'])(
    'refuses %j',
    (zone) => expect(isTimeZone(zone)).toBe(false),
  )

  it('gives the canonical name of an alias', () => {
    expect(canonicalTimeZone('US/Eastern')).toBe('America/New_York')
  })
})

describe('formatCalendarDate', () => {
  it('shows a day without a zone, since it names no instant', () => {
    expect(formatCalendarDate('2026-11-30')).toBe('30 Nov 2026')
  })

  it.each(['30/11/2026', '2026-13-40', ''])('returns %j as it was', (d) =>
    expect(formatCalendarDate(d)).toBe(d),
  )
})
