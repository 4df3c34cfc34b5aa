import { spawn, type ChildProcess } from 'node:child_process'

/**
 * Short-lived helper processes of the bench (curl, the load driver):
 * run one, read what it printed, and never leave one behind — a timeout
 * kills it, and so does the bench's own exit (Ctrl-C skips `finally`).
 */

/** What a finished process printed. */
export interface ChildOutput {
  readonly stdout: string
  readonly stderr: string
}

/** Children still running, so an exit can kill them. */
const running = new Set<ChildProcess>()

process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

export interface ChildOptions {
  readonly timeoutMs: number
  readonly cwd?: string
  /** What to call it in an error; the command by default. */
  readonly label?: string
}

/**
 * Runs `command` with `args` to its end. Rejects, naming it, when it
 * cannot start, exits non-zero, is killed, or takes longer than
 * `timeoutMs` (then it is killed first).
 */
export function runChild(
  command: string,
  args: readonly string[],
  options: ChildOptions,
): Promise<ChildOutput> {
  const name = options.label ?? command
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    running.add(child)
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk))
    let timedOut = false
    let settled = false
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, options.timeoutMs)
    // A child that fails to start may report 'error' and then 'close'.
    const settle = (problem?: string) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      running.delete(child)
      const stdout = Buffer.concat(out).toString()
      const stderr = Buffer.concat(err).toString()
      if (!problem) return resolve({ stdout, stderr })
      const tail = stderr.trim().split('\n').slice(-3).join(' | ')
      reject(
        new Error(`Could not run ${name}: ${problem}${tail && ` (${tail})`}`),
      )
    }
    child.once('error', (error) => settle(`it did not start: ${error.message}`))
    child.once('close', (code, signal) => {
      if (timedOut) settle(`timed out after ${options.timeoutMs / 1000} s`)
      else if (signal) settle(`killed by ${signal}`)
      else settle(code === 0 ? undefined : `exit code ${code}`)
    })
  })
}
