import { describe, expect, it } from 'vitest'
import { evaluateSpf } from '../../src/core/email/spf'
import { loadSuite, zoneResolver, type SuiteCase } from './spf-suite'

/**
 * Cases where our answer differs from the suite's, with the reason we
 * accept it. Each must still differ: a case that starts to agree fails
 * until it is taken off this list.
 */
const EXCEPTIONS: Readonly<Record<string, string>> = {
  'Macro expansion rules / v-macro-ip6':
    'The suite writes the client as CAFE:BABE::1 and expects the ' +
    'nibbles of %{ir} in that case inside the exp= text; mailauth ' +
    'normalizes the address to lower case first. RFC 7208 §7.3 does not ' +
    'fix the case and DNS names ignore it, so only the explanation text ' +
    'differs (upper-case hex digits), never a result.',
}

const cases = await loadSuite()

/** What we answer, in the suite's terms: the result and, for a fail, exp. */
async function ours(c: SuiteCase) {
  const evaluation = await evaluateSpf(
    { ip: c.ip, sender: c.sender, helo: c.helo },
    zoneResolver(c.zone),
  )
  return {
    result: evaluation.result,
    // pyspf's driver sets "DEFAULT" as the explanation of a fail
    // without exp=, and the suite's cases expect that word.
    explanation:
      evaluation.result === 'fail'
        ? (evaluation.explanation ?? 'DEFAULT')
        : undefined,
  }
}

function agrees(
  c: SuiteCase,
  answer: Awaited<ReturnType<typeof ours>>,
): boolean {
  return (
    c.results.includes(answer.result) &&
    (c.explanation === undefined ||
      answer.result !== 'fail' ||
      answer.explanation === c.explanation)
  )
}

describe('the RFC 7208 test suite', () => {
  it('has all its cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(200)
    for (const id of Object.keys(EXCEPTIONS)) {
      expect(
        cases.some((c) => c.id === id),
        id,
      ).toBe(true)
    }
  })

  describe.for([...new Set(cases.map((c) => c.scenario))])('%s', (name) => {
    it.for(cases.filter((c) => c.scenario === name))('$name', async (c) => {
      const answer = await ours(c)
      const reason = EXCEPTIONS[c.id]
      if (reason) {
        expect(agrees(c, answer), `listed as an exception: ${reason}`).toBe(
          false,
        )
        return
      }
      expect(
        answer,
        `${c.id} (RFC 7208 §${c.spec}), from ${c.ip} as "${c.sender}" / ${c.helo}`,
      ).toEqual(
        expect.objectContaining({
          result: c.results.includes(answer.result)
            ? answer.result
            : c.results[0],
        }),
      )
      if (c.explanation !== undefined && answer.result === 'fail') {
        expect(answer.explanation, c.id).toBe(c.explanation)
      }
    })
  })
})
