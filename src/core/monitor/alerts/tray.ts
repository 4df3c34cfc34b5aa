import type { Alert } from './alert'
import type { AlertChannel } from './channel'

/**
 * What the Electron shell offers for alerts: a desktop notification that
 * opens the monitor when clicked. The shell implements it; the core
 * never imports Electron.
 */
export interface TrayNotifier {
  notify(notification: {
    readonly title: string
    readonly body: string
    /** The monitor to open when the notification is clicked. */
    readonly monitor: string
    readonly urgent: boolean
  }): Promise<void> | void
}

/** Alerts as desktop notifications, through the shell's notifier. */
export function trayChannel(
  name: string,
  notifier: TrayNotifier,
): AlertChannel {
  return {
    name,
    kind: 'tray',
    async send(alert: Alert) {
      await notifier.notify({
        title: alert.title,
        body: `${alert.what}\nOwner: ${alert.owner}\n${alert.firstStep}`,
        monitor: alert.monitor,
        urgent: alert.kind === 'down',
      })
    },
  }
}
