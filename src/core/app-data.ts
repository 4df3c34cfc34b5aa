import { homedir } from 'node:os'
import { join } from 'node:path'

/**
 * The app's data folder as Electron names it for an app called
 * "launch-ready" (its userData), so the CLI and the app share history
 * and screenshots: ~/.config/launch-ready on Linux, Application Support
 * on macOS, %APPDATA% on Windows.
 */
export function appDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform = process.platform,
): string {
  const home = env.HOME ?? homedir()
  const base =
    platform === 'darwin'
      ? join(home, 'Library', 'Application Support')
      : platform === 'win32'
        ? (env.APPDATA ?? join(home, 'AppData', 'Roaming'))
        : (env.XDG_CONFIG_HOME ?? join(home, '.config'))
  return join(base, 'launch-ready')
}
