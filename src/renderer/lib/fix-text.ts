/** A run of prose lines, or a run of code the user can copy. */
export interface FixBlock {
  readonly kind: 'text' | 'code'
  readonly lines: readonly string[]
}

/**
 * Fix texts mark commands, config and records the way Markdown does: on
 * lines of their own, indented by two spaces (see Verdict.fix).
 */
export function isCodeLike(line: string): boolean {
  return /^(\s{2,}|\t)\S/.test(line)
}

/**
 * Splits a fix into prose and code blocks, keeping every line break,
 * so code gets its own box and a Copy button.
 */
export function fixBlocks(fix: string): FixBlock[] {
  const blocks: { kind: FixBlock['kind']; lines: string[] }[] = []
  for (const line of fix.replace(/\r\n/g, '\n').split('\n')) {
    const kind = isCodeLike(line) ? 'code' : 'text'
    const last = blocks.at(-1)
    if (last?.kind === kind) last.lines.push(line)
    else blocks.push({ kind, lines: [line] })
  }
  return blocks.filter((b) => b.lines.some((l) => l.trim() !== ''))
}

/** A code block as it should be pasted: common indentation removed. */
export function codeText(lines: readonly string[]): string {
  const indents = lines
    .filter((l) => l.trim() !== '')
    .map((l) => /^\s*/.exec(l)![0].length)
  const cut = Math.min(...indents)
  return lines.map((l) => l.slice(cut)).join('\n')
}

/**
 * The first step of a fix in one short line, for the risk list: its
 * first sentence of prose, cut at a word near `max` characters.
 */
export function fixSummary(fix: string | undefined, max = 160): string {
  const prose = fixBlocks(fix ?? '').find((b) => b.kind === 'text')
  const text = (prose?.lines ?? []).join(' ').replace(/\s+/g, ' ').trim()
  const sentence = /^.*?[.!?](?=\s|$)/.exec(text)?.[0] ?? text
  if (sentence.length <= max) {
    // "…like this:" introduces code the line leaves out: end it plainly.
    return sentence.replace(/:$/, '').replace(/([^.!?])$/, '$1.')
  }
  const cut = sentence.slice(0, max)
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), max / 2))}…`
}
