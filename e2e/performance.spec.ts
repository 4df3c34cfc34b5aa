import { expect, test } from './fixtures'
import { AppShell } from './pages/app-shell'
import { AuditPage } from './pages/audit-page'
import { CredentialsPage } from './pages/credentials-page'
import { FindingDetail } from './pages/finding-detail'
import { WelcomePage } from './pages/welcome-page'

test('measures the admin API with its credential and shows the p95 trend', async ({
  app,
  world,
  shoot,
}) => {
  test.slow() // two audits, each sampling every endpoint 22 times
  const shell = new AppShell(app.page)
  const audit = new AuditPage(app.page)
  const detail = new FindingDetail(app.page)

  await test.step('store the API token the workspace refers to', async () => {
    await new WelcomePage(app.page).openWorkspace()
    await audit.expectShown('Shop (test world)')
    await shell.goTo('Credentials')
    const credentials = new CredentialsPage(app.page)
    await expect(credentials.row('shop-api-token')).toContainText(
      'No value saved yetUsed by this workspace: endpoints',
    )
    await credentials.add('shop-api-token', world.apiToken)
  })

  await test.step('audit twice', async () => {
    await shell.goTo('Audit')
    await audit.runToEnd()
    await audit.runToEnd()
  })

  await test.step('a publicly cacheable logged-in response is a blocker', async () => {
    await expect(
      audit.riskItem('cache.private-data', 'List customers'),
    ).toContainText('lets shared caches store logged-in data')
  })

  await test.step('the slow report shows its p95, its phases and a trend', async () => {
    // From the stage list: on a busy machine the 3 MB export can miss
    // its budget too, and the risk list then groups the two.
    await audit
      .targetRow('perf.latency', 'Sales report (slow)')
      .getByRole('button')
      .click()
    await detail.expectOpen()
    await expect(detail.title).toContainText(
      // The report waits 400 ms; a busy machine adds to it, never less.
      /p95 [4-9]\d\d(\.\d)? ms, over the 300 ms budget/,
    )
    await expect(detail.section('How to fix')).toContainText(
      "server's own work",
    )
    await expect(
      detail.dialog.getByRole('img', { name: /^p95 over the last 2 audits/ }),
    ).toBeVisible()
    await shoot('finding-latency')
  })
})
