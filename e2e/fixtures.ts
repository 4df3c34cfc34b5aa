import {
  chromium,
  test as base,
  type Browser,
  type Page,
  type TestInfo,
} from '@playwright/test'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { launchBridge } from './bridge/bridge'
import { serveStatic } from './bridge/static-server'
import { launchElectron } from './support/electron-app'
import type { LaunchedApp, LaunchOptions } from './support/launched-app'
import { e2eMode, electronBinary } from './support/mode'
import { RENDERER_DIR, SCREENSHOTS_DIR } from './support/paths'
import { loadWorldInfo, type WorldInfo } from './support/world-info'

interface TestFixtures {
  /** Which workspace "Open workspace…" picks. */
  readonly workspace: 'world' | 'dead dns' | 'repo' | 'walk' | 'monitored'
  /** The app, started fresh for this test in the run's mode. */
  readonly app: LaunchedApp
  /** Saves the window as e2e/screenshots/NAME.png. */
  readonly shoot: (
    name: string,
    options?: { fullPage?: boolean },
  ) => Promise<void>
}

interface WorkerFixtures {
  readonly world: WorldInfo
  /** Bridge mode only: the built renderer's http origin. */
  readonly rendererOrigin: string | undefined
  /** Bridge mode only: Debian's Chromium, as the config launches it. */
  readonly bridgeBrowser: Browser | undefined
}

const bridged = e2eMode() === 'chromium bridge'

export const test = base.extend<TestFixtures, WorkerFixtures>({
  workspace: ['world', { option: true }],
  world: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => use(await loadWorldInfo()),
    { scope: 'worker' },
  ],
  rendererOrigin: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      if (!bridged) return use(undefined)
      const server = await serveStatic(RENDERER_DIR)
      await use(server.origin)
      await server.close()
    },
    { scope: 'worker' },
  ],
  bridgeBrowser: [
    async ({ launchOptions }, use) => {
      if (!bridged) return use(undefined)
      const browser = await chromium.launch(launchOptions)
      await use(browser)
      await browser.close()
    },
    { scope: 'worker' },
  ],
  app: async (
    { world, workspace, rendererOrigin, bridgeBrowser, viewport },
    use,
    testInfo,
  ) => {
    const scratch = await mkdtemp(join(tmpdir(), 'launch-ready-e2e-'))
    const problems: string[] = []
    const options: LaunchOptions = {
      userData: join(scratch, 'user-data'),
      workspaceFile: {
        world: world.workspaceFile,
        'dead dns': world.deadDnsWorkspaceFile,
        repo: world.repoWorkspaceFile,
        walk: world.walkWorkspaceFile,
        monitored: world.monitoredWorkspaceFile,
      }[workspace],
      newWorkspaceDir: join(scratch, 'workspaces'),
      watch: (page) => watchForProblems(page, problems),
    }
    await mkdir(options.newWorkspaceDir, { recursive: true })
    const app = bridgeBrowser
      ? await launchBridge({
          ...options,
          browser: bridgeBrowser,
          contextOptions: { viewport },
          origin: rendererOrigin!,
          logFile: testInfo.outputPath('main.log'),
          onRefused: (url) => problems.push(`request outside the app: ${url}`),
        })
      : await launchElectron(electronBinary()!, options)
    try {
      await use(app)
      await attachOnFailure(app, testInfo)
    } finally {
      await app.close()
      await rm(scratch, { recursive: true, force: true })
    }
    if (problems.length > 0) {
      throw new Error(`The window reported problems:\n${problems.join('\n')}`)
    }
  },
  shoot: async ({ app }, use, testInfo) => {
    await use(async (name, options) => {
      const path = join(SCREENSHOTS_DIR, `${name}.png`)
      await app.page.screenshot({ path, fullPage: options?.fullPage })
      await testInfo.attach(name, { path, contentType: 'image/png' })
    })
  },
})

export { expect } from '@playwright/test'

/** Page errors and console errors (CSP violations among them) fail a test. */
function watchForProblems(page: Page, problems: string[]): void {
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`)
  })
}

async function attachOnFailure(
  app: LaunchedApp,
  testInfo: TestInfo,
): Promise<void> {
  if (testInfo.status === testInfo.expectedStatus) return
  const screenshot = await app.page.screenshot().catch(() => undefined)
  if (screenshot) {
    await testInfo.attach('window at failure', {
      body: screenshot,
      contentType: 'image/png',
    })
  }
  await testInfo.attach('main.log', {
    body: await app.mainLog(),
    contentType: 'text/plain',
  })
}
