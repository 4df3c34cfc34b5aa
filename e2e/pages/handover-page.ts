import { expect, type Locator, type Page } from '@playwright/test'

/** The Handover screen: the checklist and the document's export. */
export class HandoverPage {
  readonly heading: Locator
  readonly progress: Locator
  readonly exportBar: Locator

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'Handover', exact: true })
    this.progress = page.locator('.handover-progress')
    this.exportBar = page.getByRole('region', { name: 'Handover document' })
  }

  async expectShown(): Promise<void> {
    await expect(this.heading).toBeVisible()
  }

  item(id: string): Locator {
    return this.page.locator(`li[data-item="${id}"]`)
  }

  /** Opens an item's form and fills the fields given by label. */
  async edit(
    id: string,
    fields: Readonly<Record<string, string>>,
  ): Promise<Locator> {
    const item = this.item(id)
    await item.getByRole('button', { name: /^(Fill in|Edit)/ }).click()
    const form = item.getByRole('form')
    for (const [label, value] of Object.entries(fields)) {
      await form.getByLabel(label, { exact: true }).fill(value)
    }
    return form
  }

  /** Fills an item, marks it done and saves it. */
  async fill(id: string, fields: Readonly<Record<string, string>>) {
    const form = await this.edit(id, fields)
    await form.getByLabel('Done').check()
    await form.getByRole('button', { name: 'Save to the workspace' }).click()
    await expect(form).toBeHidden()
  }

  /** Exports the document; the path the app says it saved to. */
  async export(label: string): Promise<string> {
    await this.exportBar.getByRole('button', { name: label }).click()
    const notice = this.exportBar.getByText(/^Saved the handover document/)
    await expect(notice).toBeVisible({ timeout: 60_000 })
    return /to (.+)\.$/.exec((await notice.textContent()) ?? '')![1]!
  }
}
