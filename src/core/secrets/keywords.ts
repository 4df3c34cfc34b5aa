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
  /** For each state, the keyword ids that end there (after failure links). */
  private readonly outputs: readonly (readonly number[])[]
  /**
   * The DFA again, indexed by (state << 8 | char code) with case folded
   * in; a state where keywords end is stored as ~state (negative), so
   * the inner loop is one lookup and one sign test per character.
   */
  private readonly table: Int32Array

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
    this.outputs = ends
    this.table = new Int32Array(goto.length * 256)
    for (let state = 0; state < goto.length; state++) {
      for (let c = 0; c < 256; c++) {
        const next = delta[state * SYMBOLS + symbol(c)]!
        this.table[(state << 8) | c] = ends[next]!.length > 0 ? ~next : next
      }
    }
  }

  /**
   * Records where each keyword ends in `text`: `hits[id]` gets the offset
   * just past every occurrence (callers empty the lists first). Returns
   * how many occurrences there were.
   */
  scan(text: string, hits: number[][]): number {
    const { table, outputs } = this
    let state = 0
    let count = 0
    const length = text.length
    for (let i = 0; i < length; i++) {
      // Characters past Latin-1 fold onto it (& 255). That can only add
      // hits, never lose one: every keyword is ASCII, and a keyword hit
      // just lets a rule's regex look.
      state = table[(state << 8) | (text.charCodeAt(i) & 255)]!
      if (state >= 0) continue
      state = ~state
      for (const id of outputs[state]!) {
        const list = hits[id]!
        if (list.length === 0) this.touched.push(id)
        list.push(i + 1)
      }
      count++
    }
    return count
  }

  /** scan() over the bytes of ASCII text: the same offsets, faster. */
  scanBytes(bytes: Uint8Array, hits: number[][]): number {
    const { table, outputs } = this
    let state = 0
    let count = 0
    const length = bytes.length
    for (let i = 0; i < length; i++) {
      state = table[(state << 8) | bytes[i]!]!
      if (state >= 0) continue
      state = ~state
      for (const id of outputs[state]!) {
        const list = hits[id]!
        if (list.length === 0) this.touched.push(id)
        list.push(i + 1)
      }
      count++
    }
    return count
  }

  /**
   * The ids of the keywords the last scans found, each once: callers
   * read and empty just those lists, then clear this.
   */
  readonly touched: number[] = []
}

const FOLD = Uint8Array.from({ length: 128 }, (_, c) =>
  c >= 65 && c <= 90 ? c + 32 : c,
)

/** Latin-1 beyond ASCII shares symbol 0: no keyword holds it. */
function symbol(code: number): number {
  return code < 128 ? FOLD[code]! : 0
}
