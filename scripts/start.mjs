// `npm start`: builds the app and opens it in Electron.
// `node scripts/start.mjs --binding-only` prepares the native module and
// prints its path (the e2e specs' Electron mode uses it).
//
// better-sqlite3 is a native module, and Electron's ABI differs from
// Node's: the tests and the CLI use the Node build in node_modules, so the
// Electron build lives apart, under .tools/, and the app is pointed at it
// with LAUNCH_READY_SQLITE_BINDING.
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'

const require = createRequire(import.meta.url)
const root = resolve(import.meta.dirname, '..')

function electronBinary() {
  try {
    return require('electron')
  } catch {
    return undefined
  }
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options })
  return result.status === 0
}

const electron = electronBinary()
if (!electron || !existsSync(electron)) {
  console.error(
    "Electron's binary is not installed (was ELECTRON_SKIP_BINARY_DOWNLOAD " +
      'set?). Install it with `npx install-electron`, or run `npm install` ' +
      'again without that variable. The CLI and the tests work without it.',
  )
  process.exit(1)
}

const version = require('electron/package.json').version
const dir = join(root, '.tools', `electron-${version}`, 'better-sqlite3')
const binding = join(dir, 'build', 'Release', 'better_sqlite3.node')
if (!existsSync(binding)) {
  console.error(`Getting better-sqlite3 for Electron ${version}…`)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const source = join(root, 'node_modules', 'better-sqlite3')
  cpSync(source, dir, {
    recursive: true,
    filter: (path) => !path.startsWith(join(source, 'build')),
  })
  const prebuild = join(root, 'node_modules', '.bin', 'prebuild-install')
  const ok = run(prebuild, ['--runtime', 'electron', '--target', version], {
    cwd: dir,
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  if (!ok || !existsSync(binding)) {
    console.error(
      `Could not get better-sqlite3 built for Electron ${version}. Build it ` +
        `in ${dir} with node-gyp for the Electron runtime, then run npm start again.`,
    )
    process.exit(1)
  }
}

if (process.argv.includes('--binding-only')) {
  console.log(binding)
  process.exit(0)
}

const started = run(
  join(root, 'node_modules', '.bin', 'electron-vite'),
  ['preview', ...process.argv.slice(2)],
  { env: { ...process.env, LAUNCH_READY_SQLITE_BINDING: binding } },
)
process.exit(started ? 0 : 1)
