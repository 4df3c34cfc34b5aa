import { build } from 'esbuild'
import { existsSync } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { startWorld } from '../test/world/world'
import { e2eMode } from './support/mode'
import {
  INIT_SCRIPT,
  MAIN_ENTRY,
  RENDERER_DIR,
  ROOT,
  RUN_DIR,
} from './support/paths'
import { saveWorldInfo } from './support/world-info'

/**
 * Once per run: say which mode the specs use, check the build is there,
 * bundle the bridge's page script, and start the test world on a free
 * address block. Returns the teardown that stops it.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const mode = e2eMode()
  console.log(`e2e mode: ${mode}`)
  requireBuild(mode === 'electron' ? MAIN_ENTRY : RENDERER_DIR)
  await rm(RUN_DIR, { recursive: true, force: true })
  await mkdir(RUN_DIR, { recursive: true })
  if (mode === 'chromium bridge') await bundleInitScript()
  const world = await startWorld({ net: 'auto' })
  await saveWorldInfo(world)
  return () => world.stop()
}

function requireBuild(path: string): void {
  if (!existsSync(path)) {
    throw new Error(
      `The e2e specs need the built app, and ${path} is missing. ` +
        'Run `npm run build` first (`npm test` does).',
    )
  }
}

/** The script the bridge injects: `window.api` over the bridge. */
async function bundleInitScript(): Promise<void> {
  await build({
    entryPoints: [join(ROOT, 'e2e', 'bridge', 'init-script.ts')],
    outfile: INIT_SCRIPT,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    logLevel: 'warning',
  })
}
