import { join, resolve } from 'node:path'

/** Where the e2e run finds the build and keeps what it makes. */
export const ROOT = resolve(__dirname, '../..')
export const OUT = join(ROOT, 'out')
export const RENDERER_DIR = join(OUT, 'renderer')
export const MAIN_ENTRY = join(OUT, 'main', 'index.js')
export const RESULTS_DIR = join(ROOT, 'test-results')
/** Shared between the global setup and the workers of one run. */
export const RUN_DIR = join(RESULTS_DIR, 'e2e-run')
export const INIT_SCRIPT = join(RUN_DIR, 'bridge-init.js')
export const WORLD_INFO = join(RUN_DIR, 'world.json')
export const SCREENSHOTS_DIR = join(ROOT, 'e2e', 'screenshots')
