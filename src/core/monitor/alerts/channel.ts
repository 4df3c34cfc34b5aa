import { LaunchReadyError } from '../../errors'
import type { Alert } from './alert'

/** Something that delivers alerts: Slack, a webhook, email, the tray. */
export interface AlertChannel {
  /** The channel's name from the workspace, unique within it. */
  readonly name: string
  readonly kind: 'tray' | 'email' | 'slack' | 'webhook'
  /**
   * Delivers one alert; resolves once the far side accepted it, throws
   * DeliveryError otherwise. `signal` aborts a delivery that hangs.
   */
  send(alert: Alert, signal: AbortSignal): Promise<void>
}

/** A delivery the far side refused or never answered. */
export class DeliveryError extends LaunchReadyError {
  override name = 'DeliveryError' as const

  constructor(
    channel: string,
    reason: string,
    /** False when trying again cannot help (a 404, a bad address). */
    readonly retryable = true,
    options?: { cause?: unknown },
  ) {
    super('deliver the alert', reason, channel, options)
  }
}
