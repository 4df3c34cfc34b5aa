import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { git } from '../env/repo'
import { scanLogLine, type SecretHit } from '../env/secret-scan'
import { messageOf } from '../errors'

/**
 * Variables every build needs to find its tools and a place to write,
 * whatever the app documents; nothing else of this process's environment
 * reaches the build.
 */
const BASICS = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LC_ALL',
  'TZ',
  'TMPDIR',
  'TEMP',
  'TMP',
  // Windows cannot start most programs without these.
  'SYSTEMROOT',
  'COMSPEC',
  'PATHEXT',
  'WINDIR',
  'APPDATA',
  'LOCALAPPDATA',
  'USERPROFILE',
]

/** How long a killed build gets to exit before it is killed for good. */
const KILL_GRACE_MS = 2000

/** How findings name the log. */
const LOG_NAME = 'build log'

/** Lines kept for the finding; the whole log is scanned as it streams. */
const TAIL_LINES = 30

/** A line longer than this is cut when shown (the scan sees it whole). */
const MAX_SHOWN_LINE = 2000

export type BuildPhase = 'clone' | 'build' | 'cleanup'

/** What a clean build reports as it goes, for a progress display. */
export type BuildEvent =
  | { readonly type: 'phase'; readonly phase: BuildPhase; readonly ms: number }
  | {
      readonly type: 'log'
      readonly stream: 'stdout' | 'stderr'
      /** With likely secrets already masked. */
      readonly line: string
    }
  | { readonly type: 'finished'; readonly result: BuildResult }

export type BuildOutcome =
  'succeeded' | 'failed' | 'timed-out' | 'cancelled' | 'clone-failed'

export interface BuildResult {
  readonly outcome: BuildOutcome
  readonly exitCode: number | null
  /** The signal that ended the build, if one did. */
  readonly exitSignal: string | null
  readonly durationMs: number
  /** The commit that was built. */
  readonly commit?: string
  /** The variables the build was given, names only. */
  readonly variables: readonly string[]
  readonly logLines: number
  /** The last lines of the log, secrets masked. */
  readonly tail: readonly string[]
  /** Likely secrets the log printed: redacted, never the value. */
  readonly secrets: readonly SecretHit[]
  /** Why the clone failed, for outcome "clone-failed". */
  readonly error?: string
  /** The temporary folder, gone by the time this is returned. */
  readonly folder: string
}

export interface CleanBuildOptions {
  /** The git checkout whose HEAD is built. */
  readonly repoDir: string
  /** Run by the shell in the clone's root. */
  readonly command: string
  /** The documented variables and their values for the environment. */
  readonly variables: Readonly<Record<string, string>>
  readonly timeoutMs: number
  readonly signal?: AbortSignal
  readonly onEvent?: (event: BuildEvent) => void
  /** Where basics (PATH, HOME…) come from; this process's by default. */
  readonly baseEnv?: NodeJS.ProcessEnv
  /** Where the temporary folder goes; the system's by default. */
  readonly tempRoot?: string
}

/**
 * Clones the repository's HEAD into a temporary folder, runs the build
 * command there with only `variables` and the basics, and streams its
 * log. The folder is removed however the build ends: success, failure,
 * timeout or cancel (the whole process group is killed first).
 */
export async function cleanBuild(
  options: CleanBuildOptions,
): Promise<BuildResult> {
  const started = performance.now()
  const ms = () => Math.round(performance.now() - started)
  const emit = (event: BuildEvent) => {
    try {
      options.onEvent?.(event)
    } catch {
      // A broken progress display must not break the build.
    }
  }
  const folder = await mkdtemp(join(options.tempRoot ?? tmpdir(), 'lr-build-'))
  let result: BuildResult
  try {
    result = await buildIn(folder, options, emit, ms)
  } finally {
    emit({ type: 'phase', phase: 'cleanup', ms: ms() })
    await rm(folder, { recursive: true, force: true, maxRetries: 3 })
  }
  result = { ...result, durationMs: ms() }
  emit({ type: 'finished', result })
  return result
}

async function buildIn(
  folder: string,
  options: CleanBuildOptions,
  emit: (event: BuildEvent) => void,
  ms: () => number,
): Promise<BuildResult> {
  const clone = join(folder, 'src')
  const variables = Object.keys(options.variables).sort()
  const base = { folder, variables, exitCode: null, exitSignal: null }
  emit({ type: 'phase', phase: 'clone', ms: ms() })
  let commit: string
  try {
    options.signal?.throwIfAborted()
    commit = await cloneHead(options.repoDir, clone, options.signal)
  } catch (error) {
    const cancelled = options.signal?.aborted ?? false
    return {
      ...base,
      outcome: cancelled ? 'cancelled' : 'clone-failed',
      durationMs: ms(),
      logLines: 0,
      tail: [],
      secrets: [],
      error: cancelled ? undefined : messageOf(error),
    }
  }
  emit({ type: 'phase', phase: 'build', ms: ms() })
  const run = await runBuild(clone, options, emit)
  return { ...base, ...run, commit, durationMs: ms() }
}

/**
 * The same build as an async iterator of its events, ending with
 * `finished`: for a caller that forwards progress (an IPC stream). A
 * caller that stops iterating early cancels the build.
 */
export async function* cleanBuildEvents(
  options: Omit<CleanBuildOptions, 'onEvent'>,
): AsyncGenerator<BuildEvent> {
  const stop = new AbortController()
  const signal = options.signal
    ? AbortSignal.any([options.signal, stop.signal])
    : stop.signal
  const queue: BuildEvent[] = []
  let wake: (() => void) | undefined
  let failure: { error: unknown } | undefined
  let done = false
  const build = cleanBuild({
    ...options,
    signal,
    onEvent: (event) => {
      queue.push(event)
      wake?.()
    },
  })
    .catch((error: unknown) => (failure = { error }))
    .finally(() => {
      done = true
      wake?.()
    })
  try {
    while (true) {
      const next = queue.shift()
      if (next) {
        yield next
        continue
      }
      if (failure) throw failure.error
      if (done) return
      await new Promise<void>((resolve) => (wake = resolve))
      wake = undefined
    }
  } finally {
    // Stopped early: cancel, and return only once the folder is gone.
    stop.abort()
    await build
  }
}

async function cloneHead(
  repoDir: string,
  clone: string,
  signal?: AbortSignal,
): Promise<string> {
  // A file:// URL makes git use its network transport, so --depth is
  // honoured and nothing is hard-linked to the working repository.
  const url = pathToFileURL(repoDir).href
  await git(
    repoDir,
    ['clone', '--quiet', '--no-hardlinks', '--depth', '1', url, clone],
    signal,
  )
  return (await git(clone, ['rev-parse', 'HEAD'], signal)).trim()
}

type RunResult = Pick<
  BuildResult,
  'outcome' | 'exitCode' | 'exitSignal' | 'logLines' | 'tail' | 'secrets'
>

function runBuild(
  cwd: string,
  options: CleanBuildOptions,
  emit: (event: BuildEvent) => void,
): Promise<RunResult> {
  const baseEnv = options.baseEnv ?? process.env
  // CI=1 is how build tools learn not to prompt, watch or draw spinners.
  const env: NodeJS.ProcessEnv = { CI: '1' }
  for (const name of BASICS) {
    if (baseEnv[name] !== undefined) env[name] = baseEnv[name]
  }
  Object.assign(env, options.variables)

  const child = spawn(options.command, {
    cwd,
    env,
    shell: true,
    // Its own process group, so a cancel reaches everything it started.
    detached: process.platform !== 'win32',
    stdio: ['ignore', 'pipe', 'pipe'],
    windowsHide: true,
  })
  const log = new LogScanner(emit)
  child.stdout.on('data', (chunk: Buffer) => log.write('stdout', chunk))
  child.stderr.on('data', (chunk: Buffer) => log.write('stderr', chunk))

  return new Promise((resolve) => {
    let stoppedBy: 'timed-out' | 'cancelled' | undefined
    const stop = (why: 'timed-out' | 'cancelled') => {
      if (stoppedBy) return
      stoppedBy = why
      killTree(child)
    }
    const timer = setTimeout(() => stop('timed-out'), options.timeoutMs)
    const onAbort = () => stop('cancelled')
    options.signal?.addEventListener('abort', onAbort, { once: true })
    if (options.signal?.aborted) onAbort()

    let finished = false
    const finish = (code: number | null, signal: string | null) => {
      // 'error' (it never started) can be followed by 'close'.
      if (finished) return
      finished = true
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
      log.end()
      resolve({
        outcome: stoppedBy ?? (code === 0 ? 'succeeded' : 'failed'),
        exitCode: code,
        exitSignal: signal,
        logLines: log.lines,
        tail: log.tail,
        secrets: log.secrets,
      })
    }
    child.once('error', (error) => {
      log.note(`Could not start the build: ${error.message}`)
      finish(null, null)
    })
    child.once('close', (code, signal) => finish(code, signal))
  })
}

/** SIGTERM to the build's process group, then SIGKILL if it lingers. */
function killTree(child: ChildProcess): void {
  if (child.pid === undefined) return
  if (process.platform === 'win32') {
    spawn('taskkill', ['/pid', String(child.pid), '/T', '/F'], {
      windowsHide: true,
    })
    return
  }
  const pid = child.pid
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal)
    } catch {
      // Already gone.
    }
  }
  signalGroup('SIGTERM')
  const force = setTimeout(() => signalGroup('SIGKILL'), KILL_GRACE_MS)
  force.unref()
  child.once('close', () => {
    clearTimeout(force)
    // Stragglers that ignored SIGTERM but did not hold the pipes open.
    signalGroup('SIGKILL')
  })
}

/**
 * Splits the build's output into lines as it arrives, scans each for
 * secrets before it is shown, emits it masked and keeps only the tail:
 * memory stays bounded however long the log.
 */
class LogScanner {
  lines = 0
  readonly tail: string[] = []
  readonly secrets: SecretHit[] = []
  readonly #partial = { stdout: '', stderr: '' }

  constructor(private readonly emit: (event: BuildEvent) => void) {}

  write(stream: 'stdout' | 'stderr', chunk: Buffer): void {
    const text = this.#partial[stream] + chunk.toString('utf8')
    const parts = text.split(/\r?\n/)
    this.#partial[stream] = parts.pop() ?? ''
    for (const line of parts) this.#line(stream, line)
  }

  /** Flushes the last partial lines. */
  end(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.#partial[stream]) this.#line(stream, this.#partial[stream])
      this.#partial[stream] = ''
    }
  }

  /** A line of Launch Ready's own in the log. */
  note(text: string): void {
    this.#line('stderr', text)
  }

  #line(stream: 'stdout' | 'stderr', line: string): void {
    this.lines += 1
    // Line by line rather than as one stream: a line is shown only once
    // it has been checked (about 50 µs a line, measured on this repo's
    // rules; a long build log of 50,000 lines costs under 3 s).
    const scanned = scanLogLine(line, LOG_NAME, this.lines)
    this.secrets.push(...scanned.hits)
    const shown = scanned.shown.slice(0, MAX_SHOWN_LINE)
    this.tail.push(shown)
    if (this.tail.length > TAIL_LINES) this.tail.shift()
    this.emit({ type: 'log', stream, line: shown })
  }
}
