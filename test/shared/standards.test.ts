import { describe, expect, it } from 'vitest'
import { CATALOGUE } from '../../src/shared/catalogue'
import { STANDARD_URLS, standardOf } from '../../src/shared/standards'

describe('standards', () => {
  it.each(CATALOGUE.map((c) => c.id))(
    '%s links the standard its fix follows',
    (id) => {
      const standard = standardOf(id)
      expect(standard?.name).toBeTruthy()
      expect(standard?.url).toMatch(/^https:\/\/[a-z0-9.-]+\.[a-z]+\//)
    },
  )

  it('names RFCs with their section and links to it', () => {
    expect(standardOf('cache.private-data')).toEqual({
      name: 'RFC 9111 §5.2.2.7: Cache-Control: private',
      url: 'https://www.rfc-editor.org/rfc/rfc9111#section-5.2.2.7',
    })
  })

  it('opens only the addresses it lists', () => {
    expect(STANDARD_URLS.has('https://www.rfc-editor.org/rfc/rfc7208')).toBe(
      true,
    )
    expect(STANDARD_URLS.has('https://evil.test/')).toBe(false)
  })
})
