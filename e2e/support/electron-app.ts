import { _electron as electron } from '@playwright/test'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { keychainVault } from '../../src/core/vault/vault'
import type { LaunchedApp, LaunchOptions } from './launched-app'
import { MAIN_ENTRY, ROOT } from './paths'

/** Names the specs give the credentials they create. */
export const E2E_SECRET_PREFIX = 'e2e-'

/**
 * The real app: Electron running out/main with a fresh user-data
 * folder. The OS file dialogs cannot be driven, so main's `dialog`
 * answers with the test's paths instead.
 */
export async function launchElectron(
  executablePath: string,
  options: LaunchOptions,
): Promise<LaunchedApp> {
  const app = await electron.launch({
    executablePath,
    args: [MAIN_ENTRY],
    cwd: ROOT,
    env: { ...process.env, LAUNCH_READY_USER_DATA: options.userData },
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
      await clearSpecSecrets()
    },
  }
}

/** Only data crosses into main: the paths the dialogs answer with. */
function dialogAnswers({ workspaceFile, newWorkspaceDir }: LaunchOptions) {
  return { workspaceFile, newWorkspaceDir }
}

/** The app uses the real keychain service; remove what specs added. */
async function clearSpecSecrets(): Promise<void> {
  const vault = keychainVault()
  for (const name of await vault.list()) {
    if (name.startsWith(E2E_SECRET_PREFIX)) await vault.delete(name)
  }
}
