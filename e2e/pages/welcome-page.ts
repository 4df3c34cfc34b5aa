import { expect, type Locator, type Page } from '@playwright/test'

/** What the Welcome form asks for. */
export interface NewWorkspace {
  readonly name: string
  readonly domain: string
  readonly origin?: string
  readonly subdomains?: string
}

/** The Welcome screen: open a workspace, or create one. */
export class WelcomePage {
  readonly heading: Locator
  readonly openButton: Locator
  readonly createButton: Locator
  readonly nameField: Locator
  readonly domainField: Locator
  readonly originField: Locator
  readonly subdomainsField: Locator

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', {
      name: 'Get your site ready to launch',
    })
    this.openButton = page.getByRole('button', {
      name: 'Open workspace…',
    })
    this.createButton = page.getByRole('button', {
      name: 'Create workspace…',
    })
    this.nameField = page.getByLabel('Name', { exact: true })
    this.domainField = page.getByLabel('Domain', { exact: true })
    this.originField = page.getByLabel(/canonical origin/)
    this.subdomainsField = page.getByLabel(/Subdomains/)
  }

  async expectShown(): Promise<void> {
    await expect(this.heading).toBeVisible()
  }

  /** "Open workspace…"; the file dialog answers with the world's file. */
  async openWorkspace(): Promise<void> {
    await this.openButton.click()
  }

  async fillNewWorkspace(workspace: NewWorkspace): Promise<void> {
    await this.nameField.fill(workspace.name)
    await this.domainField.fill(workspace.domain)
    await this.originField.fill(workspace.origin ?? '')
    await this.subdomainsField.fill(workspace.subdomains ?? '')
  }

  async createWorkspace(workspace: NewWorkspace): Promise<void> {
    await this.fillNewWorkspace(workspace)
    await this.createButton.click()
  }
}
