import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { dropGenericDuplicates, type Origin, type RuleGuard } from './detect'
import { defaultRules } from './rules'
import { detectorFor, type SourceOptions } from './scan'
import { DEFAULTS } from './source'
import type { ScanResult, SecretFinding, Skipped } from './types'

/**
 * Scans every line ever added in the repository's history: `git log -p`
 * streamed line by line (never held whole), each file's added lines of
 * one commit scanned together, as gitleaks does.
 */

/** Added lines of one file in one commit, flushed at this size. */
const FLUSH_CHARS = 512 * 1024

export interface HistoryOptions extends SourceOptions {
  /** Passed to git log, e.g. ["--since=1.year"]; all refs by default. */
  readonly logArgs?: readonly string[]
}

export async function scanHistory(
  root: string,
  options: HistoryOptions = {},
): Promise<ScanResult> {
  const started = performance.now()
  const rules = options.rules ?? defaultRules()
  const detector = detectorFor(rules)
  const maxLine = options.maxLineLength ?? 16 * 1024
  const findings: SecretFinding[] = []
  const skipped: Skipped[] = []
  const seen = new Set<string>()
  const git = spawn(
    'git',
    [
      '-C',
      root,
      // Paths as they are (café.ts), not C-quoted ("caf\303\251.ts").
      '-c',
      'core.quotePath=false',
      'log',
      '-p',
      '-U0',
      '--no-color',
      '--no-ext-diff',
      '--full-history',
      ...(options.logArgs ?? ['--all']),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], signal: options.signal },
  )
  let stderr = ''
  git.stderr.on('data', (d: Buffer) => {
    if (stderr.length < 4096) stderr += d.toString()
  })
  const exited = new Promise<number>((resolve, reject) => {
    git.once('error', reject)
    git.once('close', (code) => resolve(code ?? 1))
  })

  let commit = ''
  let file = ''
  let skipFile = false
  let nextLine = 0
  let lines: string[] = []
  let numbers: number[] = []
  let chars = 0
  let bytes = 0
  let commits = 0
  const flush = () => {
    if (lines.length > 0 && !skipFile) {
      const origin: Origin = { file, commit }
      detector.detect(
        {
          text: lines.join('\n') + '\n',
          line: numbers[0]!,
          column: 1,
          lineNumbers: numbers,
        },
        origin,
        (f) => {
          const key = `${f.fingerprint}:${f.commit}`
          if (seen.has(key)) return
          seen.add(key)
          findings.push(f)
        },
        guardFor(origin),
      )
    }
    lines = []
    numbers = []
    chars = 0
  }

  // One rule may spend ruleBudgetMs on one file of one commit, as on a
  // file of the tree; past it the rule stops there, with a note.
  const budget = options.ruleBudgetMs ?? DEFAULTS.ruleBudgetMs
  const guardFor = (origin: Origin): RuleGuard => {
    const spent = new Map<string, number>()
    return {
      allows: (rule) => (spent.get(rule.id) ?? 0) <= budget,
      spend: (rule, ms, line) => {
        const total = (spent.get(rule.id) ?? 0) + ms
        spent.set(rule.id, total)
        if (total > budget)
          skipped.push({
            file: origin.file,
            reason: 'time-budget',
            note:
              `rule "${rule.id}" stopped near line ${line} of commit ` +
              `${origin.commit?.slice(0, 12)} after ${(total / 1000).toFixed(1)} s`,
          })
      },
    }
  }

  const input = createInterface({ input: git.stdout, crlfDelay: Infinity })
  for await (const line of input) {
    bytes += line.length + 1
    if (line.startsWith('commit ')) {
      flush()
      commit = line.slice(7, 47)
      commits++
    } else if (line.startsWith('diff --git ')) {
      flush()
      file = ''
    } else if (line.startsWith('+++ ')) {
      file = line.startsWith('+++ b/') ? line.slice(6) : ''
      skipFile = !file || rules.allowlist.paths.some((p) => p.test(file))
    } else if (line.startsWith('@@ ')) {
      const m = /\+(\d+)/.exec(line)
      nextLine = m ? Number(m[1]) : 0
    } else if (line.startsWith('+') && file) {
      const text = line.slice(1)
      // Very long added lines are cut to the line limit: history is
      // for finding leaks, and the tree scan windows long lines fully.
      lines.push(text.length > maxLine ? text.slice(0, maxLine) : text)
      numbers.push(nextLine++)
      chars += text.length
      if (chars >= FLUSH_CHARS) flush()
    }
  }
  flush()
  const code = await exited
  if (code !== 0) {
    skipped.push({
      file: root,
      reason: 'unreadable',
      note: `git log exited with ${code}: ${stderr.trim().split('\n')[0] ?? ''}`,
    })
  }
  return {
    findings: dropGenericDuplicates(findings),
    skipped,
    stats: {
      files: commits,
      bytes,
      ignored: 0,
      durationMs: performance.now() - started,
    },
  }
}
