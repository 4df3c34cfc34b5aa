/**
 * A case-insensitive Aho-Corasick automaton over ASCII keywords: one pass
 * over a block tells which rules' keywords occur in it, so only those
 * rules' regexes run (gitleaks' keyword prefilter).
 *
 * The automaton is a full DFA over 128 symbols (upper case folded to
 * lower; anything beyond ASCII is one extra symbol that no keyword
 * contains), so the inner loop is a table lookup per character.
 */

// Keywords are ASCII without NUL, so every other character can share
// symbol 0 with NUL.
const SYMBOLS = 128

export class KeywordMatcher {
  /** delta[state * SYMBOLS + symbol] → next state. */
  private readonly delta: Int32Array
  /** For each state, the keyword ids that end there (after failure links). */
  private readonly outputs: readonly (readonly number[])[]
  /** 1 where outputs[state] is not empty: keeps the inner loop on ints. */
  private readonly accepting: Uint8Array

  constructor(readonly keywords: readonly string[]) {
    const goto: Map<number, number>[] = [new Map()]
    const ends: number[][] = [[]]
    keywords.forEach((word, id) => {
      let state = 0
      for (const ch of word.toLowerCase()) {
        const sym = symbol(ch.charCodeAt(0))
        let next = goto[state]!.get(sym)
        if (next === undefined) {
          next = goto.length
          goto.push(new Map())
          ends.push([])
          goto[state]!.set(sym, next)
        }
        state = next
      }
      ends[state]!.push(id)
    })
    const delta = new Int32Array(goto.length * SYMBOLS)
    const fail = new Int32Array(goto.length)
    const queue: number[] = []
    for (let s = 0; s < SYMBOLS; s++) {
      const next = goto[0]!.get(s) ?? 0
      delta[s] = next
      if (next !== 0) queue.push(next)
    }
    for (let q = 0; q < queue.length; q++) {
      const state = queue[q]!
      ends[state]!.push(...ends[fail[state]!]!)
      for (let s = 0; s < SYMBOLS; s++) {
        const next = goto[state]!.get(s)
        const viaFail = delta[fail[state]! * SYMBOLS + s]!
        if (next === undefined) {
          delta[state * SYMBOLS + s] = viaFail
        } else {
          fail[next] = viaFail
          delta[state * SYMBOLS + s] = next
          queue.push(next)
        }
      }
    }
    this.delta = delta
    this.outputs = ends
    this.accepting = Uint8Array.from(ends, (e) => (e.length > 0 ? 1 : 0))
  }

  /**
   * Records where each keyword ends in `text`: `hits[id]` gets the offset
   * just past every occurrence (callers empty the lists first). Returns
   * how many occurrences there were.
   */
  scan(text: string, hits: number[][]): number {
    const { delta, outputs, accepting } = this
    let state = 0
    let count = 0
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i)
      state = delta[(state << 7) | (code < 128 ? FOLD[code]! : 0)]!
      if (accepting[state] === 0) continue
      for (const id of outputs[state]!) hits[id]!.push(i + 1)
      count++
    }
    return count
  }
}

const FOLD = Uint8Array.from({ length: 128 }, (_, c) =>
  c >= 65 && c <= 90 ? c + 32 : c,
)

function symbol(code: number): number {
  return code < 128 ? FOLD[code]! : 0
}
