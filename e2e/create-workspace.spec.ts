import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect, test } from './fixtures'
import { AuditPage } from './pages/audit-page'
import { WelcomePage } from './pages/welcome-page'

test('creates a workspace from the Welcome form', async ({ app }) => {
  const welcome = new WelcomePage(app.page)

  await test.step('an empty form says what is missing, field by field', async () => {
    await welcome.expectShown()
    await welcome.createButton.click()
    await expect(welcome.nameField).toHaveAccessibleDescription(
      /The name is required\./,
    )
    await expect(welcome.domainField).toHaveAttribute('aria-invalid', 'true')
  })

  await test.step('a filled form writes the file and opens it', async () => {
    await welcome.createWorkspace({
      name: 'Corner bakery',
      domain: 'corner-bakery.test',
      subdomains: 'admin, api',
    })
    await new AuditPage(app.page).expectShown('Corner bakery')
  })

  await test.step('the file holds what was typed', async () => {
    const file = join(
      app.newWorkspaceDir,
      'corner-bakery.test.launchready.yaml',
    )
    const text = await readFile(file, 'utf8')
    expect(text).toContain('domain: corner-bakery.test')
    expect(text).toContain('canonicalOrigin: https://corner-bakery.test')
    expect(text).toMatch(/subdomains:\s+- admin\s+- api/)
  })
})
