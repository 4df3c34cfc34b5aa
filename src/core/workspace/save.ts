import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { Document } from 'yaml'
import type { WorkspaceInput } from '../../shared/workspace'
import { WorkspaceError, type WorkspaceIssue } from '../errors'
import { keepOriginal, parseWorkspace, type LoadedWorkspace } from './load'
import { isJson, writeAtomically } from './write-file'

const HEADER = [
  ' Launch Ready workspace (schema version 1).',
  ' Secret values never go in this file: write "secret:NAME" and keep the',
  ' value in the keychain (Credentials screen, or `launch-ready secret set`).',
].join('\n')

export interface SaveOptions {
  /** Replace an existing file; off by default so nothing is clobbered. */
  readonly overwrite?: boolean
  /** Save even though a value looks like a real secret (user confirmed). */
  readonly allowSecrets?: boolean
}

/** Writes a new workspace file from form input. */
export async function createWorkspace(
  file: string,
  input: WorkspaceInput,
  options: SaveOptions = {},
): Promise<LoadedWorkspace> {
  const path = resolve(file)
  const document = new Document(input)
  document.commentBefore = HEADER
  const text = isJson(path)
    ? JSON.stringify(input, null, 2) + '\n'
    : document.toString({ lineWidth: 0 })
  return commit(path, text, [], options)
}

/** One change to a workspace: set the value at a path, or remove it. */
export interface WorkspaceEdit {
  readonly path: readonly (string | number)[]
  readonly value: unknown
}

/**
 * Applies edits to the file on disk, keeping the user's comments and
 * layout wherever the YAML library can, and re-validates before writing.
 */
export async function updateWorkspace(
  file: string,
  edits: readonly WorkspaceEdit[],
  options: SaveOptions = {},
): Promise<LoadedWorkspace> {
  const path = resolve(file)
  const original = await readFile(path, 'utf8')
  const before = parseWorkspace(original, path)
  const { document } = before
  for (const edit of edits) {
    if (edit.value === undefined) document.deleteIn(edit.path)
    else document.setIn(edit.path, edit.value)
  }
  const text = isJson(path)
    ? JSON.stringify(document.toJS(), null, 2) + '\n'
    : document.toString({ lineWidth: 0 })
  // A file still at an older version (opened without saving its
  // migration) keeps its original beside it, as opening would have.
  const backup = before.migration
    ? await keepOriginal(path, original, before.migration.from)
    : undefined
  const saved = await commit(path, text, before.warnings, {
    ...options,
    overwrite: true,
  })
  return before.migration
    ? { ...saved, migrated: { ...before.migration, backup } }
    : saved
}

async function commit(
  path: string,
  text: string,
  knownWarnings: readonly WorkspaceIssue[],
  options: SaveOptions,
): Promise<LoadedWorkspace> {
  // Validate exactly what will be written, so a save can never produce a
  // file the app then refuses to open.
  const parsed = parseWorkspace(text, path)
  const known = new Set(knownWarnings.map((w) => w.path))
  const fresh = parsed.warnings.filter((w) => !known.has(w.path))
  if (fresh.length > 0 && !options.allowSecrets) {
    throw new WorkspaceError('save the workspace', path, fresh)
  }
  await writeAtomically(path, text, options.overwrite ?? false)
  return { file: path, workspace: parsed.workspace, warnings: parsed.warnings }
}
