import { Readable } from 'node:stream'
import { main, type CliIo } from '../../src/cli/index'

/** What a test sets of the CLI's surroundings; output is captured. */
export type CliSetup = Partial<Omit<CliIo, 'stdout' | 'stderr' | 'stdin'>> & {
  /** Text on standard input; empty by default. */
  readonly stdin?: string
}

/** A CLI run in progress, and what it has printed so far. */
export interface CliRun {
  readonly done: Promise<number>
  readonly stdout: string
  readonly stderr: string
}

/** Starts `launch-ready argv` in-process, for a command that runs long. */
export function startCli(argv: string[], setup: CliSetup = {}): CliRun {
  let stdout = ''
  let stderr = ''
  const { stdin = '', env = {}, ...rest } = setup
  const io: CliIo = {
    ...rest,
    env,
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    stdin: Readable.from([stdin]),
  }
  const done = main(argv, io)
  return {
    done,
    get stdout() {
      return stdout
    },
    get stderr() {
      return stderr
    },
  }
}

/** Runs `launch-ready argv` in-process to its end. */
export async function runCli(argv: string[], setup: CliSetup = {}) {
  const run = startCli(argv, setup)
  const code = await run.done
  return { code, stdout: run.stdout, stderr: run.stderr }
}
