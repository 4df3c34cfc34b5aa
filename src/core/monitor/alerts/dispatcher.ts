import type { TestAlertResult } from '../../../shared/monitoring'
import { messageOf } from '../../errors'
import { silentLogger, type Logger } from '../../log'
import type { AlertQueue, QueuedAlert } from '../../store/alert-queue'
import type { Clock, TimerHandle } from '../clock'
import { testAlert, type Alert } from './alert'
import { DeliveryError, type AlertChannel } from './channel'

export interface DispatcherOptions {
  readonly queue: AlertQueue
  /** The workspace the alerts belong to, as the store names it. */
  readonly workspace: string
  readonly channels: readonly AlertChannel[]
  readonly clock: Clock
  readonly log?: Logger
  /** How long one delivery may take before it counts as failed. */
  readonly timeoutMs?: number
  /** Attempts before an alert is given up on (kept as 'failed'). */
  readonly maxAttempts?: number
  /** The first retry's delay; each further one doubles, up to maxDelayMs. */
  readonly baseDelayMs?: number
  readonly maxDelayMs?: number
  /** Waiting alerts kept at most; past it the oldest are dropped. */
  readonly maxPending?: number
  readonly random?: () => number
}

/** How a test alert went. */
export type TestDelivery = TestAlertResult

/**
 * Sends alerts through the persisted queue: every alert is written for
 * each channel before anything is sent, so a crash or a channel that is
 * down loses nothing; a delivered row is never sent again, so retries
 * duplicate nothing. Failed deliveries retry with exponential backoff
 * and jitter.
 */
export class AlertDispatcher {
  readonly #o: Required<
    Omit<DispatcherOptions, 'log' | 'random' | 'channels'>
  > & {
    readonly log: Logger
    readonly random: () => number
  }
  readonly #channels: ReadonlyMap<string, AlertChannel>
  readonly #abort = new AbortController()
  #timer?: TimerHandle
  #draining?: Promise<void>
  #again = false
  #stopped = false

  constructor(options: DispatcherOptions) {
    this.#o = {
      timeoutMs: 10_000,
      maxAttempts: 12,
      baseDelayMs: 5000,
      maxDelayMs: 15 * 60_000,
      maxPending: 1000,
      ...options,
      log: options.log ?? silentLogger,
      random: options.random ?? Math.random,
    }
    this.#channels = new Map(options.channels.map((c) => [c.name, c]))
  }

  get channels(): readonly AlertChannel[] {
    return [...this.#channels.values()]
  }

  /** Queues an alert for every channel and starts delivering it. */
  raise(alert: Alert): Promise<void> {
    const now = this.#o.clock.now()
    for (const channel of this.#channels.values()) {
      this.#o.queue.enqueue(
        {
          workspace: this.#o.workspace,
          key: alert.key,
          channel: channel.name,
          kind: alert.kind,
          alert: JSON.stringify(alert),
        },
        now,
        this.#o.maxPending,
      )
    }
    return this.drain()
  }

  /**
   * Sends a test alert through one channel now, once, and says how it
   * went; a delivered one is recorded like any other.
   */
  async sendTest(
    channelName: string,
    site: string,
    owner?: string,
  ): Promise<TestDelivery> {
    const channel = this.#channels.get(channelName)
    if (!channel) {
      return {
        ok: false,
        channel: channelName,
        error: `There is no alert channel named "${channelName}".`,
      }
    }
    const now = this.#o.clock.now()
    const alert = testAlert(site, channelName, owner, now)
    this.#o.queue.enqueue(
      {
        workspace: this.#o.workspace,
        key: alert.key,
        channel: channelName,
        kind: 'test',
        alert: JSON.stringify(alert),
      },
      now,
      this.#o.maxPending,
    )
    const [row] = this.#o.queue
      .list(this.#o.workspace, channelName)
      .filter((r) => r.key === alert.key)
    const error = row && (await this.#attempt(row, channel, 1))
    return error === undefined
      ? { ok: true, channel: channelName }
      : { ok: false, channel: channelName, error }
  }

  /** One pass over the alerts that are due; concurrent calls share it. */
  drain(): Promise<void> {
    if (this.#stopped) return Promise.resolve()
    if (this.#draining) {
      this.#again = true
      return this.#draining
    }
    this.#draining = this.#drainLoop().finally(() => {
      this.#draining = undefined
      this.#arm()
    })
    return this.#draining
  }

  /** Stops retrying; a delivery in flight is aborted and left pending. */
  async stop(): Promise<void> {
    this.#stopped = true
    if (this.#timer !== undefined) this.#o.clock.clearTimer(this.#timer)
    this.#timer = undefined
    this.#abort.abort(new Error('the monitor was stopped'))
    await this.#draining
  }

  async #drainLoop(): Promise<void> {
    do {
      this.#again = false
      const due = this.#o.queue.due(this.#o.workspace, this.#o.clock.now())
      for (const row of due) {
        if (this.#stopped) return
        const channel = this.#channels.get(row.channel)
        if (!channel) {
          this.#o.queue.markAttemptFailed(
            row.id,
            row.attempts,
            'the channel is no longer configured',
            undefined,
          )
          continue
        }
        await this.#attempt(row, channel)
      }
    } while (this.#again && !this.#stopped)
  }

  /**
   * Sends one queued alert; records the outcome and returns the error
   * in words, or undefined when delivered. `maxAttempts` overrides the
   * dispatcher's (a test alert is tried once).
   */
  async #attempt(
    row: QueuedAlert,
    channel: AlertChannel,
    maxAttempts = this.#o.maxAttempts,
  ): Promise<string | undefined> {
    const attempts = row.attempts + 1
    const timeout = AbortSignal.timeout(this.#o.timeoutMs + 1000)
    try {
      await channel.send(
        JSON.parse(row.alert) as Alert,
        AbortSignal.any([this.#abort.signal, timeout]),
      )
    } catch (error) {
      if (this.#stopped) return messageOf(error)
      const retryable = !(error instanceof DeliveryError) || error.retryable
      const nextAt =
        retryable && attempts < maxAttempts
          ? this.#o.clock.now() + this.#backoff(attempts)
          : undefined
      this.#o.queue.markAttemptFailed(
        row.id,
        attempts,
        messageOf(error),
        nextAt,
      )
      this.#o.log.warn('An alert was not delivered', {
        channel: channel.name,
        alert: row.key,
        attempts,
        retryAt: nextAt && new Date(nextAt).toISOString(),
        error: messageOf(error),
      })
      return messageOf(error)
    }
    this.#o.queue.markDelivered(row.id, attempts, this.#o.clock.now())
    this.#o.log.info('Alert delivered', {
      channel: channel.name,
      alert: row.key,
      attempts,
    })
    return undefined
  }

  /** base × 2^(n−1), capped, with half of it jittered. */
  #backoff(attempts: number): number {
    const full = Math.min(
      this.#o.maxDelayMs,
      this.#o.baseDelayMs * 2 ** (attempts - 1),
    )
    return Math.round(full / 2 + (this.#o.random() * full) / 2)
  }

  /** Wakes for the next retry; at least once a minute, for clock jumps. */
  #arm(): void {
    if (this.#stopped) return
    if (this.#timer !== undefined) this.#o.clock.clearTimer(this.#timer)
    this.#timer = undefined
    const next = this.#o.queue.nextDueAt(this.#o.workspace)
    if (next === undefined) return
    const wait = Math.min(60_000, Math.max(0, next - this.#o.clock.now()))
    this.#timer = this.#o.clock.setTimer(() => {
      this.#timer = undefined
      void this.drain()
    }, wait)
  }
}
