import { createHash } from 'node:crypto'

/** What an alert is about. */
export type AlertKind = 'down' | 'recovered' | 'drift' | 'test'

/**
 * One alert, as every channel renders it: the monitor, what failed,
 * since when, who answers for it and the first thing to do.
 */
export interface Alert {
  /** Idempotency key: the same event always makes the same key. */
  readonly key: string
  readonly kind: AlertKind
  /** The site's name from the workspace. */
  readonly site: string
  /** The monitor's id, such as "uptime https://www.shop.test/". */
  readonly monitor: string
  /** One line a person reads first. */
  readonly title: string
  /** What failed or changed, in words. */
  readonly what: string
  /** When the problem (or change) began, ISO 8601. */
  readonly since: string
  /** Who answers for the site (monitoring.owner). */
  readonly owner: string
  readonly firstStep: string
  /** When the alert was raised, ISO 8601. */
  readonly at: string
}

/** What a monitor knows when it raises an alert. */
export interface AlertFacts {
  readonly site: string
  readonly monitor: string
  /** The page or host the monitor watches. */
  readonly target: string
  readonly owner?: string
  readonly at: number
  /** Titles for monitors that watch something other than a page. */
  readonly titles?: { readonly down: string; readonly recovered: string }
  /** The first step for a down alert, where the default does not fit. */
  readonly firstStep?: string
}

const NO_OWNER =
  'nobody is named yet; set monitoring.owner in the workspace file'

const iso = (ms: number) => new Date(ms).toISOString()

/** The site stopped answering, confirmed by a re-check while online. */
export function downAlert(
  facts: AlertFacts,
  reason: string,
  failingSince: number,
): Alert {
  return {
    key: `down:${facts.monitor}:${failingSince}`,
    kind: 'down',
    site: facts.site,
    monitor: facts.monitor,
    title: facts.titles?.down ?? `${facts.target} is down`,
    what: reason,
    since: iso(failingSince),
    owner: facts.owner ?? NO_OWNER,
    firstStep:
      facts.firstStep ??
      `Open ${facts.target} yourself; if it fails for you too, check the ` +
        "hosting provider's status page and the last deploy, and roll back if it just went out.",
    at: iso(facts.at),
  }
}

/** The site answers again after a confirmed outage. */
export function recoveredAlert(facts: AlertFacts, failingSince: number): Alert {
  const minutes = Math.max(1, Math.round((facts.at - failingSince) / 60_000))
  return {
    key: `recovered:${facts.monitor}:${failingSince}`,
    kind: 'recovered',
    site: facts.site,
    monitor: facts.monitor,
    title: facts.titles?.recovered ?? `${facts.target} is back up`,
    what: `It answered again after about ${minutes} min down.`,
    since: iso(failingSince),
    owner: facts.owner ?? NO_OWNER,
    firstStep:
      'Write down what happened and what fixed it in the incident notes ' +
      'while it is fresh.',
    at: iso(facts.at),
  }
}

/** A DNS or mail record changed since the last daily check. */
export function driftAlert(
  facts: AlertFacts,
  record: string,
  before: string,
  after: string,
): Alert {
  const digest = createHash('sha256').update(after).digest('hex').slice(0, 12)
  return {
    key: `drift:${facts.monitor}:${record}:${digest}:${facts.at}`,
    kind: 'drift',
    site: facts.site,
    monitor: facts.monitor,
    title: `${record} changed`,
    what: `Was ${JSON.stringify(before)}, now ${JSON.stringify(after)}.`,
    since: iso(facts.at),
    owner: facts.owner ?? NO_OWNER,
    firstStep:
      'Ask whoever manages DNS whether this change was intended; if not, ' +
      "restore the old value at the DNS provider and rotate that account's password.",
    at: iso(facts.at),
  }
}

/** A test alert for one channel, sent on request. */
export function testAlert(
  site: string,
  channel: string,
  owner: string | undefined,
  at: number,
): Alert {
  return {
    key: `test:${channel}:${at}`,
    kind: 'test',
    site,
    monitor: 'test',
    title: `Test alert from Launch Ready (${channel})`,
    what: 'Nothing failed: this checks that alerts reach you.',
    since: iso(at),
    owner: owner ?? NO_OWNER,
    firstStep: 'None; if you can read this, the channel works.',
    at: iso(at),
  }
}

/** The alert as plain text lines, for email and tray bodies. */
export function alertLines(alert: Alert): readonly string[] {
  return [
    alert.title,
    '',
    `Site: ${alert.site}`,
    `Monitor: ${alert.monitor}`,
    `What: ${alert.what}`,
    `Since: ${alert.since}`,
    `Owner: ${alert.owner}`,
    `First step: ${alert.firstStep}`,
  ]
}
