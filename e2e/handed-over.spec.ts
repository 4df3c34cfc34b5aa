import { expect, test } from './fixtures'
import { AuditPage } from './pages/audit-page'
import { WelcomePage } from './pages/welcome-page'

test('a handed-over workspace asks for each credential it needs, then offers the audit', async ({
  app,
  world,
  shoot,
}) => {
  const audit = new AuditPage(app.page)
  const needed = app.page.getByRole('region', { name: /needs|keychain/ })

  await test.step('opening it lists what it needs and where it is used', async () => {
    await new WelcomePage(app.page).openWorkspace()
    await audit.expectShown('Shop (test world)')
    await expect(needed).toContainText('This workspace needs 2 credentials')
    await expect(needed.getByLabel('shop-api-token')).toBeVisible()
    await expect(needed).toContainText('Used by email.smtp.password')
    await shoot('needed-secrets')
  })

  await test.step('each value is saved to the keychain and cleared', async () => {
    await needed.getByRole('button', { name: 'Save smtp-password' }).click()
    await expect(needed).toContainText('Type the value to store.')
    await needed.getByLabel('smtp-password').fill(world.smtpPassword)
    await needed.getByLabel('smtp-password').press('Enter')
    await expect(needed).toContainText('This workspace needs 1 credential')
    await needed.getByLabel('shop-api-token').fill(world.apiToken)
    await needed.getByRole('button', { name: 'Save shop-api-token' }).click()
    await expect(needed).toContainText('All 2 credentials are in the keychain')
  })

  await test.step('then the audit runs from there', async () => {
    await needed.getByRole('button', { name: 'Start the first audit' }).click()
    await expect(audit.lastRun).toBeVisible()
    await expect(needed).toBeHidden()
    await expect(audit.riskTitle).toContainText(/blockers? stands? between/)
  })
})
