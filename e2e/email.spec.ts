import { expect, test } from './fixtures'
import { AppShell } from './pages/app-shell'
import { AuditPage } from './pages/audit-page'
import { CredentialsPage } from './pages/credentials-page'
import { FindingDetail } from './pages/finding-detail'
import { WelcomePage } from './pages/welcome-page'

test('sends the test messages on request and shows them as they were sent', async ({
  app,
  world,
  shoot,
}) => {
  const shell = new AppShell(app.page)
  const audit = new AuditPage(app.page)
  const detail = new FindingDetail(app.page)
  const row = audit.targetRow('email.test-send', 'ops@shop.test')

  await test.step('store the SMTP password the workspace refers to', async () => {
    await new WelcomePage(app.page).openWorkspace()
    await audit.expectShown('Shop (test world)')
    await shell.goTo('Credentials')
    await new CredentialsPage(app.page).add('smtp-password', world.smtpPassword)
    await shell.goTo('Audit')
  })

  await test.step('the send runs only when asked for', async () => {
    const send = audit.stage(5).getByRole('button', {
      name: 'Send test messages',
    })
    await expect(send).toBeVisible()
    await send.click()
    await expect(row).toContainText('Pass')
  })

  await test.step('the detail shows each message as it went out', async () => {
    await row.getByRole('button').click()
    await detail.expectOpen()
    await expect(detail.title).toContainText(
      'A password reset and an order alert went out to ops@shop.test',
    )
    const messages = detail.section('What we measured').locator('pre')
    await expect(messages.first()).toContainText(
      /Subject: \[Test\] Reset your shop\.test admin password/,
    )
    await expect(messages.nth(1)).toContainText(/Message-ID: <.+>/)
    await expect(detail.dialog).not.toContainText(world.smtpPassword)
    await shoot('finding-test-send')
  })
})
