import {
  closeSync,
  existsSync,
  constants,
  fstatSync,
  openSync,
  readSync,
  type Dirent,
} from 'node:fs'
import { readdir, readFile, realpath, stat } from 'node:fs/promises'
import { isAscii } from 'node:buffer'
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { join, relative, sep } from 'node:path'
import ignore, { type Ignore } from 'ignore'
import { fingerprint } from './detect'
import { defaultRules } from './rules'
import { detectorFor, isBinary, type SourceOptions } from './scan'
import { DEFAULTS, SourceScanner } from './source'
import type { ScanResult, SecretFinding, Skipped } from './types'

/**
 * Scans a working tree: every file git would see (.gitignore honoured,
 * .git left out), minus the rule set's allowlisted paths (lock files,
 * vendored code, images). Symbolic links are followed inside the tree
 * only, and each folder is entered once, so link loops end.
 */

export interface TreeOptions extends SourceOptions {
  /** Stop listing after this many files, with a note. */
  readonly maxFiles?: number
  /** Threads that read and scan files; by default one per core (≤ 4). */
  readonly workers?: number
}

interface Rules {
  readonly base: string
  readonly ignore: Ignore
}

interface Walk {
  readonly root: string
  readonly realRoot: string
  readonly files: string[]
  readonly skipped: Skipped[]
  readonly visited: Set<string>
  ignored: number
  readonly options: TreeOptions
}

/** Scans the files under `root`; paths in findings are relative to it. */
export async function scanTree(
  root: string,
  options: TreeOptions = {},
): Promise<ScanResult> {
  const started = performance.now()
  const rootStat = await stat(root)
  const walk: Walk = {
    root,
    realRoot: await realpath(root),
    files: [],
    skipped: [],
    visited: new Set([`${rootStat.dev}:${rootStat.ino}`]),
    ignored: 0,
    options,
  }
  await list(walk, '', [])
  const workers = workerCount(walk.files.length, options)
  const { findings, bytes } =
    workers > 1
      ? await scanInWorkers(walk, workers)
      : await scanHere(walk, walk.files)
  return {
    findings: findings.sort(byPlace),
    skipped: walk.skipped.sort((a, b) =>
      a.file < b.file ? -1 : a.file > b.file ? 1 : 0,
    ),
    stats: {
      files: walk.files.length,
      bytes,
      ignored: walk.ignored,
      durationMs: performance.now() - started,
    },
  }
}

/** The part of a walk that scanning files needs. */
export interface FileScan {
  readonly root: string
  readonly options: SourceOptions
  readonly skipped: Skipped[]
}

interface Scanned {
  readonly findings: SecretFinding[]
  readonly bytes: number
}

/** Scans `files` on this thread, letting the event loop in now and then. */
async function scanHere(
  scan: FileScan,
  files: readonly string[],
): Promise<Scanned> {
  const findings: SecretFinding[] = []
  let bytes = 0
  for (const [i, file] of files.entries()) {
    scan.options.signal?.throwIfAborted()
    bytes += scanFile(scan, file, findings)
    // Reads are synchronous (small files, one after another, are fastest
    // that way); let timers and IPC in between every few hundred.
    if (i % 256 === 255) await new Promise((done) => setImmediate(done))
  }
  return { findings, bytes }
}

/** Scans `files` in one go: what a worker thread runs. */
export function scanFilesSync(scan: FileScan, files: readonly string[]) {
  const findings: SecretFinding[] = []
  let bytes = 0
  for (const file of files) bytes += scanFile(scan, file, findings)
  return { findings, bytes, skipped: scan.skipped }
}

/**
 * How many threads scan: one for small trees, custom rules (they cannot
 * cross to a worker) or where no worker script is at hand; otherwise one
 * per core, up to four.
 */
function workerCount(files: number, options: TreeOptions): number {
  if (options.rules || !workerScript()) return 1
  if (options.workers !== undefined) return Math.max(1, options.workers)
  return files < 2000 ? 1 : Math.min(availableParallelism(), 4)
}

/**
 * The worker's script: a built tree-worker.js beside this module, or the
 * TypeScript source when tsx is there to load it (development, tests).
 */
export function workerScript():
  { file: string; execArgv: string[] } | undefined {
  const built = join(__dirname, 'tree-worker.js')
  if (existsSync(built)) return { file: built, execArgv: [] }
  const source = join(__dirname, 'tree-worker.ts')
  if (!existsSync(source)) return undefined
  try {
    require.resolve('tsx')
    return { file: source, execArgv: ['--import', 'tsx'] }
  } catch {
    return undefined
  }
}

/**
 * Deals the files out to worker threads, every n-th to each, and merges
 * what they find. A worker that fails has its share scanned here.
 */
async function scanInWorkers(walk: Walk, count: number): Promise<Scanned> {
  const script = workerScript()!
  const shares = Array.from({ length: count }, (_, w) =>
    walk.files.filter((_, i) => i % count === w),
  )
  const { signal, ...plain } = walk.options
  const results = await Promise.all(
    shares.map(async (files) => {
      try {
        const result = await inWorker(script, walk.root, files, plain, signal)
        walk.skipped.push(...result.skipped)
        return result
      } catch (error) {
        signal?.throwIfAborted()
        void error
        return scanHere(walk, files)
      }
    }),
  )
  return {
    findings: results.flatMap((r) => r.findings),
    bytes: results.reduce((sum, r) => sum + r.bytes, 0),
  }
}

function inWorker(
  script: { file: string; execArgv: string[] },
  root: string,
  files: readonly string[],
  options: SourceOptions,
  signal?: AbortSignal,
): Promise<Scanned & { skipped: Skipped[] }> {
  return new Promise((done, fail) => {
    const worker = new Worker(script.file, {
      execArgv: script.execArgv,
      workerData: { root, files, options },
    })
    const abort = () => void worker.terminate()
    signal?.addEventListener('abort', abort, { once: true })
    worker.once('message', done)
    worker.once('error', fail)
    worker.once('exit', (code) => {
      signal?.removeEventListener('abort', abort)
      fail(new Error(`The scan worker exited with ${code}.`))
    })
  })
}

function byPlace(a: SecretFinding, b: SecretFinding): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column
}

/** Lists one folder (rel: its path from the root, '' for the root). */
async function list(walk: Walk, rel: string, rules: Rules[]): Promise<void> {
  const dir = join(walk.root, rel)
  let entries: Dirent[]
  try {
    entries = await readdir(dir, { withFileTypes: true })
  } catch (error) {
    walk.skipped.push(unreadable(rel || '.', error))
    return
  }
  const gitignore = entries.find((e) => e.name === '.gitignore' && e.isFile())
  if (gitignore) {
    const text = await readFile(join(dir, '.gitignore'), 'utf8').catch(() => '')
    rules = [...rules, { base: rel, ignore: ignore().add(text) }]
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  for (const entry of entries) {
    const path = rel ? `${rel}/${entry.name}` : entry.name
    await visit(walk, entry, path, rules)
  }
}

async function visit(
  walk: Walk,
  entry: Dirent,
  path: string,
  rules: Rules[],
): Promise<void> {
  if (entry.name === '.git') return
  const limit = walk.options.maxFiles ?? 1_000_000
  if (walk.files.length >= limit) {
    if (!walk.skipped.some((s) => s.reason === 'too-many-files'))
      walk.skipped.push({
        file: path,
        reason: 'too-many-files',
        note: `stopped listing after ${limit} files`,
      })
    return
  }
  let isDir = entry.isDirectory()
  let isFile = entry.isFile()
  if (entry.isSymbolicLink()) {
    const target = await followLink(walk, path)
    if (!target) return
    isDir = target.isDirectory()
    isFile = target.isFile()
  }
  if (isIgnored(walk, path, isDir, rules)) {
    walk.ignored++
    return
  }
  if (isDir) {
    if (await enterOnce(walk, path)) await list(walk, path, rules)
  } else if (isFile) {
    walk.files.push(path)
  } else {
    walk.skipped.push({
      file: path,
      reason: 'not-a-file',
      note: 'a FIFO, socket or device, not a regular file; not read',
    })
  }
}

function isIgnored(
  walk: Walk,
  path: string,
  isDir: boolean,
  rules: Rules[],
): boolean {
  const allowlist = walk.options.rules?.allowlist ?? defaultRules().allowlist
  if (allowlist.paths.some((p) => p.test(path))) return true
  return rules.some((r) => {
    const local = r.base ? path.slice(r.base.length + 1) : path
    return r.ignore.ignores(isDir ? `${local}/` : local)
  })
}

/** The link's target if it stays inside the tree; notes it otherwise. */
async function followLink(walk: Walk, path: string) {
  try {
    const real = await realpath(join(walk.root, path))
    const inside = relative(walk.realRoot, real)
    if (inside.startsWith('..' + sep) || inside === '..') {
      walk.skipped.push({
        file: path,
        reason: 'outside-root',
        note: 'a symbolic link out of the scanned folder; not followed',
      })
      return undefined
    }
    return await stat(real)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ELOOP') {
      walk.skipped.push({
        file: path,
        reason: 'symlink-loop',
        note: 'a symbolic link that points back at itself; not followed',
      })
      return undefined
    }
    walk.skipped.push(unreadable(path, error))
    return undefined
  }
}

/**
 * False, with a note, for a folder the walk has already been in under
 * another path: what a link back up the tree leads to.
 */
async function enterOnce(walk: Walk, path: string): Promise<boolean> {
  const info = await stat(join(walk.root, path))
  const key = `${info.dev}:${info.ino}`
  if (walk.visited.has(key)) {
    walk.skipped.push({
      file: path,
      reason: 'symlink-loop',
      note: 'a folder already scanned under another path (a symbolic link); not scanned again',
    })
    return false
  }
  walk.visited.add(key)
  return true
}

function unreadable(file: string, error: unknown): Skipped {
  const code = (error as NodeJS.ErrnoException).code ?? 'error'
  const why =
    code === 'EACCES' || code === 'EPERM'
      ? 'permission denied'
      : code === 'ENOENT'
        ? 'it no longer exists (or is a broken link)'
        : `${code}`
  return { file, reason: 'unreadable', note: `could not read: ${why}` }
}

/** Scans one file; returns the bytes read. */
function scanFile(
  walk: FileScan,
  path: string,
  findings: SecretFinding[],
): number {
  const { options } = walk
  const rules = options.rules ?? defaultRules()
  for (const rule of rules.rules) {
    if (!rule.regex && rule.path?.test(path)) {
      findings.push(pathFinding(rule.id, rule.description, path))
    }
  }
  const maxBytes = options.maxFileBytes ?? DEFAULTS.maxFileBytes
  let content: Buffer
  let fd: number | undefined
  try {
    // O_NONBLOCK: a FIFO swapped in after listing must not hang the scan.
    fd = openSync(
      join(walk.root, path),
      constants.O_RDONLY | constants.O_NONBLOCK,
    )
    const read = readWhole(fd, maxBytes)
    if (typeof read === 'number') {
      walk.skipped.push({
        file: path,
        reason: 'too-large',
        note: `${formatBytes(read)}, over the ${formatBytes(maxBytes)} limit per file; not read`,
      })
      return 0
    }
    content = read
  } catch (error) {
    walk.skipped.push(unreadable(path, error))
    return 0
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
  if (isBinary(content)) {
    const env = /(^|\/)\.env/.test(path)
      ? ', though named like an env file'
      : ''
    walk.skipped.push({
      file: path,
      reason: 'binary',
      note: `binary content (NUL bytes)${env}; not scanned`,
    })
    return content.length
  }
  const scanner = new SourceScanner(detectorFor(rules), { file: path }, options)
  // Most source is ASCII: latin1 makes the same string, faster, and the
  // bytes serve the keyword pass.
  if (isAscii(content)) scanner.pushAscii(content)
  else scanner.push(content.toString('utf8'))
  findings.push(...scanner.end())
  walk.skipped.push(...scanner.skipped)
  return content.length
}

/** Reused for every small file: most files fit one read into it. */
const scratch = Buffer.allocUnsafe(256 * 1024)

/**
 * The file's bytes (a view of `scratch` for small files, valid until the
 * next call), or its size when over `maxBytes`. One read for most files,
 * no fstat: open, read, close.
 */
function readWhole(fd: number, maxBytes: number): Buffer | number {
  const first = readSync(fd, scratch, 0, scratch.length, null)
  if (first < scratch.length) return scratch.subarray(0, first)
  const { size } = fstatSync(fd)
  if (size > maxBytes) return size
  const whole = Buffer.allocUnsafe(Math.max(size, first) + 1)
  scratch.copy(whole, 0, 0, first)
  let length = first
  // A file still growing is read up to its size at fstat, plus a byte.
  while (length < whole.length) {
    const n = readSync(fd, whole, length, whole.length - length, null)
    if (n === 0) break
    length += n
  }
  return whole.subarray(0, length)
}

function pathFinding(rule: string, description: string, path: string) {
  return {
    rule,
    description,
    file: path,
    line: 1,
    column: 1,
    redacted: '',
    fingerprint: fingerprint(rule, path, ''),
    entropy: 0,
  }
}

/** "2.0 GB", "10 MB", "512 B". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  const digits = unit === 0 || value >= 10 ? 0 : 1
  return `${value.toFixed(digits)} ${units[unit]}`
}
