import { expect, type Locator, type Page } from '@playwright/test'

/** The Credentials screen: names only, values write-only. */
export class CredentialsPage {
  readonly heading: Locator
  readonly nameField: Locator
  readonly valueField: Locator
  readonly saveButton: Locator
  readonly notice: Locator
  readonly confirmation: Locator

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', {
      name: 'Credentials',
      exact: true,
    })
    this.nameField = page.getByLabel('Name', { exact: true })
    this.valueField = page.getByLabel('Value', { exact: true })
    this.saveButton = page.getByRole('button', {
      name: 'Save to keychain',
    })
    this.notice = page.getByRole('status')
    this.confirmation = page.getByRole('alertdialog')
  }

  async expectShown(): Promise<void> {
    await expect(this.heading).toBeVisible()
    await expect(
      this.page
        .getByRole('list', { name: 'Credentials' })
        .or(this.page.getByText(/No credentials yet/)),
    ).toBeVisible()
  }

  row(name: string) {
    return this.page.locator(`li[data-secret="${name}"]`)
  }

  async add(name: string, value: string): Promise<void> {
    await this.nameField.fill(name)
    await this.valueField.fill(value)
    await this.saveButton.click()
    await expect(this.notice).toHaveText(`Saved “${name}” in the keychain.`)
  }

  /** Deletes after answering the confirmation. */
  async delete(name: string): Promise<void> {
    await this.row(name)
      .getByRole('button', { name: /^Delete/ })
      .click()
    await expect(this.confirmation).toContainText(`Delete “${name}”`)
    await this.confirmation
      .getByRole('button', { name: `Delete “${name}”` })
      .click()
    await expect(this.notice).toHaveText(`Deleted “${name}” from the keychain.`)
  }

  /** Every input's current value, typed or not: what the DOM holds. */
  inputValues(): Promise<string[]> {
    return this.page
      .locator('input')
      .evaluateAll((inputs) =>
        inputs.map((i) => (i as { value: string }).value),
      )
  }
}
