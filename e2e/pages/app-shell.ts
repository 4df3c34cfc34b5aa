import type { Locator, Page } from '@playwright/test'

export type ScreenName =
  'Welcome' | 'Workspaces' | 'Audit' | 'Monitoring' | 'Handover' | 'Credentials'

/** The header every screen shares. */
export class AppShell {
  readonly nav: Locator

  constructor(readonly page: Page) {
    this.nav = page.getByRole('navigation', { name: 'Screens' })
  }

  async goTo(screen: ScreenName): Promise<void> {
    await this.nav.getByRole('button', { name: screen, exact: true }).click()
  }
}
