import AxeBuilder from '@axe-core/playwright'
import { expect, type Page } from '@playwright/test'

/** Impacts that fail a scan: what blocks or seriously hinders a user. */
const FAILING = new Set(['serious', 'critical'])

/**
 * Scans the page as it is now against WCAG 2.1 A and AA, and fails on
 * any serious or critical violation, naming the rule and the elements.
 */
export async function expectAccessible(page: Page, screen: string) {
  const { violations, passes } = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze()
  const failing = violations
    .filter((v) => FAILING.has(v.impact ?? ''))
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}\n` +
        v.nodes
          .slice(0, 5)
          .map((n) => `    ${n.target.join(' ')}`)
          .join('\n'),
    )
  // A scan that checked nothing proves nothing.
  expect(passes.length, `rules axe checked on ${screen}`).toBeGreaterThan(10)
  expect(failing, `accessibility of ${screen}`).toEqual([])
}
