/**
 * Plain-text tables for the bench and the testssl comparison: columns
 * padded to their widest cell, so the output reads in a terminal and
 * pastes into an issue as it is.
 */

/** Rows of cells, the first row the header, as aligned lines. */
export function formatTable(
  rows: readonly (readonly string[])[],
  indent = '',
): string {
  const widths = columnWidths(rows)
  return rows
    .map((row) =>
      (indent + row.map((cell, i) => cell.padEnd(widths[i]!)).join('  '))
        // The last column needs no padding.
        .trimEnd(),
    )
    .join('\n')
}

function columnWidths(rows: readonly (readonly string[])[]): number[] {
  const widths: number[] = []
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length)
    })
  }
  return widths
}

/** "1234 ms" below ten seconds, "12.3 s" from there. */
export function formatMs(ms: number): string {
  return ms < 10_000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`
}

/** "24.2 ms": tenths, for latencies where one ms matters. */
export function formatMsTenths(ms: number): string {
  return `${ms.toFixed(1)} ms`
}

/** "+4.2 ms" or "−0.3 ms": a difference, always signed. */
export function formatMsDelta(ms: number): string {
  const sign = ms < 0 ? '−' : '+'
  return `${sign}${Math.abs(ms).toFixed(1)} ms`
}

/** The middle value (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values')
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1
    ? sorted[mid]!
    : (sorted[mid - 1]! + sorted[mid]!) / 2
}
