import { open } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import { Detector } from './detect'
import { defaultRules, type RuleSet } from './rules'
import { SourceScanner } from './source'
import type { ScanOptions, ScanResult } from './types'

/**
 * The scanner's entry points for text and streams: a string, a readable
 * (a build log as it is written), a log file on disk.
 */

export interface SourceOptions extends ScanOptions {
  /** The rule set; the bundled gitleaks rules by default. */
  readonly rules?: RuleSet
}

const detectors = new WeakMap<RuleSet, Detector>()

/** One detector per rule set: it keeps scratch buffers between calls. */
export function detectorFor(rules: RuleSet = defaultRules()): Detector {
  let detector = detectors.get(rules)
  if (!detector) {
    detector = new Detector(rules)
    detectors.set(rules, detector)
  }
  return detector
}

/** Scans a string; `source` names it in findings (a path or a label). */
export function scanText(
  text: string,
  source: string,
  options: SourceOptions = {},
): ScanResult {
  const started = performance.now()
  const scanner = new SourceScanner(
    detectorFor(options.rules),
    { file: source },
    options,
  )
  scanner.push(text)
  const findings = scanner.end()
  return {
    findings,
    skipped: scanner.skipped,
    stats: {
      files: 1,
      bytes: Buffer.byteLength(text),
      ignored: 0,
      durationMs: performance.now() - started,
    },
  }
}

/**
 * Scans a stream line by line in bounded memory, whatever its size: a
 * build log as the build writes it, or a file. A stream that starts with
 * NUL bytes in its first 8 KB is binary and skipped with a note.
 */
export async function scanStream(
  readable: Readable,
  source: string,
  options: SourceOptions = {},
): Promise<ScanResult> {
  const started = performance.now()
  const scanner = new SourceScanner(
    detectorFor(options.rules),
    { file: source },
    options,
  )
  let sniffed = 0
  try {
    for await (const chunk of readable) {
      options.signal?.throwIfAborted()
      const buffer: Buffer =
        typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)
      if (sniffed < SNIFF_BYTES) {
        if (isBinary(buffer.subarray(0, SNIFF_BYTES - sniffed))) {
          scanner.stop('binary', 'binary content (NUL bytes); not scanned')
          break
        }
        sniffed += buffer.length
      }
      scanner.push(buffer)
      if (scanner.stopped) break
    }
  } finally {
    readable.destroy()
  }
  const findings = scanner.end()
  return {
    findings,
    skipped: scanner.skipped,
    stats: {
      files: 1,
      bytes: scanner.bytes,
      ignored: 0,
      durationMs: performance.now() - started,
    },
  }
}

/** Scans a log file on disk, streamed; never loaded whole. */
export async function scanLogFile(
  file: string,
  options: SourceOptions & { readonly name?: string } = {},
): Promise<ScanResult> {
  // Open first, so a missing or unreadable file is a clear error here
  // rather than a stream error mid-scan.
  const handle = await open(file, 'r')
  const stream = handle.createReadStream({ highWaterMark: 1024 * 1024 })
  return scanStream(stream, options.name ?? file, options)
}

export const SNIFF_BYTES = 8000

/** Git's test: a NUL byte in the first 8000 bytes means binary. */
export function isBinary(head: Uint8Array): boolean {
  return head.subarray(0, SNIFF_BYTES).includes(0)
}
