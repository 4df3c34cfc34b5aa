// Prints "N passed, N failed" from the Vitest and Playwright JSON reports
// of the last `npm test`, counting each failed CI step (format, lint, …)
// given as an argument as one failure more. Exits 1 on any failure.
import { existsSync, readFileSync } from 'node:fs'

const steps = process.argv.slice(2)
let passed = 0
let failed = 0

const vitest = read('test-results/vitest.json')
if (vitest) {
  passed += vitest.numPassedTests
  failed += vitest.numFailedTests
} else if (!steps.includes('test')) {
  steps.push('test (no Vitest report)')
}

const playwright = read('test-results/playwright.json')
if (playwright) {
  passed += playwright.stats.expected
  failed += playwright.stats.unexpected + playwright.stats.flaky
}

for (const step of steps) console.log(`failed step: ${step}`)
failed += steps.length
console.log(`${passed} passed, ${failed} failed`)
process.exitCode = failed > 0 ? 1 : 0

function read(file) {
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined
}
