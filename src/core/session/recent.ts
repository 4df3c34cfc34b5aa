import { existsSync, readFileSync } from 'node:fs'
import { mkdir, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'

const LIMIT = 10

/**
 * The recently opened workspace files, newest first, kept in a small
 * JSON file. Files that no longer exist drop out when read.
 */
export class RecentFiles {
  constructor(readonly file: string) {}

  list(): readonly string[] {
    let parsed: unknown
    try {
      parsed = JSON.parse(readFileSync(this.file, 'utf8'))
    } catch {
      return []
    }
    if (!Array.isArray(parsed)) return []
    return parsed
      .filter((p): p is string => typeof p === 'string' && existsSync(p))
      .slice(0, LIMIT)
  }

  async add(path: string): Promise<readonly string[]> {
    const next = [path, ...this.list().filter((p) => p !== path)].slice(
      0,
      LIMIT,
    )
    await mkdir(dirname(this.file), { recursive: true })
    const temp = `${this.file}.tmp`
    await writeFile(temp, JSON.stringify(next, null, 2))
    await rename(temp, this.file)
    return next
  }
}
