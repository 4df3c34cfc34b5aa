/**
 * Times as people read them: in the reader's time zone, with the zone of
 * the person a time concerns (an owner, an on-call shift) beside it when
 * the two clocks read differently. Intl only, so the renderer, the core
 * and the CLI agree without a date library.
 */

/** An IANA zone name such as "Europe/London", or "UTC". */
const ZONE_NAME = /^(?:UTC|[A-Za-z][A-Za-z_-]*(?:\/[A-Za-z0-9_+-]+){1,2})$/

/**
 * The canonical IANA name of a time zone, or undefined when `zone` is
 * not one. Offsets such as "+01:00" are refused: an owner's zone must
 * follow daylight saving, which only a named zone does.
 */
export function canonicalTimeZone(zone: string): string | undefined {
  if (!ZONE_NAME.test(zone)) return undefined
  try {
    return new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
    }).resolvedOptions().timeZone
  } catch {
    return undefined
  }
}

/** True for a time zone name the runtime knows (IANA tz database). */
export function isTimeZone(zone: string): boolean {
  return canonicalTimeZone(zone) !== undefined
}

/** The zone this machine's clock is set to. */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone
}

export interface ZonedTimeOptions {
  /** The reader's zone; this machine's when absent. */
  readonly userZone?: string
  /** The zone of the person the time concerns, shown beside it. */
  readonly ownerZone?: string
  /** A BCP 47 locale; "en-GB" gives "4 Dec 2026, 09:30". */
  readonly locale?: string
  /** Leave out the time of day (a certificate's expiry date). */
  readonly dateOnly?: boolean
}

/**
 * "4 Dec 2026, 09:30 GMT+1" — or, when the owner's clock reads
 * differently, "4 Dec 2026, 09:30 GMT+1 (08:30 GMT in Europe/London)".
 * The owner's part repeats the date only when it is another day there.
 * An unknown zone falls back to UTC rather than throwing: a typo in a
 * workspace must not break a report.
 */
export function formatZonedTime(
  time: Date | string | number,
  options: ZonedTimeOptions = {},
): string {
  const date = new Date(time)
  if (Number.isNaN(date.getTime())) return String(time)
  const locale = options.locale ?? 'en-GB'
  const userZone = usableZone(options.userZone) ?? localTimeZone()
  const mine = parts(date, userZone, locale, options.dateOnly)
  const text = `${mine.day}${mine.time ? `, ${mine.time}` : ''} ${mine.zone}`
  const ownerZone = usableZone(options.ownerZone)
  if (!ownerZone || ownerZone === userZone) return text
  const theirs = parts(date, ownerZone, locale, options.dateOnly)
  // Paris and Berlin read the same: naming the other zone adds nothing.
  if (theirs.day === mine.day && theirs.time === mine.time) return text
  const when =
    theirs.day === mine.day
      ? (theirs.time ?? theirs.day)
      : [theirs.day, theirs.time].filter(Boolean).join(', ')
  return `${text} (${when} ${theirs.zone} in ${ownerZone})`
}

function usableZone(zone: string | undefined): string | undefined {
  return zone === undefined ? undefined : canonicalTimeZone(zone)
}

interface Parts {
  readonly day: string
  readonly time?: string
  readonly zone: string
}

function parts(
  date: Date,
  timeZone: string,
  locale: string,
  dateOnly = false,
): Parts {
  const day = new Intl.DateTimeFormat(locale, {
    timeZone,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  }).format(date)
  const clock = new Intl.DateTimeFormat(locale, {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'shortOffset',
  }).formatToParts(date)
  const offset = clock.find((p) => p.type === 'timeZoneName')?.value
  const zone =
    timeZone === 'UTC'
      ? 'UTC'
      : offset === 'GMT+0'
        ? 'GMT'
        : (offset ?? timeZone)
  const time = clock
    .filter((p) => p.type === 'hour' || p.type === 'minute')
    .map((p) => p.value)
    .join(':')
  return dateOnly ? { day, zone } : { day, time, zone }
}

/**
 * A calendar date such as a checklist item's "2026-11-30" as "30 Nov
 * 2026". It names a day, not an instant, so no zone applies; an
 * unreadable one comes back as it was.
 */
export function formatCalendarDate(date: string, locale = 'en-GB'): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date))) {
    return date
  }
  return new Intl.DateTimeFormat(locale, {
    timeZone: 'UTC',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  }).format(new Date(`${date}T00:00:00Z`))
}
