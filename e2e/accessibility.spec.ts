import { test } from './fixtures'
import { AppShell } from './pages/app-shell'
import { AuditPage } from './pages/audit-page'
import { FindingDetail } from './pages/finding-detail'
import { WelcomePage } from './pages/welcome-page'
import { expectAccessible } from './support/axe'

test('every screen passes an accessibility scan', async ({ app }) => {
  const shell = new AppShell(app.page)
  const audit = new AuditPage(app.page)
  const welcome = new WelcomePage(app.page)

  await test.step('Welcome', async () => {
    await welcome.expectShown()
    await expectAccessible(app.page, 'the Welcome screen')
  })

  await test.step('Audit, with its results and risk list', async () => {
    await welcome.openWorkspace()
    await audit.expectShown('Shop (test world)')
    await audit.runToEnd()
    await expectAccessible(app.page, 'the Audit screen')
  })

  await test.step('Finding detail', async () => {
    await audit.openRisk('tls.expiry', 'expired.shop.test')
    await new FindingDetail(app.page).expectOpen()
    await expectAccessible(app.page, 'the finding detail')
    await new FindingDetail(app.page).closeWithEscape()
  })

  await test.step('Handover', async () => {
    await shell.goTo('Handover')
    await app.page
      .getByRole('button', { name: /^Fill in/ })
      .first()
      .click()
    await expectAccessible(app.page, 'the Handover screen, an item open')
    await app.page.keyboard.press('Escape')
  })

  await test.step('Credentials', async () => {
    await shell.goTo('Credentials')
    await expectAccessible(app.page, 'the Credentials screen')
  })

  await test.step('Workspaces', async () => {
    await shell.goTo('Workspaces')
    await expectAccessible(app.page, 'the Workspaces screen')
  })
})
