import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'
import { AuditPage } from './pages/audit-page'
import { FindingDetail } from './pages/finding-detail'
import { WelcomePage } from './pages/welcome-page'

const mod = process.platform === 'darwin' ? 'Meta' : 'Control'

/**
 * Drops a file of that name on the window, as the file manager would.
 * (In the page's own terms: this project's types have no DOM.)
 */
async function dropFile(page: Page, name: string): Promise<void> {
  await page.evaluate(`(() => {
    const data = new DataTransfer()
    data.items.add(new File(['version: 1\\n'], ${JSON.stringify(name)}))
    for (const type of ['dragover', 'drop']) {
      document.body.dispatchEvent(
        new DragEvent(type, { dataTransfer: data, bubbles: true }),
      )
    }
  })()`)
}

test('opens, audits and reads the results from the keyboard alone', async ({
  app,
  shoot,
}) => {
  const audit = new AuditPage(app.page)
  const detail = new FindingDetail(app.page)

  await test.step(`${mod}+O opens a workspace`, async () => {
    await new WelcomePage(app.page).expectShown()
    await app.page.keyboard.press(`${mod}+O`)
    await audit.expectShown('Shop (test world)')
  })

  await test.step(`${mod}+R runs the audit`, async () => {
    await app.page.keyboard.press(`${mod}+R`)
    await expect(audit.lastRun).toBeVisible()
  })

  await test.step('Tab reaches the risk list, with the focus drawn', async () => {
    const first = audit.blockers.locator('button.risk-item').first()
    for (let i = 0; i < 40; i++) {
      if (await first.evaluate((el) => el === el.ownerDocument.activeElement))
        break
      await app.page.keyboard.press('Tab')
    }
    await expect(first).toBeFocused()
    const outline = await first.evaluate(
      (el) => el.ownerDocument.defaultView!.getComputedStyle(el).outlineStyle,
    )
    expect(outline).not.toBe('none')
    await shoot('keyboard-focus')
  })

  await test.step('Enter opens the detail, Escape closes it', async () => {
    await app.page.keyboard.press('Enter')
    await detail.expectOpen()
    await detail.closeWithEscape()
  })
})

test('a workspace file dropped on the window opens; anything else is refused', async ({
  app,
  world,
}) => {
  const audit = new AuditPage(app.page)
  const welcome = new WelcomePage(app.page)
  await welcome.expectShown()

  await dropFile(app.page, 'notes.txt')
  await expect(welcome.openButton.locator('..')).toContainText(
    'must be a .launchready.yaml or .json file',
  )

  await dropFile(app.page, world.workspaceFile.split('/').at(-1)!)
  await audit.expectShown('Shop (test world)')
})
