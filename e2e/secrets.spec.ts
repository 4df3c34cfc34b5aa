import { expect, test } from './fixtures'
import { AuditPage } from './pages/audit-page'
import { FindingDetail } from './pages/finding-detail'
import { WelcomePage } from './pages/welcome-page'
import { PLANTED_KEY } from './support/planted'

test.use({ workspace: 'repo' })

test('lists a committed key by file and line, never whole, and accepts it with a reason', async ({
  app,
  shoot,
}) => {
  const audit = new AuditPage(app.page)
  const detail = new FindingDetail(app.page)
  const table = detail.section('Secrets found').getByRole('table')

  await test.step('the audit finds the key as a blocker', async () => {
    await new WelcomePage(app.page).openWorkspace()
    await audit.expectShown('Shop with its repository')
    await audit.runToEnd()
    await expect(audit.riskItem('secrets.repo', 'shop-repo')).toContainText(
      'credential(s) in the repository',
    )
  })

  await test.step('its detail shows where, which rule, and only a prefix', async () => {
    await audit.openRisk('secrets.repo', 'shop-repo')
    await detail.expectOpen()
    const row = table.getByRole('row', { name: /test\/fixture\.ts:1/ })
    await expect(row).toContainText('aws-access-token')
    await expect(row).toContainText('AKIA')
    await expect(app.page.locator('body')).not.toContainText(PLANTED_KEY)
    await shoot('secrets-found')
  })

  await test.step('a reason is required, then the key is accepted', async () => {
    await table
      .getByRole('button', { name: /^Accept the aws-access-token/ })
      .click()
    const reason = detail.dialog.getByLabel('Why is it safe to keep?')
    await expect(reason).toBeFocused()
    await detail.dialog
      .getByRole('button', { name: 'Accept into the baseline' })
      .click()
    await expect(detail.dialog.getByRole('alert')).toContainText(
      'Say why it is safe to keep',
    )
    await reason.fill('Revoked in October; kept as a test fixture')
    await app.page.keyboard.press('Enter')
    await expect(table).toContainText(
      'Accepted: Revoked in October; kept as a test fixture',
    )
    await expect(detail.title).toContainText(/accepted|No credentials/i)
    await shoot('secrets-accepted')
  })
})
