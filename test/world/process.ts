import { spawn, type ChildProcess } from 'node:child_process'
import { constants, rmSync } from 'node:fs'
import { access } from 'node:fs/promises'
import { delimiter, join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

/**
 * Child processes of the test world: finding the program, starting it in
 * the foreground, waiting until it serves, and stopping it for sure.
 */

/** A world server that failed to start, with what it printed. */
export class WorldError extends Error {
  override name = 'WorldError'

  constructor(
    readonly program: string,
    readonly reason: string,
    readonly output = '',
    options?: { cause?: unknown },
  ) {
    const detail = errorLines(output)
    super(
      `Could not start ${program}: ${reason}${detail ? ` (${detail})` : ''}`,
      options,
    )
  }
}

/** knotd's "2026-01-02T03:04:05+0000 " and nginx's "2026/01/02 03:04:05 ". */
const TIMESTAMP = /^(\d{4}-\d\d-\d\dT\S+|\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d) /

/** Enough lines to say what went wrong; the rest is in `output`. */
const MAX_ERROR_LINES = 4

/** nginx's "[emerg] 1234#1234: " process and thread ids. */
const NGINX_PID = /^(\[\w+\]) \d+#\d+: /

/**
 * The lines of a server's output that explain a failure: its error lines
 * when it printed any (nginx "[emerg]", knotd "error:"), else the last few.
 */
function errorLines(output: string): string {
  const lines = output
    .split('\n')
    .filter((l) => l.trim() !== '')
    // Timestamps and ids only make a one-line message harder to read.
    .map((l) => l.replace(TIMESTAMP, '').replace(NGINX_PID, '$1 '))
  const errors = lines.filter((l) =>
    /\[(emerg|alert|crit|error)\]|\b(error|critical|fatal):/i.test(l),
  )
  // nginx repeats its bind() errors once per retry; once is enough.
  const unique = [...new Set(errors.length > 0 ? errors : lines.slice(-5))]
  const more = unique.length - MAX_ERROR_LINES
  return [
    ...unique.slice(0, MAX_ERROR_LINES),
    ...(more > 0 ? [`… and ${more} more`] : []),
  ].join('\n')
}

/**
 * Where Debian puts server programs; a normal user's PATH lacks them.
 * Checked after PATH.
 */
const SYSTEM_DIRS = ['/usr/sbin', '/usr/local/sbin', '/sbin']

/** The program's full path, or a WorldError saying it is not installed. */
export async function findProgram(
  name: string,
  override: string | undefined,
  installHint: string,
): Promise<string> {
  if (override !== undefined) {
    if (await isExecutable(override)) return override
    throw new WorldError(name, `${override} is not an executable file`)
  }
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...SYSTEM_DIRS]
  for (const dir of dirs.filter(Boolean)) {
    const path = join(dir, name)
    if (await isExecutable(path)) return path
  }
  throw new WorldError(
    name,
    `the program is not installed (looked in PATH and ${SYSTEM_DIRS.join(', ')}; ${installHint})`,
  )
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** How a server process ended. */
export interface ExitInfo {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
}

/** A server program the world runs in the foreground. */
export interface ServerProcess {
  /** The name used in messages, e.g. "knotd". */
  readonly name: string
  readonly pid: number
  /** Resolves once the process has exited, however it ended. */
  readonly exited: Promise<ExitInfo>
  /** True once the process has exited. */
  hasExited(): boolean
  /** The last lines it wrote to stdout and stderr so far. */
  output(): string
  /** The same, once its pipes have closed (briefly waited for). */
  finalOutput(): Promise<string>
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it is gone. */
  stop(graceMs?: number): Promise<void>
}

/** Enough output to explain a failure without growing for ever. */
const OUTPUT_LIMIT = 16 * 1024

/** Children still running; killed if this process exits without stop(). */
const running = new Set<ChildProcess>()
/** Temp dirs to remove if this process exits without stop(). */
const dirs = new Set<string>()
let exitHookInstalled = false

/**
 * Starts `program` with `args`, capturing its output. Resolves once the
 * process exists (not once it serves: see `waitUntilReady`); throws a
 * WorldError when it cannot be spawned at all.
 */
export async function startProcess(
  name: string,
  program: string,
  args: readonly string[],
): Promise<ServerProcess> {
  installExitHook()
  // A process group of its own, so one signal reaches nginx's workers
  // too: a worker whose master was killed keeps the ports otherwise.
  const child = spawn(program, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  let output = ''
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_LIMIT)
  }
  child.stdout?.on('data', append)
  child.stderr?.on('data', append)

  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve)
    child.once('error', (error) =>
      reject(new WorldError(name, error.message, '', { cause: error })),
    )
  })
  running.add(child)
  // Later errors (a failed kill) must not crash the test run.
  child.on('error', (error) => append(Buffer.from(`${error.message}\n`)))
  let exitInfo: ExitInfo | undefined
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child)
      exitInfo = { code, signal }
      resolve(exitInfo)
    })
  })
  // 'close' follows 'exit' once the pipes are drained; an nginx worker
  // that outlives its master could hold them open, so wait only briefly.
  const closed = new Promise<void>((resolve) => child.once('close', resolve))
  return {
    name,
    pid: child.pid!,
    exited,
    hasExited: () => exitInfo !== undefined,
    output: () => output,
    finalOutput: async () => {
      await Promise.race([closed, sleep(250)])
      return output
    },
    stop: (graceMs = 3000) => stopChild(child, exited, graceMs),
  }
}

async function stopChild(
  child: ChildProcess,
  exited: Promise<ExitInfo>,
  graceMs: number,
): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    // The main process first, so nginx stops its workers the normal way.
    child.kill('SIGTERM')
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs)
    try {
      await exited
    } finally {
      clearTimeout(timer)
    }
  }
  // Anything of its group that outlived it goes too.
  killGroup(child, 'SIGKILL')
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal)
  } catch {
    // ESRCH: the whole group is gone already.
  }
}

/**
 * A safety net for a run that ends without calling stop() (a test
 * runner that exits first): servers and temp dirs must not outlive it.
 * A parent killed with SIGKILL cannot run this; its servers then stay
 * until killed by hand, and the next world on that net says which port
 * is taken.
 */
function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once('exit', cleanUpNow)
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, function onSignal() {
      // Servers have their own process group, so a Ctrl-C in the terminal
      // no longer reaches them. Whoever else handles the signal exits
      // through 'exit' (or calls stop()); alone, we clean up and let the
      // signal do what it would have done.
      if (process.listenerCount(signal) > 1) return
      cleanUpNow()
      process.removeListener(signal, onSignal)
      process.kill(process.pid, signal)
    })
  }
}

function cleanUpNow(): void {
  for (const child of running) killGroup(child, 'SIGKILL')
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
}

/**
 * Removes `dir` when this process exits, unless the returned function
 * is called first (after a normal cleanup).
 */
export function removeOnExit(dir: string): () => void {
  installExitHook()
  dirs.add(dir)
  return () => dirs.delete(dir)
}

/**
 * Polls `probe` until it resolves true. Throws a WorldError naming the
 * program, with its output, when it exits first or `timeoutMs` passes.
 */
export async function waitUntilReady(
  server: ServerProcess,
  probe: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    if (server.hasExited()) throw await exitError(server)
    if (await probe().catch(() => false)) {
      if (!server.hasExited()) return
      throw await exitError(server)
    }
    if (performance.now() > deadline) {
      throw new WorldError(
        server.name,
        `it did not answer within ${timeoutMs / 1000} s`,
        server.output(),
      )
    }
    await sleep(15)
  }
}

async function exitError(server: ServerProcess): Promise<WorldError> {
  const { code, signal } = await server.exited
  const how = signal
    ? `it was killed by ${signal}`
    : `it exited with code ${code}`
  return new WorldError(server.name, how, await server.finalOutput())
}
