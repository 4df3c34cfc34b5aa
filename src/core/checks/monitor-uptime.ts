import { checkInfo } from '../../shared/catalogue'
import { uptimeUrls } from '../monitor/monitors'
import { probePage } from '../monitor/probes'
import { finding, type Check } from './check'

const info = checkInfo('monitor.uptime')!

/**
 * monitor.uptime: each page the monitors watch answers now. The
 * scheduled monitoring itself runs in src/core/monitor; this check is
 * its one-off view in the audit.
 */
export const monitorUptime: Check = {
  info,
  targets: (workspace) => uptimeUrls(workspace),
  async run(url, context) {
    const { uptime } = context.workspace.monitoring
    const result = await probePage(
      context.net,
      url,
      uptime.timeoutSeconds * 1000,
      context.signal,
    )
    const every = `every ${uptime.intervalSeconds / 60} min`
    const evidence = {
      request: `GET ${url}`,
      ...(result.status !== undefined ? { status: result.status } : {}),
      ...(result.durationMs !== undefined ? { ms: result.durationMs } : {}),
      intervalSeconds: uptime.intervalSeconds,
    }
    if (result.ok) {
      return [
        finding(info, url, {
          status: 'pass',
          severity: 'info',
          title: 'The page answers',
          detail: `It answered ${result.status} in ${Math.round(result.durationMs ?? 0)} ms; monitoring checks it ${every}.`,
          evidence,
        }),
      ]
    }
    return [
      finding(info, url, {
        status: 'fail',
        severity: 'high',
        title: 'The page does not answer',
        detail: `${result.reason} Monitoring checks it ${every} and alerts once a re-check confirms it.`,
        evidence: { ...evidence, error: result.reason ?? '' },
        fix:
          'Open the page yourself. If it fails for you too, look at the ' +
          "hosting provider's status and the last deploy; if the page moved, " +
          'update monitoring.uptime.urls in the workspace file.',
      }),
    ]
  },
}
