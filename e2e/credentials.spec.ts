import { randomBytes } from 'node:crypto'
import { expect, test } from './fixtures'
import { AppShell } from './pages/app-shell'
import { AuditPage } from './pages/audit-page'
import { CredentialsPage } from './pages/credentials-page'
import { WelcomePage } from './pages/welcome-page'

test('stores a credential without ever showing its value again', async ({
  app,
  shoot,
}) => {
  const shell = new AppShell(app.page)
  const credentials = new CredentialsPage(app.page)
  const name = `e2e-${randomBytes(3).toString('hex')}`
  const value = `canary-${randomBytes(12).toString('hex')}`

  await test.step('open the world’s workspace, then Credentials', async () => {
    await new WelcomePage(app.page).openWorkspace()
    await new AuditPage(app.page).expectShown('Shop (test world)')
    await shell.goTo('Credentials')
    await credentials.expectShown()
  })

  await test.step('save a value under a new name', async () => {
    await credentials.add(name, value)
    await expect(credentials.row(name)).toContainText('Stored in the keychain')
    await expect(credentials.valueField).toHaveValue('')
    await shoot('credentials')
  })

  await test.step('the value is nowhere in the window or the log', async () => {
    expect(await app.page.content()).not.toContain(value)
    expect(await credentials.inputValues()).not.toContain(value)
    expect(await app.mainLog()).not.toContain(value)
  })

  await test.step('after a reload the name is still listed', async () => {
    await app.page.reload()
    await shell.goTo('Credentials')
    await expect(credentials.row(name)).toContainText('Stored in the keychain')
    expect(await app.page.content()).not.toContain(value)
  })

  await test.step('delete it, after confirming', async () => {
    await credentials.delete(name)
    await expect(credentials.row(name)).toHaveCount(0)
  })
})
