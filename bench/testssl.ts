import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { rmSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify, stripVTControlCharacters } from 'node:util'

/**
 * Runs testssl.sh (Debian's `testssl`, 3.0.8 here) against hosts of the
 * test world and reads its JSON findings. Loopback only: the address is
 * given with --ip and testssl does no DNS of its own.
 */

/**
 * How many testssl processes run at once. testssl is a bash script that
 * forks openssl hundreds of times per host, so it is CPU-bound; 4 keeps a
 * small machine busy without starving the world's servers.
 */
export const TESTSSL_PARALLEL = 4

/** One host for testssl: the name it checks, the address it connects to. */
export interface TestsslTarget {
  readonly name: string
  readonly address: string
  readonly port: number
}

/** One entry of testssl's JSON output. */
export interface TestsslFinding {
  readonly id: string
  readonly severity: string
  readonly finding: string
}

/** What testssl said about one host, or why it said nothing. */
export interface TestsslScan {
  readonly target: TestsslTarget
  /** By id, e.g. "cert_chain_of_trust". */
  readonly findings: ReadonlyMap<string, TestsslFinding>
  readonly ms: number
  readonly error?: string
}

export interface TestsslOptions {
  /** The world's root CA, for --add-ca. */
  readonly caFile: string
  readonly parallel?: number
  /** Per host; a healthy host takes 30–60 s with `-p -S`. */
  readonly timeoutMs?: number
}

/** The options every run uses: protocols (-p) and server defaults (-S). */
function testsslArgs(target: TestsslTarget, caFile: string, json: string) {
  return [
    ...['--quiet', '--color', '0', '--warnings', 'off'],
    // No DNS at all: the system resolver is not on loopback.
    ...['--nodns', 'none', '--ip', target.address],
    ...['--add-ca', caFile, '-p', '-S', '--jsonfile-pretty', json],
    `${target.name}:${target.port}`,
  ]
}

/**
 * testssl probes its own openssl with `s_client -connect invalid.` at
 * start-up, which asks the system resolver for "invalid." — off loopback
 * here. NXCONNECT is its own knob for that address (added for WSL,
 * testssl #1738); pointing it at 127.0.0.1:0 keeps every packet local.
 */
const TESTSSL_ENV = { ...process.env, NXCONNECT: '127.0.0.1:0' }

/** testssl's version, e.g. "3.0.8", or "not installed". */
export async function testsslVersion(): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)('testssl', ['--version'], {
      env: TESTSSL_ENV,
    })
    // Its banner is coloured whatever --color says.
    const plain = stripVTControlCharacters(stdout)
    return /testssl\s+(\S+)/.exec(plain)?.[1] ?? 'unknown version'
  } catch {
    return 'not installed'
  }
}

/**
 * Scans every target, `parallel` at a time. Returns the scans in the
 * targets' order and the wall time of the whole run.
 */
export async function runTestssl(
  targets: readonly TestsslTarget[],
  options: TestsslOptions,
): Promise<{ readonly scans: TestsslScan[]; readonly ms: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'launch-ready-testssl-'))
  tempDirs.add(dir)
  const started = performance.now()
  try {
    const scans: TestsslScan[] = new Array(targets.length)
    let next = 0
    const worker = async () => {
      while (next < targets.length) {
        const index = next++
        const json = join(dir, `${index}.json`)
        scans[index] = await scanOne(targets[index]!, json, options)
      }
    }
    const width = Math.min(options.parallel ?? TESTSSL_PARALLEL, targets.length)
    await Promise.all(Array.from({ length: width }, worker))
    return { scans, ms: performance.now() - started }
  } finally {
    await rm(dir, { recursive: true, force: true })
    tempDirs.delete(dir)
  }
}

async function scanOne(
  target: TestsslTarget,
  json: string,
  options: TestsslOptions,
): Promise<TestsslScan> {
  const started = performance.now()
  const run = await runProcess(
    testsslArgs(target, options.caFile, json),
    options.timeoutMs ?? 300_000,
  )
  const ms = performance.now() - started
  let findings: Map<string, TestsslFinding>
  try {
    findings = readFindings(JSON.parse(await readFile(json, 'utf8')))
  } catch {
    findings = new Map()
  }
  const problem = [...findings.values()].find((f) => f.severity === 'FATAL')
  const error =
    findings.size === 0
      ? `testssl wrote no findings (${run.outcome}): ${run.tail}`
      : problem
        ? `testssl: ${problem.finding}`
        : undefined
  return { target, findings, ms, ...(error ? { error } : {}) }
}

/** Every finding of every section of `--jsonfile-pretty` output. */
function readFindings(json: unknown): Map<string, TestsslFinding> {
  const found = new Map<string, TestsslFinding>()
  const results = (json as { scanResult?: unknown[] }).scanResult ?? []
  for (const result of results) {
    for (const section of Object.values(result as object)) {
      if (!Array.isArray(section)) continue
      for (const entry of section as Partial<TestsslFinding>[]) {
        if (typeof entry.id !== 'string') continue
        found.set(entry.id, {
          id: entry.id,
          severity: String(entry.severity ?? ''),
          finding: String(entry.finding ?? ''),
        })
      }
    }
  }
  return found
}

/** testssl processes still running, so an exit can kill them. */
const running = new Set<ChildProcess>()
/** Output dirs of runs not finished, so an exit can remove them. */
const tempDirs = new Set<string>()

/**
 * Kills every testssl still running, with the openssl processes it
 * forked (each testssl leads its own process group), and removes the
 * output of unfinished runs: an exit (Ctrl-C) skips their `finally`.
 */
export function stopTestssl(): void {
  for (const child of running) killGroup(child)
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true })
}

process.once('exit', stopTestssl)

function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL')
  } catch {
    // ESRCH: the group is gone already.
  }
}

/** How one testssl process ended, and the last of what it printed. */
interface ProcessRun {
  readonly outcome: string
  readonly tail: string
}

/** Last characters of output kept, to explain a failed run. */
const TAIL_CHARS = 600

function runProcess(args: string[], timeoutMs: number): Promise<ProcessRun> {
  return new Promise((resolve) => {
    // Its own process group, so a timeout kills its openssl children too.
    const child = spawn('testssl', args, {
      env: TESTSSL_ENV,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    running.add(child)
    let tail = ''
    const keep = (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-TAIL_CHARS)
    }
    child.stdout.on('data', keep)
    child.stderr.on('data', keep)
    let timedOut = false
    let settled = false
    const timer = setTimeout(() => {
      timedOut = true
      killGroup(child)
    }, timeoutMs)
    // A child that fails to start may report 'error' and then 'close'.
    const done = (outcome: string) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      running.delete(child)
      resolve({ outcome, tail: tail.trim().split('\n').slice(-3).join(' | ') })
    }
    child.once('error', (error) => done(`could not start: ${error.message}`))
    child.once('close', (code, signal) =>
      done(
        timedOut
          ? `timed out after ${timeoutMs / 1000} s`
          : signal
            ? `killed by ${signal}`
            : `exit code ${code}`,
      ),
    )
  })
}
