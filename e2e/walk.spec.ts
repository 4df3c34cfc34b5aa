import { readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { expect, test } from './fixtures'
import { AppShell } from './pages/app-shell'
import { AuditPage } from './pages/audit-page'
import { HandoverPage } from './pages/handover-page'
import { WelcomePage } from './pages/welcome-page'
import { PLANTED_KEY } from './support/planted'

test.use({ workspace: 'walk' })

/**
 * The founder's whole way through: a workspace handed over by an
 * engineer, its credentials, the audit, one fix made in the world and
 * re-checked, the checklist, and the handover pack.
 */
test('from a handed-over workspace to the handover pack', async ({
  app,
  world,
  shoot,
}) => {
  test.slow() // two audits' worth of checks and an export that asks DNS
  const shell = new AppShell(app.page)
  const audit = new AuditPage(app.page)
  const handover = new HandoverPage(app.page)
  const needed = app.page.getByRole('region', { name: /needs|keychain/ })
  const leak = () => audit.riskItem('secrets.repo', 'walk-repo')

  await test.step('open the pre-filled workspace', async () => {
    await new WelcomePage(app.page).openWorkspace()
    await audit.expectShown('Shop (handed over)')
    await expect(needed).toContainText('This workspace needs 2 credentials')
    await shoot('walk-1-opened')
  })

  await test.step('enter the secrets it asks for, then run the audit', async () => {
    await needed.getByLabel('shop-api-token').fill(world.apiToken)
    await needed.getByLabel('shop-api-token').press('Enter')
    await needed.getByLabel('smtp-password').fill(world.smtpPassword)
    await needed.getByLabel('smtp-password').press('Enter')
    await needed.getByRole('button', { name: 'Start the first audit' }).click()
    await expect(audit.lastRun).toBeVisible()
  })

  await test.step('read the risk list', async () => {
    await expect(audit.riskTitle).toContainText(/blockers stand between/)
    await expect(leak()).toContainText('credential(s) in the repository')
    await expect(leak()).toContainText('Data leak:')
    await shoot('walk-2-risks', { fullPage: true })
  })

  await test.step('fix the leak in the repository and re-check it', async () => {
    const fixture = join(
      dirname(world.walkWorkspaceFile),
      'walk-repo',
      'test',
      'fixture.ts',
    )
    const before = await readFile(fixture, 'utf8')
    await writeFile(
      fixture,
      before.replace(`'${PLANTED_KEY}'`, "process.env['AWS_ACCESS_KEY_ID']"),
    )
    await audit.recheck('secrets.repo', 'walk-repo').click()
    await expect(audit.changes).toContainText(
      'Fixed: 1 credential(s) in the repository',
    )
    await expect(leak()).toHaveCount(0)
    await expect(audit.targetRow('secrets.repo', 'walk-repo')).toContainText(
      'Pass',
    )
    await shoot('walk-3-fixed')
  })

  await test.step('fill the handover checklist', async () => {
    await shell.goTo('Handover')
    await handover.fill('handover.access.dns', {
      Owner: 'Sam Founder',
      Date: '2026-12-01',
      Provider: 'Gandi',
    })
    await handover.fill('deploy.rollback', {
      Owner: 'Sam Founder',
      Date: '2026-12-01',
      Steps: 'Promote the previous deploy in the hosting dashboard.',
    })
    await expect(handover.progress).toContainText(/^2 of \d+ items done/)
    await shoot('walk-4-checklist')
  })

  await test.step('export the handover pack, with no secret in it', async () => {
    const path = await handover.export('Export HTML…')
    const pack = await readFile(path, 'utf8')
    expect(pack).toContain('Gandi')
    expect(pack).toContain('Promote the previous deploy')
    expect(pack).toContain('shop-api-token')
    for (const secret of [PLANTED_KEY, world.apiToken, world.smtpPassword]) {
      expect(pack).not.toContain(secret)
    }
  })
})
