import { checkInfo } from '../../shared/catalogue'
import type { Evidence } from '../../shared/finding'
import {
  defaultScreenshotDir,
  runSyntheticLogin,
  type SyntheticResult,
} from '../monitor/synthetic-login'
import { finding, type Check } from './check'

const info = checkInfo('monitor.synthetic-login')!

const SCRIPT_EXAMPLE =
  'Describe the admin login in the workspace file, for example:\n' +
  '  monitoring:\n' +
  '    syntheticLogin:\n' +
  '      url: https://www.example.com/admin/login\n' +
  '      username: monitor@example.com\n' +
  '      password: secret:admin-password\n' +
  '      dashboardText: Orders today\n' +
  '      criticalAction:\n' +
  '        url: https://www.example.com/admin/orders/lookup?id=SO-1001\n' +
  '        expectText: SO-1001\n' +
  'then store the password under Credentials as "admin-password".'

/**
 * monitor.synthetic-login: a browser signs in to the admin, sees the
 * dashboard and does one critical action within the time budget. The
 * browser run lives in src/core/monitor/synthetic-login.ts.
 */
export const monitorSyntheticLogin: Check = {
  info,
  // The script's budget, plus the browser's start (up to 30 s), the DNS
  // questions and the screenshot of a failure.
  timeoutMs: (workspace) =>
    (workspace.monitoring.syntheticLogin?.budgetMs ?? 0) + 45_000,
  targets: (workspace) => [
    workspace.monitoring.syntheticLogin?.url ?? workspace.domain,
  ],
  async run(target, context) {
    const script = context.workspace.monitoring.syntheticLogin
    if (!script) {
      return [
        finding(info, target, {
          status: 'skip',
          severity: 'info',
          title: 'No admin login is scripted',
          detail:
            'The workspace has no monitoring.syntheticLogin, so nobody finds out when signing in to the admin breaks until someone needs it.',
          evidence: { syntheticLogin: 'none' },
          fix: SCRIPT_EXAMPLE,
        }),
      ]
    }
    context.progress?.('Signing in to the admin in a browser')
    const result = await runSyntheticLogin(script, {
      net: context.net,
      secret: async (name) => context.vault?.get(name),
      screenshotDir: defaultScreenshotDir(),
      signal: context.signal,
    })
    const evidence = evidenceOf(result, script.budgetMs)
    if (result.ok) {
      return [
        finding(info, target, {
          status: 'pass',
          severity: 'info',
          title: 'The admin login works',
          detail: `A browser signed in, saw "${script.dashboardText}"${script.criticalAction ? ` and did the ${script.criticalAction.name}` : ''} in ${seconds(result.totalMs)} (budget ${seconds(script.budgetMs)}).`,
          evidence,
        }),
      ]
    }
    return [
      finding(info, target, {
        status: result.failedStep === 'start browser' ? 'error' : 'fail',
        severity: 'high',
        title: `The admin login failed at "${result.failedStep}"`,
        detail:
          result.reason +
          (result.screenshot
            ? ` A screenshot is at ${result.screenshot}.`
            : ''),
        evidence,
        fix:
          'Sign in yourself at the login page. If it works for you, the ' +
          'page probably changed: update the selectors or texts in ' +
          'monitoring.syntheticLogin. If it fails, check the last deploy ' +
          'and the admin password under Credentials.',
      }),
    ]
  },
}

function evidenceOf(result: SyntheticResult, budgetMs: number): Evidence {
  return {
    budgetMs,
    totalMs: Math.round(result.totalMs),
    steps: result.steps.map((s) => ({
      step: s.step,
      ms: Math.round(s.ms),
      ok: s.ok,
    })),
    ...(result.browser ? { browser: result.browser } : {}),
    ...(!result.ok
      ? {
          failedStep: result.failedStep,
          error: result.reason,
          ...(result.screenshot ? { screenshot: result.screenshot } : {}),
        }
      : {}),
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toLocaleString('en', { maximumFractionDigits: 1 })} s`
}
