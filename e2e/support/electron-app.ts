import { _electron as electron } from '@playwright/test'
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { keychainVault } from '../../src/core/vault/vault'
import type { LaunchedApp, LaunchOptions } from './launched-app'
import { MAIN_ENTRY, ROOT } from './paths'

/**
 * The real app: Electron running out/main with a fresh user-data
 * folder. The OS file dialogs cannot be driven, so main's `dialog`
 * answers with the test's paths instead.
 */
export async function launchElectron(
  executablePath: string,
  options: LaunchOptions,
): Promise<LaunchedApp> {
  const service = `launch-ready-e2e-${randomBytes(4).toString('hex')}`
  const app = await electron.launch({
    executablePath,
    args: [MAIN_ENTRY],
    cwd: ROOT,
    env: {
      ...process.env,
      LAUNCH_READY_USER_DATA: options.userData,
      LAUNCH_READY_KEYCHAIN_SERVICE: service,
      LAUNCH_READY_SQLITE_BINDING: electronSqliteBinding(),
    },
  })
  await app.evaluate(({ dialog }, paths) => {
    Object.assign(dialog, {
      showOpenDialog: async () => ({
        canceled: false,
        filePaths: [paths.workspaceFile],
      }),
      showSaveDialog: async (
        _window: unknown,
        o: { defaultPath?: string },
      ) => ({
        canceled: false,
        filePath: `${paths.newWorkspaceDir}/${o.defaultPath ?? 'new.launchready.yaml'}`,
      }),
    })
  }, dialogAnswers(options))
  const page = await app.firstWindow()
  options.watch(page)
  await page.waitForLoadState('domcontentloaded')
  return {
    mode: 'electron',
    page,
    newWorkspaceDir: options.newWorkspaceDir,
    mainLog: () =>
      readFile(join(options.userData, 'logs', 'main.log'), 'utf8').catch(
        () => '',
      ),
    async close() {
      await app.close()
      await clearKeychain(service)
    },
  }
}

/** Only data crosses into main: the paths the dialogs answer with. */
function dialogAnswers({ workspaceFile, newWorkspaceDir }: LaunchOptions) {
  return { workspaceFile, newWorkspaceDir }
}

/** better-sqlite3 built for Electron, prepared as `npm start` does. */
function electronSqliteBinding(): string {
  return execFileSync(
    process.execPath,
    ['scripts/start.mjs', '--binding-only'],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  ).trim()
}

/** The test's own keychain service: remove everything it stored. */
async function clearKeychain(service: string): Promise<void> {
  const vault = keychainVault(service)
  for (const name of await vault.list()) await vault.delete(name)
}
