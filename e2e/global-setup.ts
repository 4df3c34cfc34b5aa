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
import { startSilentDns, writeSilentWorkspace } from './support/silent-dns'
import { saveWorldInfo } from './support/world-info'

/** The e2e world's address block, apart from the unit tests' world. */
const E2E_NET = 2

/**
 * Once per run: say which mode the specs use, check the build is there,
 * bundle the bridge's page script, and start the test world and a DNS
 * server that never answers. Returns the teardown that stops them.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const mode = e2eMode()
  console.log(`e2e mode: ${mode}`)
  requireBuild(mode === 'electron' ? MAIN_ENTRY : RENDERER_DIR)
  await rm(RUN_DIR, { recursive: true, force: true })
  await mkdir(RUN_DIR, { recursive: true })
  if (mode === 'chromium bridge') await bundleInitScript()
  const world = await startWorld({ net: E2E_NET })
  const silent = await startSilentDns(world)
  await saveWorldInfo(world, await writeSilentWorkspace(world, silent))
  return async () => {
    await silent.close()
    await world.stop()
  }
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
