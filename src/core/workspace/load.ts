import { readFile, stat } from 'node:fs/promises'
import { resolve } from 'node:path'
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
import { WorkspaceSchema, type Workspace } from '../../shared/workspace'
import { messageOf, WorkspaceError, type WorkspaceIssue } from '../errors'
import { secretLikeValue } from './secret-values'

/** Larger than any hand-written workspace; refusing protects the app. */
export const MAX_WORKSPACE_BYTES = 1024 * 1024

/** A workspace read from disk, with what the user should be told about it. */
export interface LoadedWorkspace {
  readonly file: string
  readonly workspace: Workspace
  /** Values that look like real secrets: shown, never silently kept. */
  readonly warnings: readonly WorkspaceIssue[]
}

/** Reads, parses and validates a workspace file; throws WorkspaceError. */
export async function loadWorkspace(file: string): Promise<LoadedWorkspace> {
  const path = resolve(file)
  const text = await readWorkspaceText(path)
  const parsed = parseWorkspace(text, path)
  return { file: path, workspace: parsed.workspace, warnings: parsed.warnings }
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
  return { document, workspace: result.data, warnings }
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
