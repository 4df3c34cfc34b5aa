import { expect, type Locator, type Page } from '@playwright/test'

/** The Audit screen: stages, checks, the risk list, Run and Cancel. */
export class AuditPage {
  readonly heading: Locator
  readonly runButton: Locator
  readonly progress: Locator
  readonly progressCount: Locator
  readonly progressCurrent: Locator
  readonly cancelButton: Locator
  readonly lastRun: Locator
  readonly riskTitle: Locator
  readonly blockers: Locator
  readonly alsoToFix: Locator
  readonly readiness: Locator
  readonly changes: Locator

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'Launch audit' })
    this.runButton = page.getByRole('button', {
      name: /^Run the audit/,
    })
    this.progress = page.getByRole('progressbar', {
      name: 'Audit progress',
    })
    this.progressCount = page.getByTestId('progress-count')
    this.progressCurrent = page.getByTestId('progress-current')
    this.cancelButton = page.getByRole('button', { name: 'Cancel' })
    this.lastRun = page.getByText(/^Last audit:/)
    this.riskTitle = page.locator('#risk-title')
    this.blockers = page.getByRole('list', { name: 'Blockers' })
    this.alsoToFix = page.getByRole('list', { name: 'Also to fix' })
    this.readiness = page.locator('.risk-summary .readiness')
    this.changes = page.getByRole('region', { name: 'Since the run before' })
  }

  async expectShown(workspaceName: string): Promise<void> {
    await expect(this.heading).toBeVisible()
    await expect(this.page.getByText(workspaceName).first()).toBeVisible()
  }

  /** Runs the audit and waits for it to finish, whatever it finds. */
  async runToEnd(): Promise<void> {
    await this.runButton.click()
    await expect(this.runButton).toHaveText('Run the audit again')
    await expect(this.lastRun).toBeVisible()
  }

  /** The risk-list entry of a check on a target, within `list`. */
  riskItem(check: string, target: string, list = this.blockers) {
    return list.locator(`li[data-check="${check}"][data-target="${target}"]`)
  }

  /** Opens the detail of a risk-list entry. */
  async openRisk(check: string, target: string, list = this.blockers) {
    await this.riskItem(check, target, list)
      .getByRole('button', { name: /^(?!Re-check)/ })
      .click()
  }

  /** The entry's Re-check button, which reruns just its check. */
  recheck(check: string, target: string, list = this.blockers) {
    return this.riskItem(check, target, list).getByRole('button', {
      name: /^Re-check/,
    })
  }

  /** A stage's section, by number. */
  stage(number: number) {
    return this.page.getByRole('region', {
      name: new RegExp(`^Stage ${number}:`),
    })
  }

  /** The row of a check on a target in the stage list. */
  targetRow(check: string, target: string) {
    return this.page
      .locator(`.check[data-check="${check}"]`)
      .locator(`li[data-target="${target}"]`)
  }
}
