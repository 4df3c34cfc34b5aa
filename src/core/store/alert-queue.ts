import type Database from 'better-sqlite3'

/**
 * Alerts waiting to go out, one row per (alert, channel). The row's
 * UNIQUE (alert_key, channel) is what keeps an alert from being queued
 * twice; its state is what keeps a delivered one from being sent again.
 */

export type DeliveryState = 'pending' | 'delivered' | 'failed' | 'dropped'

/** One alert for one channel, as the queue holds it. */
export interface QueuedAlert {
  readonly id: number
  readonly workspace: string
  readonly key: string
  readonly channel: string
  readonly kind: string
  /** The alert itself, as JSON. */
  readonly alert: string
  readonly state: DeliveryState
  readonly attempts: number
  readonly createdAt: number
  readonly nextAttemptAt: number
  readonly deliveredAt?: number
  readonly lastError?: string
}

interface Row {
  id: number
  workspace: string
  alert_key: string
  channel: string
  kind: string
  alert: string
  state: DeliveryState
  attempts: number
  created_at: number
  next_attempt_at: number
  delivered_at: number | null
  last_error: string | null
}

function toQueued(r: Row): QueuedAlert {
  return {
    id: r.id,
    workspace: r.workspace,
    key: r.alert_key,
    channel: r.channel,
    kind: r.kind,
    alert: r.alert,
    state: r.state,
    attempts: r.attempts,
    createdAt: r.created_at,
    nextAttemptAt: r.next_attempt_at,
    ...(r.delivered_at !== null ? { deliveredAt: r.delivered_at } : {}),
    ...(r.last_error !== null ? { lastError: r.last_error } : {}),
  }
}

export class AlertQueue {
  readonly #db: Database.Database

  constructor(db: Database.Database) {
    this.#db = db
  }

  /**
   * Queues an alert for a channel; false when that alert was queued for
   * it before. Past `maxPending` waiting rows, the oldest are dropped
   * (state 'dropped', kept for the record): a channel down for days must
   * not grow the file without bound.
   */
  enqueue(
    entry: {
      readonly workspace: string
      readonly key: string
      readonly channel: string
      readonly kind: string
      readonly alert: string
    },
    now: number,
    maxPending = 1000,
  ): boolean {
    return this.#db.transaction(() => {
      const { changes } = this.#db
        .prepare(
          `INSERT OR IGNORE INTO alert_deliveries
             (workspace, alert_key, channel, kind, alert, state, created_at, next_attempt_at)
           VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)`,
        )
        .run(
          entry.workspace,
          entry.key,
          entry.channel,
          entry.kind,
          entry.alert,
          now,
          now,
        )
      this.#db
        .prepare(
          `UPDATE alert_deliveries SET state = 'dropped', last_error = 'the queue was full'
           WHERE id IN (SELECT id FROM alert_deliveries WHERE state = 'pending'
             ORDER BY id DESC LIMIT -1 OFFSET ?)`,
        )
        .run(maxPending)
      return changes === 1
    })()
  }

  /** Pending rows whose time has come, oldest first. */
  due(workspace: string, now: number, limit = 50): readonly QueuedAlert[] {
    return this.#db
      .prepare<[string, number, number], Row>(
        `SELECT * FROM alert_deliveries
         WHERE state = 'pending' AND workspace = ? AND next_attempt_at <= ?
         ORDER BY next_attempt_at, id LIMIT ?`,
      )
      .all(workspace, now, limit)
      .map(toQueued)
  }

  /** When the next pending row is due, or undefined with none. */
  nextDueAt(workspace: string): number | undefined {
    const row = this.#db
      .prepare<[string], { at: number | null }>(
        "SELECT min(next_attempt_at) AS at FROM alert_deliveries WHERE state = 'pending' AND workspace = ?",
      )
      .get(workspace)
    return row?.at ?? undefined
  }

  markDelivered(id: number, attempts: number, at: number): void {
    this.#db
      .prepare(
        `UPDATE alert_deliveries SET state = 'delivered', attempts = ?, delivered_at = ?, last_error = NULL
         WHERE id = ? AND state = 'pending'`,
      )
      .run(attempts, at, id)
  }

  /** Records a failed attempt; `nextAt` undefined gives up for good. */
  markAttemptFailed(
    id: number,
    attempts: number,
    error: string,
    nextAt: number | undefined,
  ): void {
    this.#db
      .prepare(
        `UPDATE alert_deliveries SET attempts = ?, last_error = ?,
           state = CASE WHEN ? IS NULL THEN 'failed' ELSE 'pending' END,
           next_attempt_at = coalesce(?, next_attempt_at)
         WHERE id = ? AND state = 'pending'`,
      )
      .run(attempts, error, nextAt ?? null, nextAt ?? null, id)
  }

  /** Every row of a workspace, newest first, optionally of one channel. */
  list(workspace: string, channel?: string): readonly QueuedAlert[] {
    return this.#db
      .prepare<[string, string | null, string | null], Row>(
        `SELECT * FROM alert_deliveries WHERE workspace = ? AND (? IS NULL OR channel = ?)
         ORDER BY id DESC`,
      )
      .all(workspace, channel ?? null, channel ?? null)
      .map(toQueued)
  }

  /** The latest delivery made to any channel of a workspace. */
  lastDelivered(workspace: string): QueuedAlert | undefined {
    const row = this.#db
      .prepare<[string], Row>(
        `SELECT * FROM alert_deliveries WHERE workspace = ? AND state = 'delivered'
         ORDER BY delivered_at DESC, id DESC LIMIT 1`,
      )
      .get(workspace)
    return row && toQueued(row)
  }
}
