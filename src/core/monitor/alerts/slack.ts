import type { Alert } from './alert'
import type { AlertChannel } from './channel'
import { postJson } from './post-json'

const EMOJI: Readonly<Record<Alert['kind'], string>> = {
  down: ':red_circle:',
  recovered: ':large_green_circle:',
  drift: ':warning:',
  test: ':wave:',
}

/**
 * The message Slack's incoming webhooks take: `text` for notifications
 * and clients without blocks, `blocks` for the layout (Block Kit).
 */
export function slackMessage(alert: Alert) {
  const field = (label: string, value: string) => ({
    type: 'mrkdwn',
    text: `*${label}*\n${value}`,
  })
  return {
    text: `${EMOJI[alert.kind]} ${alert.title}: ${alert.what}`,
    blocks: [
      {
        type: 'header',
        text: { type: 'plain_text', text: alert.title.slice(0, 150) },
      },
      { type: 'section', text: { type: 'mrkdwn', text: alert.what } },
      {
        type: 'section',
        fields: [
          field('Site', alert.site),
          field('Monitor', alert.monitor),
          field('Since', alert.since),
          field('Owner', alert.owner),
        ],
      },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `*First step:* ${alert.firstStep}` },
      },
    ],
  }
}

/** A Slack incoming webhook. */
export function slackChannel(options: {
  readonly name: string
  readonly url: string
  readonly timeoutMs: number
}): AlertChannel {
  return {
    name: options.name,
    kind: 'slack',
    send: (alert, signal) =>
      postJson(options.name, options.url, slackMessage(alert), {
        timeoutMs: options.timeoutMs,
        signal,
      }),
  }
}
