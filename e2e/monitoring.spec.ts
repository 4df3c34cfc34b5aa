import { expect, test } from './fixtures'
import { AppShell } from './pages/app-shell'
import { AuditPage } from './pages/audit-page'
import { WelcomePage } from './pages/welcome-page'
import { expectAccessible } from './support/axe'

test.use({ workspace: 'monitored' })

interface Delivery {
  readonly path: string
  readonly body: { readonly text?: string }
}

test('tests the alert route, runs the monitors and shows the page up', async ({
  app,
  world,
  shoot,
}) => {
  const shell = new AppShell(app.page)
  const page = app.page
  const channel = page.locator('li[data-channel="ops-slack"]')
  const monitors = page.getByRole('table', { name: 'Monitors' })

  await test.step('the dashboard lists the monitor and the channel', async () => {
    await new WelcomePage(page).openWorkspace()
    await new AuditPage(page).expectShown('Shop (monitored)')
    await shell.goTo('Monitoring')
    await expect(monitors).toContainText('Page: https://www.shop.test')
    await expect(channel).toContainText('has not delivered an alert yet')
  })

  await test.step('a test alert reaches Slack', async () => {
    await channel.getByRole('button', { name: /^Send test alert/ }).click()
    await expect(channel.getByRole('status')).toHaveText('Delivered.')
    await expect(channel).toContainText('last delivered')
    const received = (await (
      await fetch(`${world.webhookOrigin}/__world/webhook`)
    ).json()) as Delivery[]
    expect(received.map((d) => d.path)).toContain('/services/T0/B0/e2e')
  })

  await test.step('started, the page monitor samples and reads up', async () => {
    await page.getByRole('button', { name: 'Start monitoring' }).click()
    await expect(page.getByText('Running in this app.')).toBeVisible()
    const row = monitors.locator('tr[data-monitor^="uptime "]')
    await expect(row).toContainText('Up')
    await expect(row).toContainText('100.00 %', { timeout: 60_000 })
    await expectAccessible(page, 'the Monitoring screen')
    await shoot('monitoring')
    await page.getByRole('button', { name: 'Stop monitoring' }).click()
    await expect(
      page.getByRole('button', { name: 'Start monitoring' }),
    ).toBeVisible()
  })
})
