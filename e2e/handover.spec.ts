import { readFile } from 'node:fs/promises'
import { expect, test } from './fixtures'
import { AppShell } from './pages/app-shell'
import { AuditPage } from './pages/audit-page'
import { CredentialsPage } from './pages/credentials-page'
import { HandoverPage } from './pages/handover-page'
import { WelcomePage } from './pages/welcome-page'

test('fills the handover checklist and exports a pack with no secret in it', async ({
  app,
  world,
  shoot,
}) => {
  test.slow() // an audit, then three exports that ask DNS
  const shell = new AppShell(app.page)
  const audit = new AuditPage(app.page)
  const handover = new HandoverPage(app.page)

  await test.step('audit the world with its credentials stored', async () => {
    await new WelcomePage(app.page).openWorkspace()
    await audit.expectShown('Shop (test world)')
    await shell.goTo('Credentials')
    const credentials = new CredentialsPage(app.page)
    await credentials.add('smtp-password', world.smtpPassword)
    await credentials.add('shop-api-token', world.apiToken)
    await shell.goTo('Audit')
    await audit.runToEnd()
  })

  await test.step('the checklist starts open', async () => {
    await shell.goTo('Handover')
    await handover.expectShown()
    await expect(handover.progress).toContainText(/^0 of \d+ items done/)
    await expect(
      handover.item('handover.rotation.smtp-password'),
    ).toContainText('Used in: email.smtp.password')
  })

  await test.step('recording an item saves it and marks it done', async () => {
    await handover.fill('handover.access.dns', {
      Owner: 'Sam Founder',
      Date: '2026-12-01',
      Provider: 'Gandi',
    })
    const dns = handover.item('handover.access.dns')
    await expect(dns).toContainText('Done')
    await expect(dns).toContainText('Provider: Gandi')
    await expect(handover.progress).toContainText(/^1 of \d+ items done/)

    await handover.fill('handover.support.business-hours', {
      Owner: 'Sam Founder',
      Date: '2026-12-01',
      'Time zone': 'Asia/Tokyo',
      Contact: '#shop-ops',
    })
    await expect(
      handover.item('handover.support.business-hours'),
    ).toContainText(/Now: .+\(.+ in Asia\/Tokyo\)/)
    await shoot('handover')
  })

  await test.step('a time zone that is not one is refused with the reason', async () => {
    const form = await handover.edit('handover.support.after-hours', {
      'Time zone': '+01:00',
    })
    await form.getByRole('button', { name: 'Save to the workspace' }).click()
    await expect(form.getByRole('alert')).toContainText(/time ?zone/i)
    await app.page.keyboard.press('Escape')
    await expect(form).toBeHidden()
  })

  for (const [label, extension] of [
    ['Export Markdown…', 'md'],
    ['Export HTML…', 'html'],
    ['Export PDF…', 'pdf'],
  ] as const) {
    await test.step(`${label} writes the pack, names only`, async () => {
      const path = await handover.export(label)
      expect(path.endsWith(`.${extension}`)).toBe(true)
      const bytes = await readFile(path)
      if (extension === 'pdf') {
        expect(bytes.subarray(0, 5).toString()).toBe('%PDF-')
        return
      }
      const text = bytes.toString('utf8')
      expect(text).toContain('Gandi')
      expect(text).toContain('smtp-password')
      expect(text).toContain('expired.shop.test')
      expect(text).not.toContain(world.smtpPassword)
      expect(text).not.toContain(world.apiToken)
    })
  }
})
