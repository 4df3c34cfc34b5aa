import { readFile, stat } from 'node:fs/promises'
import { parse } from 'dotenv'
import { LaunchReadyError, messageOf } from '../errors'

/** One variable a dotenv file sets. */
export interface DotenvEntry {
  readonly name: string
  readonly value: string
  /** 1-based line of its (last) assignment. */
  readonly line: number
}

/** A dotenv file, read the way the `dotenv` package reads it. */
export interface DotenvFile {
  readonly entries: ReadonlyMap<string, DotenvEntry>
}

/** No hand-kept env file comes close; a bigger one is not an env file. */
export const MAX_DOTENV_BYTES = 1024 * 1024

const ASSIGNMENT = /^\s*(?:export\s+)?([\w.-]+)\s*[=:]/

/** Parses dotenv text; values as `dotenv.parse` gives them. */
export function parseDotenv(text: string): DotenvFile {
  const values = parse(text)
  // dotenv returns values only; the line of each name is found here, the
  // last one winning as it does in dotenv.
  const lines = new Map<string, number>()
  text.split(/\r?\n/).forEach((line, i) => {
    const name = ASSIGNMENT.exec(line)?.[1]
    if (name !== undefined) lines.set(name, i + 1)
  })
  const entries = new Map<string, DotenvEntry>()
  for (const [name, value] of Object.entries(values)) {
    entries.set(name, { name, value, line: lines.get(name) ?? 0 })
  }
  return { entries }
}

/** An env file that exists but cannot be read as one. */
export class EnvFileError extends LaunchReadyError {
  override name = 'EnvFileError' as const
  constructor(reason: string, path: string, options?: { cause?: unknown }) {
    super('read the env file', reason, path, options)
  }
}

/**
 * Reads a dotenv file; undefined when it does not exist. Throws
 * EnvFileError for one that cannot be read or is too large to be one.
 */
export async function readDotenv(
  path: string,
): Promise<DotenvFile | undefined> {
  try {
    const info = await stat(path)
    if (!info.isFile()) throw new EnvFileError('it is not a file', path)
    if (info.size > MAX_DOTENV_BYTES) {
      throw new EnvFileError(
        `it is ${info.size} bytes, too large for an env file`,
        path,
      )
    }
    return parseDotenv(await readFile(path, 'utf8'))
  } catch (error) {
    if (error instanceof EnvFileError) throw error
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return undefined
    throw new EnvFileError(
      code === 'EACCES' ? 'permission denied' : messageOf(error),
      path,
      { cause: error },
    )
  }
}
