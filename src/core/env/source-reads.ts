import { readFile, lstat } from 'node:fs/promises'
import { join } from 'node:path'
import ts from 'typescript'
import { listFiles } from './repo'

/** One place the code reads an environment variable. */
export interface EnvRead {
  readonly name: string
  /** Relative to the repository, with forward slashes. */
  readonly file: string
  /** 1-based. */
  readonly line: number
  readonly column: number
}

/** What a scan of the source found, and what it passed over. */
export interface SourceScan {
  readonly reads: readonly EnvRead[]
  readonly filesParsed: number
  /** Files too large to parse, relative to the repository. */
  readonly skipped: readonly string[]
}

const SOURCE_FILE = /\.(?:[cm]?[jt]s|[jt]sx)$/i

/**
 * Tests and their fixtures read variables the deployed app never needs
 * (CI tokens, test databases); counting them would demand documentation
 * for things production must not have.
 */
const TEST_FILE =
  /(?:^|\/)(?:__tests__|__mocks__|tests?|e2e|fixtures?)\/|\.(?:test|spec)\.[^/]+$/i

/** Declaration files describe types, never read anything. */
const DECLARATION_FILE = /\.d\.[cm]?ts$/i

/** Minified bundles and generated files are not worth parsing. */
export const MAX_SOURCE_BYTES = 1024 * 1024

/**
 * Names the runtime or the bundler provides itself, so no env file sets
 * them: NODE_ENV (set by every Node tool and host), and Vite's built-in
 * import.meta.env fields (https://vite.dev/guide/env-and-mode).
 */
const PROVIDED = new Set(['NODE_ENV'])
const VITE_BUILT_INS = new Set(['MODE', 'BASE_URL', 'PROD', 'DEV', 'SSR'])

/**
 * Finds every environment variable the JS/TS source of the repository at
 * `dir` reads: `process.env.X`, `process.env['X']`, `import.meta.env.X`
 * and `const { X, Y } = process.env`. Files are those git tracks or would
 * track (not ignored), outside tests. Dynamic names (`process.env[key]`)
 * cannot be known and are not reported.
 */
export async function scanSource(
  dir: string,
  signal?: AbortSignal,
): Promise<SourceScan> {
  const files = (await listFiles(dir, { untracked: true, signal })).filter(
    (f) =>
      SOURCE_FILE.test(f) && !TEST_FILE.test(f) && !DECLARATION_FILE.test(f),
  )
  const reads: EnvRead[] = []
  const skipped: string[] = []
  let filesParsed = 0
  for (const file of files) {
    signal?.throwIfAborted()
    const path = join(dir, file)
    // lstat: a tracked symlink may point outside the repository.
    const info = await lstat(path).catch(() => undefined)
    if (!info?.isFile()) continue
    if (info.size > MAX_SOURCE_BYTES) {
      skipped.push(file)
      continue
    }
    reads.push(...findEnvReads(await readFile(path, 'utf8'), file))
    filesParsed += 1
  }
  return { reads, filesParsed, skipped }
}

/** The environment variables one source text reads, in source order. */
export function findEnvReads(text: string, file: string): EnvRead[] {
  const source = ts.createSourceFile(
    file,
    text,
    ts.ScriptTarget.Latest,
    true,
    scriptKind(file),
  )
  const reads: EnvRead[] = []
  const add = (name: string, node: ts.Node, vite: boolean) => {
    if (PROVIDED.has(name) || (vite && VITE_BUILT_INS.has(name))) return
    const at = source.getLineAndCharacterOfPosition(node.getStart(source))
    reads.push({ name, file, line: at.line + 1, column: at.character + 1 })
  }
  const visit = (node: ts.Node): void => {
    const read = envRead(node)
    if (read) add(read.name, node, read.vite)
    if (
      ts.isVariableDeclaration(node) &&
      ts.isObjectBindingPattern(node.name)
    ) {
      const env = node.initializer && envObject(node.initializer)
      if (env) {
        for (const element of node.name.elements) {
          const name = boundName(element)
          if (name) add(name, element, env === 'vite')
        }
      }
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return reads
}

function scriptKind(file: string): ts.ScriptKind {
  if (/\.tsx$/i.test(file)) return ts.ScriptKind.TSX
  if (/\.[cm]?ts$/i.test(file)) return ts.ScriptKind.TS
  if (/\.jsx$/i.test(file)) return ts.ScriptKind.JSX
  return ts.ScriptKind.JS
}

/** `process.env.X` / `process.env['X']` / `import.meta.env.X`. */
function envRead(node: ts.Node): { name: string; vite: boolean } | undefined {
  if (ts.isPropertyAccessExpression(node)) {
    const env = envObject(node.expression)
    return env && { name: node.name.text, vite: env === 'vite' }
  }
  if (ts.isElementAccessExpression(node)) {
    const env = envObject(node.expression)
    const key = node.argumentExpression
    if (env && ts.isStringLiteralLike(key)) {
      return { name: key.text, vite: env === 'vite' }
    }
  }
  return undefined
}

/** Whether `node` is `process.env` (node) or `import.meta.env` (vite). */
function envObject(node: ts.Expression): 'node' | 'vite' | undefined {
  let inner: ts.Expression = node
  while (ts.isParenthesizedExpression(inner) || ts.isNonNullExpression(inner))
    inner = inner.expression
  if (!ts.isPropertyAccessExpression(inner) || inner.name.text !== 'env') {
    return undefined
  }
  const owner = inner.expression
  if (ts.isIdentifier(owner) && owner.text === 'process') return 'node'
  if (
    ts.isPropertyAccessExpression(owner) &&
    owner.name.text === 'process' &&
    ts.isIdentifier(owner.expression) &&
    owner.expression.text === 'globalThis'
  ) {
    return 'node'
  }
  if (
    ts.isMetaProperty(owner) &&
    owner.keywordToken === ts.SyntaxKind.ImportKeyword &&
    owner.name.text === 'meta'
  ) {
    return 'vite'
  }
  return undefined
}

/** The variable a `{ A, B: b, ['C']: c }` element reads; not `...rest`. */
function boundName(element: ts.BindingElement): string | undefined {
  if (element.dotDotDotToken) return undefined
  const key = element.propertyName ?? element.name
  if (ts.isIdentifier(key) || ts.isStringLiteralLike(key)) return key.text
  if (
    ts.isComputedPropertyName(key) &&
    ts.isStringLiteralLike(key.expression)
  ) {
    return key.expression.text
  }
  return undefined
}
