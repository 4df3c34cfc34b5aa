// The CLI in a process of its own, straight from the sources (node with
// tsx's loader), so a test can send it real signals.
import { main } from '../../src/cli/index'

main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdin: process.stdin,
  env: process.env,
}).then((code) => {
  process.exitCode = code
})
