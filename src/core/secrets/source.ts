import { StringDecoder } from 'node:string_decoder'
import {
  Detector,
  dropGenericDuplicates,
  type Origin,
  type RuleGuard,
} from './detect'
import type { SecretFinding, Skipped, ScanOptions } from './types'

/**
 * Scans one source (a file, a log, a stream) fed in pieces, in bounded
 * memory: text is cut into blocks of whole lines, and any line longer
 * than the line limit is checked in overlapping windows, so no regex ever
 * sees more than one window of a long line.
 *
 * Known shortcoming: a match that spans two blocks (a private key cut by
 * a block boundary, one per 512 KB) is missed, as in gitleaks' own
 * chunked reads. Windows of a long line overlap by 2 KB, so secrets
 * shorter than that are always whole in one window.
 */

export const DEFAULTS = {
  maxFileBytes: 10 * 1024 * 1024,
  maxLineLength: 16 * 1024,
  timeBudgetMs: 30_000,
  maxFindingsPerFile: 1000,
  ruleBudgetMs: 1000,
} as const

const BLOCK = 512 * 1024
const OVERLAP = 2 * 1024

export class SourceScanner {
  findings: SecretFinding[] = []
  readonly skipped: Skipped[] = []
  /** Set once the scan gave up on the rest of the source. */
  stopped = false
  bytes = 0
  private readonly decoder = new StringDecoder('utf8')
  private buffer = ''
  /** The source's bytes, while the first segment is the whole of it. */
  private ascii: Uint8Array | undefined
  private line = 1
  private column = 1
  private readonly seen = new Set<string>()
  private readonly started = performance.now()
  private readonly maxLine: number
  private readonly budgetMs: number
  private readonly maxFindings: number
  /** Milliseconds each rule has spent on this source. */
  private readonly spent = new Map<string, number>()
  private readonly ruleBudgetMs: number
  private readonly guard: RuleGuard = {
    allows: (rule) => (this.spent.get(rule.id) ?? 0) <= this.ruleBudgetMs,
    spend: (rule, ms, line) => {
      const total = (this.spent.get(rule.id) ?? 0) + ms
      this.spent.set(rule.id, total)
      if (total > this.ruleBudgetMs) {
        this.skipped.push({
          file: this.origin.file,
          reason: 'time-budget',
          note:
            `rule "${rule.id}" stopped near line ${line} after ` +
            `${(total / 1000).toFixed(1)} s on this input (a line that ` +
            'makes its pattern slow); the other rules checked it all',
        })
      }
    },
  }

  constructor(
    private readonly detector: Detector,
    private readonly origin: Origin,
    options: ScanOptions = {},
  ) {
    this.maxLine = Math.max(
      OVERLAP * 2,
      options.maxLineLength ?? DEFAULTS.maxLineLength,
    )
    this.budgetMs = options.timeBudgetMs ?? DEFAULTS.timeBudgetMs
    this.maxFindings = options.maxFindingsPerFile ?? DEFAULTS.maxFindingsPerFile
    this.ruleBudgetMs = options.ruleBudgetMs ?? DEFAULTS.ruleBudgetMs
  }

  /**
   * The whole source at once, when it is ASCII: its bytes let the
   * keyword pass skip the string (see KeywordMatcher.scanBytes).
   */
  pushAscii(bytes: Uint8Array): void {
    this.ascii = bytes
    this.push(
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString(
        'latin1',
      ),
    )
  }

  /** Feeds more of the source; a no-op once the scan has stopped. */
  push(chunk: Buffer | string): void {
    if (this.stopped) return
    this.bytes += chunk.length
    this.buffer += typeof chunk === 'string' ? chunk : this.decoder.write(chunk)
    if (this.buffer.length >= BLOCK) this.drain(false)
  }

  /** Scans what is left; returns the findings. */
  end(): SecretFinding[] {
    if (!this.stopped) {
      this.buffer += this.decoder.end()
      this.drain(true)
    }
    this.buffer = ''
    this.findings = dropGenericDuplicates(this.findings)
    return this.findings
  }

  private drain(final: boolean): void {
    while (!this.stopped && this.buffer.length > 0) {
      if (!final && this.buffer.length < BLOCK) return
      const nl = this.buffer.indexOf('\n')
      const firstLine = nl < 0 ? this.buffer.length : nl
      const before = this.buffer.length
      if (this.column > 1 || firstLine > this.maxLine) this.window(nl, final)
      else this.block(final)
      if (this.buffer.length === before) return
      this.checkBudget()
    }
  }

  /** A run of whole, short lines up to the block size. */
  private block(final: boolean): void {
    const buffer = this.buffer
    let end = 0
    let lines = 0
    for (;;) {
      const nl = buffer.indexOf('\n', end)
      if (nl < 0 || nl - end > this.maxLine || (nl >= BLOCK && end > 0)) break
      end = nl + 1
      lines++
    }
    // The last line of the source may lack its newline.
    const rest = buffer.length - end
    if (
      final &&
      rest > 0 &&
      rest <= this.maxLine &&
      !buffer.includes('\n', end)
    )
      end = buffer.length
    this.scan(buffer.slice(0, end), this.line, 1)
    this.buffer = buffer.slice(end)
    this.line += lines
  }

  /** One window of a long line; the next window starts OVERLAP earlier. */
  private window(nl: number, final: boolean): void {
    const buffer = this.buffer
    if (nl < 0 && buffer.length < this.maxLine && !final) return
    const ends = nl >= 0 && nl < this.maxLine
    const take = ends ? nl + 1 : Math.min(this.maxLine, buffer.length)
    this.scan(buffer.slice(0, take), this.line, this.column)
    if (ends || take === buffer.length) {
      this.buffer = buffer.slice(take)
      this.line += ends ? 1 : 0
      this.column = 1
    } else {
      this.buffer = buffer.slice(take - OVERLAP)
      this.column += take - OVERLAP
    }
  }

  private scan(text: string, line: number, column: number): void {
    const whole = this.ascii?.length === text.length ? this.ascii : undefined
    this.ascii = undefined
    const emit = (f: SecretFinding) => {
      const key = `${f.rule}:${f.line}:${f.column}`
      if (this.seen.has(key)) return
      this.seen.add(key)
      if (this.findings.length >= this.maxFindings) {
        this.stop(
          'too-many-findings',
          `stopped after ${this.maxFindings} findings, at line ${f.line}`,
        )
        return
      }
      this.findings.push(f)
    }
    this.detector.detect(
      { text, line, column, ascii: whole },
      this.origin,
      emit,
      this.guard,
    )
  }

  private checkBudget(): void {
    const spent = performance.now() - this.started
    if (spent > this.budgetMs) {
      this.stop(
        'time-budget',
        `stopped at line ${this.line} after ${Math.round(spent / 1000)} s, ` +
          `over the ${Math.round(this.budgetMs / 1000)} s budget per file`,
      )
    }
  }

  /** Gives up on the rest of the source, noting why. */
  stop(reason: Skipped['reason'], note: string): void {
    if (this.stopped) return
    this.stopped = true
    this.buffer = ''
    this.skipped.push({ file: this.origin.file, reason, note })
  }
}
