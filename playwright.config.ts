import { defineConfig } from '@playwright/test'

/**
 * E2E: the built app, in Electron where a binary is installed, otherwise
 * the renderer in Debian's Chromium with the real main-process services
 * bridged in (see e2e/fixtures.ts). One worker: the specs share the
 * test world and the keychain.
 */
export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  globalSetup: './e2e/global-setup.ts',
  outputDir: 'test-results/e2e',
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env['CI'],
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 30_000 },
  // The JSON report feeds the "N passed, N failed" line of .ci/run.
  reporter: [
    ['list'],
    ['json', { outputFile: 'test-results/playwright.json' }],
  ],
  use: {
    viewport: { width: 1280, height: 860 },
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      // Without these Chromium reaches out to Google's services on start.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        // Chromium's own services (updates, account list, autofill) still
        // look up Google's hosts through the system resolver, which is not
        // on loopback: refuse every lookup but the renderer's address.
        // Left over, and harmless: each lookup first runs Chromium's IPv6
        // reachability probe, a connect() of a UDP socket to
        // 2001:4860:4860::8888 that sends nothing; loopback-only lists it.
        '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
      ],
    },
  },
})
