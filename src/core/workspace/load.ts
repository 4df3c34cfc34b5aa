import { readFile, stat, writeFile } from 'node:fs/promises'
import { extname, resolve } from 'node:path'
import {
  Document,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Node,
} from 'yaml'
import type { z } from 'zod'
import {
  WORKSPACE_VERSION,
  WorkspaceSchema,
  type Workspace,
} from '../../shared/workspace'
import { messageOf, WorkspaceError, type WorkspaceIssue } from '../errors'
import {
  declaredVersion,
  migrateDocument,
  OLDEST_VERSION,
  type Migration,
} from './migrate'
import { secretLikeValue } from './secret-values'
import { isJson, writeAtomically } from './write-file'

/** Larger than any hand-written workspace; refusing protects the app. */
export const MAX_WORKSPACE_BYTES = 1024 * 1024

/** A workspace read from disk, with what the user should be told about it. */
export interface LoadedWorkspace {
  readonly file: string
  readonly workspace: Workspace
  /** Values that look like real secrets: shown, never silently kept. */
  readonly warnings: readonly WorkspaceIssue[]
  /** Set when the file was from an older schema version. */
  readonly migrated?: MigratedFile
}

/** An older file brought up to date, and where its original is kept. */
export interface MigratedFile extends Migration {
  /** The original, kept beside the file; undefined when not saved. */
  readonly backup?: string
  /** Why the migrated file could not be saved, when it could not. */
  readonly unsaved?: string
}

export interface LoadOptions {
  /**
   * What to do with a file from an older version: `save` (the default)
   * keeps the original beside it and saves the migrated file; `memory`
   * migrates it for this session only and leaves the disk alone.
   */
  readonly migrate?: 'save' | 'memory'
}

/**
 * Reads, parses and validates a workspace file; throws WorkspaceError.
 * A file from an older schema version is migrated, its original kept as
 * `<name>.v<old>.bak.yaml`; one from a newer version is refused.
 */
export async function loadWorkspace(
  file: string,
  options: LoadOptions = {},
): Promise<LoadedWorkspace> {
  const path = resolve(file)
  const text = await readWorkspaceText(path)
  const parsed = parseWorkspace(text, path)
  const loaded = {
    file: path,
    workspace: parsed.workspace,
    warnings: parsed.warnings,
  }
  if (!parsed.migration) return loaded
  if (options.migrate === 'memory') {
    return { ...loaded, migrated: parsed.migration }
  }
  return { ...loaded, migrated: await saveMigrated(path, text, parsed) }
}

/**
 * Keeps the original text beside the file, then replaces the file with
 * the migrated document. The backup is written first and never over an
 * existing one, so the original survives a crash between the two.
 */
async function saveMigrated(
  path: string,
  original: string,
  parsed: ParsedWorkspace,
): Promise<MigratedFile> {
  const migration = parsed.migration!
  const text = isJson(path)
    ? JSON.stringify(parsed.document.toJS(), null, 2) + '\n'
    : parsed.document.toString({ lineWidth: 0 })
  // What is written must open again as the current version.
  parseWorkspace(text, path)
  let backup: string | undefined
  try {
    backup = await keepOriginal(path, original, migration.from)
    await writeAtomically(path, text, true)
    return { ...migration, backup }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const reason =
      code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
        ? 'the folder is read-only'
        : messageOf(error)
    return { ...migration, ...(backup ? { backup } : {}), unsaved: reason }
  }
}

/** `shop.launchready.yaml` → `shop.launchready.v0.bak.yaml` (or `.2.`…). */
export function backupPath(path: string, version: number, n = 1): string {
  const ext = extname(path)
  const base = ext ? path.slice(0, -ext.length) : path
  return `${base}.v${version}.bak${n > 1 ? `.${n}` : ''}${ext || '.yaml'}`
}

/**
 * Writes the original text of a file at `version` beside it, under the
 * first backup name not taken; returns that name.
 */
export async function keepOriginal(
  path: string,
  text: string,
  version: number,
): Promise<string> {
  for (let n = 1; ; n++) {
    const backup = backupPath(path, version, n)
    try {
      await writeFile(backup, text, { flag: 'wx' })
      return backup
    } catch (error) {
      const exists = (error as NodeJS.ErrnoException).code === 'EEXIST'
      if (!exists || n >= 100) throw error
    }
  }
}

async function readWorkspaceText(path: string): Promise<string> {
  try {
    const info = await stat(path)
    if (!info.isFile()) {
      throw new WorkspaceError('open the workspace', path, [
        { path: '', message: 'this is not a file' },
      ])
    }
    if (info.size > MAX_WORKSPACE_BYTES) {
      throw new WorkspaceError('open the workspace', path, [
        {
          path: '',
          message: `the file is ${info.size} bytes, more than the ${MAX_WORKSPACE_BYTES} a workspace may be`,
        },
      ])
    }
    return await readFile(path, 'utf8')
  } catch (error) {
    if (error instanceof WorkspaceError) throw error
    const code = (error as NodeJS.ErrnoException).code
    const message =
      code === 'ENOENT'
        ? 'the file does not exist'
        : code === 'EACCES'
          ? 'permission denied'
          : messageOf(error)
    throw new WorkspaceError(
      'open the workspace',
      path,
      [{ path: '', message }],
      {
        cause: error,
      },
    )
  }
}

/** A parsed workspace document, kept so a save can preserve comments. */
export interface ParsedWorkspace {
  readonly document: Document.Parsed
  readonly workspace: Workspace
  readonly warnings: readonly WorkspaceIssue[]
  /** Set when the text was an older version, migrated in `document`. */
  readonly migration?: Migration
}

/**
 * Parses workspace text (YAML, or JSON which YAML 1.2 reads too) and
 * validates it. Every issue names the field, line and column.
 */
export function parseWorkspace(text: string, file: string): ParsedWorkspace {
  const lines = new LineCounter()
  const document = parseDocument(text, {
    lineCounter: lines,
    prettyErrors: false,
  })
  const at = (offset: number | undefined) => {
    if (offset === undefined) return {}
    const { line, col } = lines.linePos(offset)
    return { line, column: col }
  }

  if (document.errors.length > 0) {
    throw new WorkspaceError(
      'read the workspace',
      file,
      document.errors.map((e) => ({
        path: '',
        message: e.message.split('\n')[0] ?? e.code,
        ...at(e.pos[0]),
      })),
    )
  }

  const migration = checkVersion(document, file, at)

  const result = WorkspaceSchema.safeParse(document.toJS())
  if (!result.success) {
    throw new WorkspaceError(
      'read the workspace',
      file,
      result.error.issues.map((issue) => toIssue(document, issue, at)),
    )
  }

  const warnings: WorkspaceIssue[] = []
  walkScalars(document.contents, [], (path, value, node) => {
    const field = String(
      [...path].reverse().find((p) => typeof p === 'string') ?? '',
    )
    const reason = secretLikeValue(field, value)
    if (reason) {
      warnings.push({
        path: formatPath(path),
        message: `${reason}; keep it in the keychain and write "secret:NAME" here`,
        ...at(node.range?.[0]),
      })
    }
  })
  return {
    document,
    workspace: result.data,
    warnings,
    ...(migration ? { migration } : {}),
  }
}

/**
 * Refuses a file from a newer version (its fields may mean something
 * this app does not know) and migrates one from an older version in
 * place. Anything else about `version` is left to the schema.
 */
function checkVersion(
  document: Document.Parsed,
  file: string,
  at: (offset: number | undefined) => { line?: number; column?: number },
): Migration | undefined {
  const version = declaredVersion(document)
  if (version === undefined) return undefined
  if (version > WORKSPACE_VERSION) {
    const node = document.get('version', true) as Node | undefined
    throw new WorkspaceError('open the workspace', file, [
      {
        path: 'version',
        message:
          `the file is workspace version ${version}, newer than the ` +
          `version ${WORKSPACE_VERSION} this copy of Launch Ready reads; ` +
          `update Launch Ready to open it`,
        ...at(node?.range?.[0]),
      },
    ])
  }
  if (version < WORKSPACE_VERSION && version >= OLDEST_VERSION) {
    return migrateDocument(document, version)
  }
  return undefined
}

type Path = readonly (string | number)[]

function toIssue(
  document: Document.Parsed,
  issue: z.core.$ZodIssue,
  at: (offset: number | undefined) => { line?: number; column?: number },
): WorkspaceIssue {
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))
  // A missing field has no node of its own: point at the nearest parent.
  let node: Node | undefined
  for (let depth = path.length; depth >= 0 && !node; depth--) {
    const found = document.getIn(path.slice(0, depth), true)
    node = depth === 0 ? (document.contents ?? undefined) : (found as Node)
  }
  let message = issue.message
  if (issue.code === 'unrecognized_keys') {
    message = `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}`
  } else if (issue.code === 'invalid_type' && issue.input === undefined) {
    message = 'is required'
  }
  return { path: formatPath(path), message, ...at(node?.range?.[0]) }
}

/** `network.resolvers[0]` from ['network', 'resolvers', 0]. */
export function formatPath(path: Path): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`))
    .join('')
}

function walkScalars(
  node: unknown,
  path: Path,
  visit: (path: Path, value: string, node: Node) => void,
): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key)
      walkScalars(pair.value, [...path, key], visit)
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => walkScalars(item, [...path, i], visit))
  } else if (isScalar(node) && typeof node.value === 'string') {
    visit(path, node.value, node)
  }
}
