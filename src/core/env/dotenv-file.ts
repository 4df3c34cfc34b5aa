import { readFile, stat } from 'node:fs/promises'
import { parse } from 'dotenv'

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

/**
 * Reads a dotenv file; undefined when it does not exist. Throws for one
 * that cannot be read or is too large to be an env file.
 */
export async function readDotenv(
  path: string,
): Promise<DotenvFile | undefined> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined
    throw error
  })
  if (!info) return undefined
  if (!info.isFile()) throw new Error(`${path} is not a file`)
  if (info.size > MAX_DOTENV_BYTES) {
    throw new Error(`${path} is ${info.size} bytes, too large for an env file`)
  }
  return parseDotenv(await readFile(path, 'utf8'))
}
