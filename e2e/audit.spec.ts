import { expect, test } from './fixtures'
import { AuditPage } from './pages/audit-page'
import { FindingDetail } from './pages/finding-detail'
import { WelcomePage } from './pages/welcome-page'

const EXPIRED = 'expired.shop.test'

test('audits the world and explains its expired certificate as a blocker', async ({
  app,
  shoot,
}) => {
  const welcome = new WelcomePage(app.page)
  const audit = new AuditPage(app.page)
  const detail = new FindingDetail(app.page)

  await test.step('open the world’s workspace from Welcome', async () => {
    await welcome.expectShown()
    await shoot('welcome')
    await welcome.openWorkspace()
    await audit.expectShown('Shop (test world)')
  })

  await test.step('run the audit against the world', async () => {
    await expect(audit.targetRow('tls.expiry', EXPIRED)).toContainText(
      'Not checked yet',
    )
    await audit.runToEnd()
    await expect(audit.riskTitle).toContainText(/blockers? stands? between/)
  })

  await test.step('tls.expiry on the expired host is listed as a blocker', async () => {
    const item = audit.riskItem('tls.expiry', EXPIRED)
    await expect(item).toContainText('Blocker')
    await expect(item).toContainText('Fail')
    await expect(item).toContainText(
      `The certificate of ${EXPIRED} has expired`,
    )
    await expect(item).toContainText(
      'Browser warning: Browsers show a security warning',
    )
    await expect(item).toContainText('Fix: Renew the certificate now')
    await expect(audit.targetRow('tls.expiry', EXPIRED)).toContainText('Fail')
    await expect(audit.readiness).toContainText(/\d+ of \d+ checks clear/)
    await expect(audit.stage(7)).toContainText('no checks for this stage yet')
    await shoot('audit', { fullPage: true })
  })

  await test.step('its detail explains what was measured and the fix', async () => {
    await audit.openRisk('tls.expiry', EXPIRED)
    await detail.expectOpen()
    await expect(detail.title).toHaveText(
      `The certificate of ${EXPIRED} has expired`,
    )
    await expect(detail.section('What we measured')).toContainText('Days left')
    await expect(detail.section('Why it matters')).toContainText(
      'An expired certificate takes the site down',
    )
    await expect(detail.section('How to fix')).toContainText(
      'Renew the certificate now',
    )
    const standard = detail
      .section('How to fix')
      .getByRole('link', { name: 'CA/Browser Forum Baseline Requirements' })
    await expect(standard).toHaveAttribute('href', /^https:\/\/cabforum\.org\//)
    if (app.mode === 'chromium bridge') {
      // The bridge logs what Electron would hand to the browser.
      await standard.click()
      await expect
        .poll(() => app.mainLog())
        .toContain('opened in the browser url="https://cabforum.org/')
    }
    await expect(detail.dialog).toBeVisible()
    await expect(detail.section('History on this target')).toContainText(
      'has expired',
    )
    await shoot('finding-detail')
  })

  await test.step('Escape closes the detail', async () => {
    await detail.closeWithEscape()
    await expect(audit.heading).toBeVisible()
  })

  await test.step('a request’s timings show as a timeline', async () => {
    await audit.openRisk(
      'edge.https-redirect',
      'no-redirect.shop.test',
      audit.alsoToFix,
    )
    await expect(detail.timeline).toBeVisible()
    await expect(detail.timeline.getByRole('listitem').first()).toBeVisible()
    await expect(detail.section('How to fix')).toContainText('nginx')
    await shoot('finding-detail-timeline')
    await detail.closeWithEscape()
  })

  await test.step('Re-check reruns just that check, and says what changed', async () => {
    const blockersBefore = await audit.blockers.locator(':scope > li').count()
    await audit.recheck('tls.expiry', EXPIRED).click()
    await expect(audit.changes).toContainText(/Since the run of .*: nothing/)
    // The rest of the audit is still there, not only tls.expiry.
    await expect(audit.blockers.locator(':scope > li')).toHaveCount(
      blockersBefore,
    )
    await expect(audit.riskItem('tls.expiry', EXPIRED)).toBeVisible()
  })
})

test.describe('behind a DNS server that never answers', () => {
  test.use({ workspace: 'dead dns' })

  test('shows live progress while the audit runs, and cancels it', async ({
    app,
    shoot,
  }) => {
    const audit = new AuditPage(app.page)

    await test.step('start the audit', async () => {
      await new WelcomePage(app.page).openWorkspace()
      await audit.expectShown('Shop behind a dead DNS server (test world)')
      await audit.runButton.click()
    })

    await test.step('the progress bar says how far and what runs', async () => {
      await expect(audit.progress).toBeVisible()
      await expect(audit.progressCount).toHaveText(/^\d+ of \d+ checks done$/)
      await expect(audit.progressCurrent).toHaveText(/^Checking “.+” on .+$/)
      await expect(
        audit.targetRow('tls.expiry', 'www.shop.test'),
      ).toContainText(/Checking…|Waiting/)
      await shoot('audit-running')
    })

    await test.step('Cancel stops it and says so', async () => {
      await audit.cancelButton.click()
      await expect(audit.runButton).toBeVisible()
      await expect(audit.lastRun).toContainText('It was cancelled')
    })
  })
})
