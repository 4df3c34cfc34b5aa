import { createHash, X509Certificate } from 'node:crypto'
import { constants } from 'node:fs'
import { access, mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { connect } from 'node:tls'
import { appDataDir } from '../app-data'
import {
  chromium,
  type Browser,
  type Locator,
  type Page,
} from 'playwright-core'
import {
  secretRefName,
  type SyntheticLogin,
  type Workspace,
} from '../../shared/workspace'
import { messageOf } from '../errors'
import type { Network } from '../net/network'
import type { Vault } from '../vault/vault'
import type { ProbeResult } from './probes'

/**
 * monitor.synthetic-login's browser run: open the admin login page, fill
 * the fields, submit, see the dashboard, do one critical action — in a
 * Chromium-family browser found on the machine, driven by Playwright.
 * Every step is timed; a failure keeps the step, its timing and a
 * screenshot. The budget covers the script, not the browser's start.
 */

/** One timed step of the script. */
export interface SyntheticStep {
  readonly step: string
  /** When the step began, ms after the script started. */
  readonly atMs: number
  readonly ms: number
  readonly ok: boolean
}

export type SyntheticResult =
  | {
      readonly ok: true
      readonly steps: readonly SyntheticStep[]
      readonly totalMs: number
      readonly browser: string
    }
  | {
      readonly ok: false
      readonly steps: readonly SyntheticStep[]
      readonly totalMs: number
      readonly browser?: string
      /** The step that failed, e.g. "fill password". */
      readonly failedStep: string
      /** A sentence for the user. */
      readonly reason: string
      /** The PNG kept of the page when it failed, if one could be taken. */
      readonly screenshot?: string
    }

export interface SyntheticOptions {
  readonly net: Pick<Network, 'resolver' | 'extraCa' | 'ca'>
  /** Reads a `secret:NAME` value; undefined when there is none. */
  readonly secret: (name: string) => Promise<string | undefined>
  /** Where failure screenshots go; created when missing. */
  readonly screenshotDir: string
  readonly signal?: AbortSignal
}

/** Where the browser must find a missing field before it gives up. */
const FIELD_WAIT_MS = 5000
/** How long a login page that came back may still turn into the dashboard. */
const LOGIN_GRACE_MS = 1500

/** Common install paths of Chromium-family browsers, in order of preference. */
export const BROWSER_CANDIDATES: Readonly<Record<string, readonly string[]>> = {
  linux: [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/usr/bin/microsoft-edge',
    '/usr/bin/brave-browser',
    '/snap/bin/chromium',
  ],
  darwin: [
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
    '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
    '/Applications/Brave Browser.app/Contents/MacOS/Brave Browser',
  ],
  win32: [
    'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
    'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe',
    'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe',
    'C:\\Program Files\\Microsoft\\Edge\\Application\\msedge.exe',
  ],
}

/** The first Chromium-family browser installed here, or undefined. */
export async function findBrowser(
  platform: string = process.platform,
): Promise<string | undefined> {
  for (const path of BROWSER_CANDIDATES[platform] ?? []) {
    const mode = platform === 'win32' ? constants.F_OK : constants.X_OK
    if (
      await access(path, mode).then(
        () => true,
        () => false,
      )
    )
      return path
  }
  return undefined
}

/**
 * Where failure screenshots go by default: beside the history database
 * in the app's data folder (the userData of an app named
 * "launch-ready"), or LAUNCH_READY_SCREENSHOTS.
 */
export function defaultScreenshotDir(
  env: NodeJS.ProcessEnv = process.env,
  platform = process.platform,
): string {
  if (env.LAUNCH_READY_SCREENSHOTS) return env.LAUNCH_READY_SCREENSHOTS
  return join(appDataDir(env, platform), 'screenshots')
}

/** A step that failed, with the sentence the user reads. */
class StepFailure extends Error {
  override readonly name = 'StepFailure'
}

/** Runs the script once; expected failures come back as values. */
export async function runSyntheticLogin(
  script: SyntheticLogin,
  options: SyntheticOptions,
): Promise<SyntheticResult> {
  const steps: SyntheticStep[] = []
  const fail = (failedStep: string, reason: string, screenshot?: string) => ({
    ok: false as const,
    steps,
    totalMs: 0,
    failedStep,
    reason,
    ...(screenshot ? { screenshot } : {}),
  })
  const browserPath = script.browserPath ?? (await findBrowser())
  if (!browserPath) {
    return fail(
      'start browser',
      'No Chromium-family browser (Chromium, Chrome, Edge, Brave) was found on this machine. Install one, or set monitoring.syntheticLogin.browserPath.',
    )
  }
  const rules = await hostRules(script, options.net)
  if (!rules.ok) return fail('open login page', rules.reason)
  let browser: Browser
  try {
    browser = await chromium.launch({
      executablePath: browserPath,
      args: rules.args,
      timeout: 30_000,
    })
  } catch (error) {
    return fail(
      'start browser',
      `Could not start the browser at ${browserPath}: ${firstLine(error)}`,
    )
  }
  const onAbort = () => void browser.close().catch(() => {})
  options.signal?.addEventListener('abort', onAbort, { once: true })
  try {
    return await drive(browser, browserPath, script, options, steps)
  } finally {
    options.signal?.removeEventListener('abort', onAbort)
    await browser.close().catch(() => {})
  }
}

/** What Chromium is told about names, from the workspace's own DNS. */
async function hostRules(
  script: SyntheticLogin,
  net: SyntheticOptions['net'],
): Promise<{ ok: true; args: string[] } | { ok: false; reason: string }> {
  const urls = [script.url, script.criticalAction?.url].filter(
    (u): u is string => u !== undefined,
  )
  // Only a workspace with its own DNS servers needs mapping; otherwise
  // the browser asks the system's, as any visitor's would.
  const hosts = net.resolver.isCustom
    ? [...new Set(urls.map((u) => new URL(u).hostname))]
    : []
  const maps: string[] = []
  for (const host of hosts) {
    const found = await net.resolver.resolve(host)
    const address = found.a[0]?.address ?? found.aaaa[0]?.address
    if (!address) {
      const why = found.error ? messageOf(found.error) : 'it has no address'
      return { ok: false, reason: `Could not resolve ${host}: ${why}` }
    }
    maps.push(`MAP ${host} ${address.includes(':') ? `[${address}]` : address}`)
  }
  const pins: string[] = []
  if (net.extraCa.length > 0) {
    for (const url of new Set(urls.map((u) => new URL(u).origin))) {
      const pin = await verifiedKey(new URL(url), maps, net.ca)
      if (!pin.ok) return pin
      if (pin.spki) pins.push(pin.spki)
    }
  }
  // Any other name fails rather than leak to the system's resolver.
  if (maps.length > 0) maps.push('MAP * ~NOTFOUND')
  return {
    ok: true,
    args: [
      ...(maps.length > 0 ? [`--host-resolver-rules=${maps.join(', ')}`] : []),
      ...(pins.length > 0
        ? [`--ignore-certificate-errors-spki-list=${pins.join(',')}`]
        : []),
    ],
  }
}

/**
 * Chromium cannot be given a CA to trust, only server keys
 * (--ignore-certificate-errors-spki-list). With a private CA
 * (network.caFile) the certificate of each https origin is verified
 * here against the workspace's roots and its host name, and only then
 * is its key handed to the browser.
 */
async function verifiedKey(
  url: URL,
  maps: readonly string[],
  ca: readonly string[],
): Promise<{ ok: true; spki?: string } | { ok: false; reason: string }> {
  if (url.protocol !== 'https:') return { ok: true }
  const address = maps
    .find((m) => m.startsWith(`MAP ${url.hostname} `))
    ?.split(' ')[2]
    ?.replace(/^\[|\]$/g, '')
  const port = Number(url.port || 443)
  return new Promise((resolve) => {
    const socket = connect({
      host: address ?? url.hostname,
      port,
      servername: url.hostname,
      ca: [...ca],
      timeout: 10_000,
    })
    const done = (
      result: { ok: true; spki?: string } | { ok: false; reason: string },
    ) => {
      socket.destroy()
      resolve(result)
    }
    socket.once('secureConnect', () => {
      const raw = socket.getPeerCertificate().raw
      const key = new X509Certificate(raw).publicKey.export({
        type: 'spki',
        format: 'der',
      })
      done({
        ok: true,
        spki: createHash('sha256').update(key).digest('base64'),
      })
    })
    socket.once('timeout', () =>
      done({ ok: false, reason: `${url.host} did not complete TLS in 10 s.` }),
    )
    socket.once('error', (error) =>
      done({
        ok: false,
        reason: `The certificate of ${url.host} is not trusted: ${messageOf(error)}`,
      }),
    )
  })
}

async function drive(
  browser: Browser,
  browserPath: string,
  script: SyntheticLogin,
  options: SyntheticOptions,
  steps: SyntheticStep[],
): Promise<SyntheticResult> {
  const context = await browser.newContext()
  const page = await context.newPage()
  const started = performance.now()
  const elapsed = () => performance.now() - started
  const remaining = () => Math.max(1, script.budgetMs - elapsed())
  let current = 'open login page'
  const step = async (name: string, action: () => Promise<void>) => {
    current = name
    const atMs = elapsed()
    if (script.budgetMs - atMs <= 0) throw overBudget(script, name)
    try {
      await action()
    } catch (error) {
      steps.push({ step: name, atMs, ms: elapsed() - atMs, ok: false })
      if (error instanceof StepFailure) throw error
      if ((error as Error).name === 'TimeoutError') {
        throw overBudget(script, name)
      }
      throw new StepFailure(firstLine(error))
    }
    steps.push({ step: name, atMs, ms: elapsed() - atMs, ok: true })
    if (elapsed() > script.budgetMs) throw overBudget(script, name)
  }
  try {
    await step('open login page', async () => {
      const response = await page.goto(script.url, { timeout: remaining() })
      const status = response?.status() ?? 0
      if (status >= 400) {
        throw new StepFailure(`The login page answered HTTP ${status}.`)
      }
    })
    await step('fill username', () =>
      fill(page, script.usernameField, script.username, 'user name', remaining),
    )
    await step('fill password', async () => {
      const name = secretRefName(script.password) ?? ''
      const password = await options.secret(name)
      if (password === undefined) {
        throw new StepFailure(
          `The password "${name}" is not in the keychain; add it on the Credentials screen.`,
        )
      }
      await fill(page, script.passwordField, password, 'password', remaining)
    })
    await step('submit', async () => {
      await present(page, script.submit, 'submit button', remaining)
      await page.locator(script.submit).first().click({ timeout: remaining() })
      await page.waitForLoadState('load', { timeout: remaining() })
    })
    await step('dashboard visible', () => dashboard(page, script, remaining))
    const critical = script.criticalAction
    if (critical) {
      await step(critical.name, async () => {
        if (critical.url) {
          const response = await page.goto(critical.url, {
            timeout: remaining(),
          })
          const status = response?.status() ?? 0
          if (status >= 400) {
            throw new StepFailure(`${critical.url} answered HTTP ${status}.`)
          }
        }
        for (const s of critical.steps) {
          if (s.action === 'click') {
            await present(page, s.selector, 'element', remaining)
            await page.locator(s.selector).first().click({
              timeout: remaining(),
            })
          } else {
            const name = secretRefName(s.value)
            const value = name ? await options.secret(name) : s.value
            if (value === undefined) {
              throw new StepFailure(`The secret "${name}" is not set.`)
            }
            await fill(page, s.selector, value, 'field', remaining)
          }
        }
        await page.waitForLoadState('load', { timeout: remaining() })
        const wait = Math.min(remaining(), FIELD_WAIT_MS)
        await page
          .getByText(critical.expectText)
          .first()
          .waitFor({ state: 'visible', timeout: wait })
          .catch((error: unknown) => {
            if (wait < FIELD_WAIT_MS) throw error
            throw new StepFailure(
              `${page.url()} never showed "${critical.expectText}".`,
            )
          })
      })
    }
    return { ok: true, steps, totalMs: elapsed(), browser: browserPath }
  } catch (error) {
    const reason =
      error instanceof StepFailure ? error.message : firstLine(error)
    const totalMs = elapsed()
    const screenshot = await keepScreenshot(page, options.screenshotDir)
    return {
      ok: false,
      steps,
      totalMs,
      browser: browserPath,
      failedStep: current,
      reason,
      ...(screenshot ? { screenshot } : {}),
    }
  }
}

/** Fills the field `selector` names, failing clearly when it is missing. */
async function fill(
  page: Page,
  selector: string,
  value: string,
  what: string,
  remaining: () => number,
): Promise<void> {
  const field = await present(page, selector, `${what} field`, remaining)
  await field.fill(value, { timeout: remaining() })
}

/** The first match of `selector`, once attached; a StepFailure when none. */
async function present(
  page: Page,
  selector: string,
  what: string,
  remaining: () => number,
): Promise<Locator> {
  const found = page.locator(selector).first()
  const wait = Math.min(remaining(), FIELD_WAIT_MS)
  try {
    await found.waitFor({ state: 'attached', timeout: wait })
  } catch (error) {
    if ((error as Error).name !== 'TimeoutError') throw error
    // Cut short by the budget: that is what the step reports.
    if (wait < FIELD_WAIT_MS) throw error
    throw new StepFailure(
      `No ${what} matches ${JSON.stringify(selector)} on ${page.url()}; the page may have changed.`,
    )
  }
  return found
}

/**
 * The dashboard text, or the login form coming back (a wrong password)
 * — whichever shows first; a form that came back gets a short grace in
 * case the page signs in with a script and navigates later.
 */
async function dashboard(
  page: Page,
  script: SyntheticLogin,
  remaining: () => number,
): Promise<void> {
  const board = page.getByText(script.dashboardText).first()
  const form = page.locator(script.passwordField).first()
  await board.or(form).first().waitFor({
    state: 'visible',
    timeout: remaining(),
  })
  if (await board.isVisible()) return
  const grace = Math.min(remaining(), LOGIN_GRACE_MS)
  const shown = await board
    .waitFor({ state: 'visible', timeout: grace })
    .then(() => true)
    .catch(() => false)
  if (shown) return
  const alert = await page
    .getByRole('alert')
    .first()
    .textContent({ timeout: 200 })
    .catch(() => null)
  throw new StepFailure(
    `The login form came back instead of a page showing "${script.dashboardText}"` +
      (alert ? `, saying "${alert.trim()}"` : '') +
      '; the user name or password may be wrong.',
  )
}

function overBudget(script: SyntheticLogin, step: string): StepFailure {
  const seconds = (script.budgetMs / 1000).toLocaleString('en', {
    maximumFractionDigits: 1,
  })
  return new StepFailure(
    `The script ran over its ${seconds} s budget during "${step}".`,
  )
}

async function keepScreenshot(
  page: Page,
  dir: string,
): Promise<string | undefined> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  const path = join(dir, `synthetic-login-${stamp}.png`)
  try {
    await mkdir(dir, { recursive: true })
    await page.screenshot({ path, fullPage: true, timeout: 5000 })
    return path
  } catch {
    return undefined
  }
}

/** Playwright's first line, without its call log. */
function firstLine(error: unknown): string {
  return messageOf(error).split('\n')[0]!.trim()
}

/**
 * The scripted login as the scheduled monitor's probe: a failure's
 * reason names the step; the screenshot goes to `screenshotDir`.
 */
export async function probeSyntheticLogin(
  workspace: Workspace,
  net: SyntheticOptions['net'],
  signal: AbortSignal,
  options: {
    readonly vault?: Pick<Vault, 'get'>
    readonly screenshotDir?: string
  },
): Promise<ProbeResult> {
  const script = workspace.monitoring.syntheticLogin
  if (!script) return { ok: false, reason: 'No admin login is scripted.' }
  const result = await runSyntheticLogin(script, {
    net,
    secret: async (name) => options.vault?.get(name),
    screenshotDir: options.screenshotDir ?? defaultScreenshotDir(),
    signal,
  })
  if (result.ok) return { ok: true, durationMs: result.totalMs }
  const shot = result.screenshot ? ` Screenshot: ${result.screenshot}` : ''
  return {
    ok: false,
    durationMs: result.totalMs,
    reason: `At "${result.failedStep}": ${result.reason}${shot}`,
  }
}
