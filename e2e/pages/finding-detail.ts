import { expect, type Locator, type Page } from '@playwright/test'

/** The finding detail panel over the audit. */
export class FindingDetail {
  readonly dialog: Locator
  readonly title: Locator
  readonly timeline: Locator

  constructor(readonly page: Page) {
    this.dialog = page.getByRole('dialog')
    this.timeline = this.dialog.getByRole('list', { name: 'Request timeline' })
    this.title = this.dialog.getByRole('heading', { level: 2 })
  }

  section(name: string) {
    return this.dialog.getByRole('region', { name })
  }

  async expectOpen(): Promise<void> {
    await expect(this.dialog).toBeVisible()
  }

  /** Escape closes it, as for any dialog. */
  async closeWithEscape(): Promise<void> {
    await this.page.keyboard.press('Escape')
    await expect(this.dialog).toBeHidden()
  }
}
