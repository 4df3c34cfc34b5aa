import { randomBytes } from 'node:crypto'
import { link, rename, rm, writeFile } from 'node:fs/promises'
import { extname } from 'node:path'
import { WorkspaceError } from '../errors'

/**
 * Writes through a temporary file, so a crash mid-write leaves either the
 * old file or the new one, never half of each. A new file is linked into
 * place, which fails rather than replace one that appeared meanwhile.
 */
export async function writeAtomically(
  path: string,
  text: string,
  overwrite: boolean,
) {
  const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`
  await writeFile(temp, text, { flag: 'wx' })
  try {
    if (overwrite) {
      await rename(temp, path)
    } else {
      await link(temp, path)
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new WorkspaceError('save the workspace', path, [
        { path: '', message: 'a file with that name already exists' },
      ])
    }
    throw error
  } finally {
    await rm(temp, { force: true })
  }
}

/** True for a workspace kept as JSON rather than YAML. */
export function isJson(path: string): boolean {
  return extname(path).toLowerCase() === '.json'
}
