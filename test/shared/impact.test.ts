import { describe, expect, it } from 'vitest'
import { CATALOGUE } from '../../src/shared/catalogue'
import { IMPACTS, impactOf } from '../../src/shared/impact'

describe('impact', () => {
  it.each(CATALOGUE.map((c) => c.id))('%s says what failing it costs', (id) => {
    expect(impactOf(id)).toBeDefined()
  })

  it('keeps every sentence to one short line a founder reads', () => {
    for (const impact of Object.values(IMPACTS)) {
      expect(impact.sentence).toMatch(/^[A-Z].*\.$/)
      expect(impact.sentence.length).toBeLessThanOrEqual(90)
    }
  })

  it('knows nothing of a check it was not told about', () => {
    expect(impactOf('no.such-check')).toBeUndefined()
  })
})
