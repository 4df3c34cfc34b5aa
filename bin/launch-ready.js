#!/usr/bin/env node
// The `launch-ready` command: the built CLI (npm run build).
const { existsSync } = require('node:fs')
const { join } = require('node:path')

const cli = join(__dirname, '..', 'out', 'main', 'cli.js')
if (!existsSync(cli)) {
  process.stderr.write(
    'launch-ready: the CLI is not built yet; run `npm run build` first.\n',
  )
  process.exit(2)
}
const { main } = require(cli)
main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdin: process.stdin,
  env: process.env,
}).then((code) => {
  process.exitCode = code
})
