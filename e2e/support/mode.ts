import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { ROOT } from './paths'

/** How the specs reach the app; the run prints which one it used. */
export type E2eMode = 'electron' | 'chromium bridge'

/**
 * The Electron binary, when one is installed. This reads what
 * `require('electron')` would return without calling it: that call
 * starts a download when the binary is missing, and this machine has no
 * network to download from.
 */
export function electronBinary(): string | undefined {
  try {
    const require = createRequire(join(ROOT, 'package.json'))
    const dir = dirname(require.resolve('electron/package.json'))
    const pathFile = join(dir, 'path.txt')
    if (!existsSync(pathFile)) return undefined
    const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim())
    return existsSync(binary) ? binary : undefined
  } catch {
    return undefined
  }
}

/** Electron where it exists, unless E2E_MODE=bridge asks otherwise. */
export function e2eMode(): E2eMode {
  if (process.env['E2E_MODE'] === 'bridge') return 'chromium bridge'
  return electronBinary() ? 'electron' : 'chromium bridge'
}
