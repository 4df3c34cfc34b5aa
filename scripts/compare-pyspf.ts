import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { evaluateSpf } from '../src/core/email/spf'
import {
  loadSuite,
  SUITE_FILE,
  zoneResolver,
  type SuiteCase,
} from '../test/conformance/spf-suite'

/**
 * `npm run compare:pyspf`: runs every case of the RFC 7208 test suite
 * through our SPF evaluation and through pyspf (Debian's python3-spf),
 * each over the case's zone data, and prints where the two disagree on
 * the result or, for a fail, on the explanation. Exits 1 when they do.
 */

/** Debian's python3, which has python3-spf (another python3 may not). */
export const PYTHON = process.env['PYSPF_PYTHON'] ?? '/usr/bin/python3'
export const PYSPF_SCRIPT = fileURLToPath(
  new URL('./compare-pyspf.py', import.meta.url),
)

const run = promisify(execFile)

/** One case as pyspf and we answered it. */
export interface Disagreement {
  readonly id: string
  readonly expected: string
  readonly ours: string
  readonly pyspf: string
}

interface PyspfAnswer {
  readonly scenario: string
  readonly name: string
  readonly result: string
  readonly explanation: string
}

/** The cases of the suite on which our evaluation and pyspf differ. */
export async function comparePyspf(): Promise<{
  readonly cases: number
  readonly disagreements: readonly Disagreement[]
}> {
  const cases = await loadSuite()
  const theirs = await pyspfAnswers()
  const disagreements: Disagreement[] = []
  for (const c of cases) {
    const py = theirs.get(`${c.scenario} / ${c.name}`)
    const ours = await ourAnswer(c)
    const pyspf = py ? shown(py.result, py.explanation) : '(no answer)'
    if (ours !== pyspf) {
      disagreements.push({
        id: c.id,
        expected: shown(c.results.join(' or '), c.explanation),
        ours,
        pyspf,
      })
    }
  }
  return { cases: cases.length, disagreements }
}

async function pyspfAnswers(): Promise<Map<string, PyspfAnswer>> {
  const { stdout } = await run(
    PYTHON,
    [PYSPF_SCRIPT, 'suite', fileURLToPath(SUITE_FILE)],
    { maxBuffer: 16 * 1024 * 1024 },
  )
  const answers = stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as PyspfAnswer)
  return new Map(answers.map((a) => [`${a.scenario} / ${a.name}`, a]))
}

async function ourAnswer(c: SuiteCase): Promise<string> {
  const evaluation = await evaluateSpf(
    { ip: c.ip, sender: c.sender, helo: c.helo },
    zoneResolver(c.zone),
  )
  return shown(evaluation.result, evaluation.explanation ?? 'DEFAULT')
}

/** A result, with its explanation when it is a fail (RFC 7208 §6.2). */
function shown(result: string, explanation?: string): string {
  return result === 'fail' && explanation !== undefined
    ? `fail "${explanation}"`
    : result
}

async function main(): Promise<void> {
  const { cases, disagreements } = await comparePyspf()
  for (const d of disagreements) {
    console.log(
      `${d.id}\n  suite: ${d.expected}\n  ours:  ${d.ours}\n  pyspf: ${d.pyspf}`,
    )
  }
  console.log(
    `${cases} cases of the RFC 7208 suite: ours and pyspf disagree on ${disagreements.length}.`,
  )
  if (disagreements.length > 0) process.exitCode = 1
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error)
    process.exitCode = 2
  })
}
