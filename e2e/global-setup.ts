import { build } from 'esbuild'
import { existsSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { updateWorkspace } from '../src/core/workspace/save'
import { startWorld, type World } from '../test/world/world'
import { e2eMode } from './support/mode'
import { PLANTED_KEY } from './support/planted'
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
  await saveWorldInfo(world, {
    repo: await writeRepoWorkspace(
      world,
      'shop-repo',
      'Shop with its repository',
    ),
    walk: await writeRepoWorkspace(world, 'walk-repo', 'Shop (handed over)'),
    monitored: await writeMonitoredWorkspace(world),
  })
  return () => world.stop()
}

/**
 * The world's workspace with a repository that has a key committed in a
 * test fixture: what the secrets and walk-through specs scan, accept or
 * fix. Each gets its own, as each changes it. The key is assembled here
 * so this file is not itself a finding.
 */
async function writeRepoWorkspace(
  world: World,
  name: string,
  title: string,
): Promise<string> {
  // Beside the world's workspace, whose CA file is a relative path.
  const repo = join(world.dir, name)
  await mkdir(join(repo, 'test'), { recursive: true })
  await writeFile(
    join(repo, 'test', 'fixture.ts'),
    `export const revokedKey = '${PLANTED_KEY}'\n`,
  )
  execFileSync('git', ['init', '-q'], { cwd: repo })
  const file = join(world.dir, `${name}.launchready.yaml`)
  await copyFile(world.workspaceFile, file)
  await updateWorkspace(file, [
    { path: ['name'], value: title },
    { path: ['repo'], value: { path: name } },
  ])
  return file
}

/**
 * The world's workspace with monitoring set up: its canonical page, the
 * world's webhook receiver as a Slack channel, and the receiver as the
 * "am I online?" reference, so nothing is asked of the internet.
 */
async function writeMonitoredWorkspace(world: World): Promise<string> {
  const file = join(world.dir, 'monitored.launchready.yaml')
  await copyFile(world.workspaceFile, file)
  await updateWorkspace(file, [
    { path: ['name'], value: 'Shop (monitored)' },
    {
      path: ['monitoring'],
      value: {
        owner: 'Sam Founder',
        daily: { tls: false, records: false },
        referenceUrls: [`${world.webhookOrigin}/__world/webhook`],
        alerts: [
          {
            kind: 'slack',
            name: 'ops-slack',
            url: `${world.webhookOrigin}/services/T0/B0/e2e`,
          },
        ],
      },
    },
  ])
  return file
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
