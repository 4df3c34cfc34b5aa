import { checkInfo } from '../../shared/catalogue'
import { finding, type Check } from './check'

const info = checkInfo('monitor.alert-route')!

const CHANNEL_EXAMPLE =
  'Add a channel to the workspace file, for example:\n' +
  '  monitoring:\n' +
  '    owner: "Sam (sam@example.com)"\n' +
  '    alerts:\n' +
  '      - kind: slack\n' +
  '        url: secret:slack-webhook\n' +
  'then store the webhook address under Credentials as "slack-webhook".'

/**
 * monitor.alert-route: at least one alert channel is configured and has
 * delivered an alert (a test alert counts). It fails until then: an
 * alert that reaches nobody is the same as no monitoring.
 */
export const monitorAlertRoute: Check = {
  info,
  targets: (workspace) => [workspace.domain],
  async run(domain, context) {
    const { alerts, owner } = context.workspace.monitoring
    const channels = alerts.map((c) => `${c.name} (${c.kind})`)
    if (alerts.length === 0) {
      return [
        finding(info, domain, {
          status: 'fail',
          severity: 'high',
          title: 'No alert channel is set up',
          detail:
            'When the site goes down, nobody will be told: the workspace names no email, Slack, webhook or tray channel.',
          evidence: { channels: 'none' },
          fix: CHANNEL_EXAMPLE,
        }),
      ]
    }
    const last = context.workspaceFile
      ? context.alertLog?.lastDelivered(context.workspaceFile)
      : undefined
    if (!last) {
      return [
        finding(info, domain, {
          status: 'fail',
          severity: 'high',
          title: 'No alert has reached anyone yet',
          detail: `Channels are set up (${channels.join(', ')}), but none has delivered an alert, so nothing shows that alerts arrive.`,
          evidence: { channels: channels.join(', '), delivered: 'none' },
          fix:
            'Send a test alert from the Monitoring screen, or headless:\n' +
            '  launch-ready monitor <workspace file> --test-alert\n' +
            'and check that it arrived.',
        }),
      ]
    }
    const when = new Date(last.deliveredAt ?? last.createdAt).toISOString()
    const evidence = {
      channels: channels.join(', '),
      lastChannel: last.channel,
      lastKind: last.kind,
      lastDeliveredAt: when,
      owner: owner ?? 'none',
    }
    if (!owner) {
      return [
        finding(info, domain, {
          status: 'warn',
          severity: 'medium',
          title: 'Alerts arrive, but nobody is named to act on them',
          detail: `The last alert reached ${last.channel} at ${when}; the workspace names no owner, so every alert asks "who?" first.`,
          evidence,
          fix: 'Name the person who answers alerts:\n  monitoring:\n    owner: "Sam (sam@example.com)"',
        }),
      ]
    }
    return [
      finding(info, domain, {
        status: 'pass',
        severity: 'info',
        title: 'Alerts reach their owner',
        detail: `The last alert (${last.kind}) reached ${last.channel} at ${when}; ${owner} is named in every alert.`,
        evidence,
      }),
    ]
  },
}
