import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest'
import { createNetwork } from '../../../src/core/net/network'
import {
  buildHandover,
  handoverHtml,
  handoverMarkdown,
} from '../../../src/core/report/handover'
import { collectHandover } from '../../../src/core/report/handover-sources'
import { Store } from '../../../src/core/store/store'
import { withEnvironmentSecrets } from '../../../src/core/vault/vault'
import { loadWorkspace } from '../../../src/core/workspace/load'
import { WorkspaceSchema, type Workspace } from '../../../src/shared/workspace'
import { memoryVault } from '../../support/memory-vault'
import { sampleFinding } from '../../support/sample-run'

const world = inject('world')

/** Values that must never reach a handover document, in any format. */
const CANARIES = {
  keychain: 'canary-keychain-7f3a9c1e',
  env: 'canary-env-52be08d4',
  stripe: 'sk_live_canary0123456789abcdefABCD',
  bearer: 'canary-bearer-9d1f44aa0b',
  slackPath: 'T0CANARY/B0CANARY/canaryslackpath8e21',
  header: 'canary-header-3c6e90ff',
  query: 'canary-query-0a77d3',
}

/** The world's workspace, with a handover filled in and secrets planted. */
function handedOver(base: Workspace): Workspace {
  return WorkspaceSchema.parse({
    ...base,
    endpoints: [
      {
        name: 'orders',
        url: `${base.canonicalOrigin}/api/orders`,
        headers: {
          Authorization: `Bearer ${CANARIES.bearer}`,
          'X-Api-Key': 'secret:admin-api-key',
        },
      },
    ],
    owners: [
      { name: 'Sam', timeZone: 'Europe/London', contact: 'sam@shop.test' },
      { name: 'Ana', timeZone: 'America/Sao_Paulo' },
    ],
    checklist: [
      {
        id: 'handover.access.dns',
        done: true,
        owner: 'Sam',
        date: '2026-11-30',
        provider: 'Gandi',
        note: `2FA on; old key was ${CANARIES.stripe}`,
      },
      {
        id: 'handover.rotation.smtp-password',
        done: true,
        owner: 'Sam',
        date: '2026-11-30',
        whoCan: 'Sam, Ana',
        steps:
          'Postmark › Servers › Rotate\nlaunch-ready secret set smtp-password',
      },
      {
        id: 'deploy.rollback',
        done: true,
        owner: 'Sam',
        date: '2026-11-29',
        steps: 'Run ```vercel rollback``` then check <script>alert(1)</script>',
      },
      {
        id: 'handover.support.after-hours',
        done: true,
        owner: 'Ana',
        date: '2026-11-30',
        contact: '+55 11 5555 0100',
        hours: 'nights and weekends',
      },
    ],
    monitoring: {
      ...base.monitoring,
      owner: 'Sam',
      uptime: {
        urls: [`${base.canonicalOrigin}/health?key=${CANARIES.query}`],
      },
      alerts: [
        { kind: 'tray' },
        { kind: 'email', to: ['ops@shop.test'] },
        {
          kind: 'slack',
          url: `https://hooks.slack.test/services/${CANARIES.slackPath}`,
        },
        {
          kind: 'webhook',
          url: 'secret:pager-webhook',
          headers: { 'X-Signature': CANARIES.header },
        },
      ],
    },
  })
}

let dir: string
let store: Store | undefined
let base: Awaited<ReturnType<typeof loadWorkspace>>
beforeAll(async () => {
  base = await loadWorkspace(world.workspaceFile, { migrate: 'memory' })
})
afterEach(async () => {
  store?.close()
  store = undefined
  if (dir) await rm(dir, { recursive: true, force: true })
})

async function storeWithRun(file: string) {
  dir = await mkdtemp(join(tmpdir(), 'lr-handover-'))
  store = new Store(join(dir, 'history.sqlite3'))
  store.saveRun(file, {
    startedAt: '2026-12-03T10:00:00.000Z',
    finishedAt: '2026-12-03T10:00:05.000Z',
    durationMs: 5000,
    outcome: 'completed',
    findings: [
      sampleFinding({
        check: 'dns.apex',
        target: world.domain,
        evidence: { records: ['A 192.0.2.10 (TTL 300 s)'], resolver: 'x' },
      }),
      sampleFinding({
        check: 'tls.expiry',
        target: `www.${world.domain}`,
        evidence: {
          daysLeft: 40,
          certificate: {
            validTo: '2027-01-12T12:00:00.000Z',
            issuer: 'CN=Test CA',
          },
        },
      }),
      sampleFinding({
        check: 'tls.expiry',
        target: world.domain,
        evidence: {
          daysLeft: 12,
          certificate: {
            validTo: '2026-12-15T12:00:00.000Z',
            issuer: 'CN=Test CA',
          },
        },
      }),
      sampleFinding({
        check: 'tls.chain',
        target: world.domain,
        evidence: {
          intermediates: ['CN=Test Intermediate (until 2027-03-01)'],
        },
      }),
      sampleFinding({
        check: 'tls.chain',
        target: `www.${world.domain}`,
        evidence: {
          intermediates: ['CN=Test Intermediate (until 2027-03-01)'],
        },
      }),
      sampleFinding({
        check: 'edge.hsts',
        stage: 2,
        status: 'fail',
        severity: 'high',
        target: world.domain,
        title: 'No Strict-Transport-Security <header>',
      }),
    ],
  })
  return store
}

async function documents(options: { live: boolean }) {
  const workspace = handedOver(base.workspace)
  const loaded = { file: base.file, workspace }
  const inner = memoryVault({
    'smtp-password': CANARIES.keychain,
    'admin-api-key': CANARIES.keychain,
  })
  const env = { LAUNCH_READY_SECRET_PAGER_WEBHOOK: CANARIES.env }
  const net = options.live
    ? await createNetwork(workspace, base.file)
    : undefined
  const sources = await collectHandover({
    loaded,
    store: await storeWithRun(base.file),
    vault: withEnvironmentSecrets(inner, env),
    env,
    resolver: net?.resolver,
    now: new Date('2026-12-04T08:30:00Z'),
    userZone: 'Europe/Paris',
  })
  const doc = buildHandover(sources)
  return { md: handoverMarkdown(doc), html: handoverHtml(doc) }
}

describe('the handover document', () => {
  it('never contains a secret value, in Markdown or in HTML', async () => {
    for (const live of [true, false]) {
      const { md, html } = await documents({ live })
      for (const [where, value] of Object.entries(CANARIES)) {
        expect(md, `${where} in Markdown`).not.toContain(value)
        expect(html, `${where} in HTML`).not.toContain(value)
      }
      expect(md).not.toMatch(/canary/i)
      expect(html).not.toMatch(/canary/i)
    }
  })

  it('lists the secrets by name with where they are used and kept', async () => {
    const { md } = await documents({ live: false })
    const inventory = md.slice(md.indexOf('## Secrets inventory'))
    expect(inventory).toContain(
      '| admin-api-key | endpoints\\[0\\].headers.X-Api-Key | the keychain of this machine | Open |',
    )
    expect(inventory).toContain(
      '| pager-webhook | monitoring.alerts\\[3\\].url | the environment variable LAUNCH\\_READY\\_SECRET\\_PAGER\\_WEBHOOK | Open |',
    )
    expect(inventory).toContain(
      '| smtp-password | email.smtp.password | the keychain of this machine | Done |',
    )
  })

  it('shows the records as they are now, read through the workspace resolver', async () => {
    const { md } = await documents({ live: true })
    const section = md.slice(
      md.indexOf('## Domain architecture'),
      md.indexOf('## Latest results'),
    )
    expect(section).toMatch(/DNS records as they were when the pack was made/)
    expect(section).toMatch(
      new RegExp(
        `\\| www\\.${world.domain.replace('.', '\\.')} \\| (A|CNAME) \\|`,
      ),
    )
    expect(section).toMatch(/\| NS \|/)
    expect(section).not.toContain('192.0.2.10')
  })

  it('falls back to the records the last audit saw when made offline', async () => {
    const { md } = await documents({ live: false })
    expect(md).toContain(
      'DNS records as the audit of 3 Dec 2026, 11:00 GMT+1 saw them',
    )
    expect(md).toContain(`| ${world.domain} | A | 192.0.2.10 | 300 s |`)
  })

  it('carries results, owners with time zones, runbooks and the renewal calendar', async () => {
    const { md } = await documents({ live: false })
    expect(md).toContain(
      `| Fail | high | 2 Domain and edge | edge.hsts | ${world.domain} | No Strict-Transport-Security \\<header\\> |`,
    )
    expect(md).toContain(
      '| After hours | Ana | America/Sao\\_Paulo | nights and weekends | +55 11 5555 0100 |',
    )
    expect(md).toContain(
      '| Sam | Europe/London | 4 Dec 2026, 08:30 GMT | sam@shop.test |',
    )
    expect(md).toContain(
      'Postmark › Servers › Rotate\nlaunch-ready secret set smtp-password',
    )
    expect(md).toContain('Who can rotate it: Sam, Ana.')
    // A fence longer than the steps' own backticks keeps them intact.
    expect(md).toContain(
      '````text\nRun ```vercel rollback``` then check <script>alert(1)</script>\n````',
    )
    const calendar = md.slice(md.indexOf('## Renewal calendar'))
    expect(calendar).toContain(
      `| ${world.domain} | the site's own, issued by CN=Test CA | 15 Dec 2026 GMT+1 | 11 | 24 Nov 2026 GMT+1 |`,
    )
    expect(calendar.indexOf(`| ${world.domain} |`)).toBeLessThan(
      calendar.indexOf(`| www.${world.domain} |`),
    )
    // One intermediate served by two hosts is one line of the calendar.
    expect(calendar).toContain(
      `| ${world.domain}, www.${world.domain} | intermediate CN=Test Intermediate | 1 Mar 2027 GMT+1 | 86 |`,
    )
    const routing = md.slice(md.indexOf('## Monitoring and alert routing'))
    expect(routing).toContain(
      `- Uptime: ${base.workspace.canonicalOrigin}/health (query not shown) every 60 s`,
    )
    expect(routing).toContain(
      '| slack | slack | hooks.slack.test (full address not shown: it works as a password) |',
    )
    expect(routing).toContain(
      '| webhook | webhook | the address kept as the secret "pager-webhook" |',
    )
    expect(md).toContain(
      '| Done | DNS provider access confirmed | Sam | 30 Nov 2026 | Gandi: \\[hidden: looks like a secret\\] |  |',
    )
  })

  it('is one self-contained, escaped HTML file ready to print', async () => {
    const { html } = await documents({ live: false })
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/)
    expect(html).toContain('@page { size: A4;')
    expect(html).not.toMatch(/<script|<link|<img|src=|href=|@import|url\(/i)
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(html).toContain('No Strict-Transport-Security &lt;header&gt;')
    for (const id of [
      'architecture',
      'results',
      'checklist',
      'owners',
      'monitoring',
      'runbooks',
      'renewals',
      'secrets',
    ]) {
      expect(html).toContain(`<section id="${id}">`)
    }
  })

  it('names the DNS failure in place of the records when no server answers', async () => {
    const dead = await loadWorkspace(world.deadDnsWorkspaceFile, {
      migrate: 'memory',
    })
    const net = await createNetwork(dead.workspace, dead.file, {
      timeoutMs: 1500,
    })
    const sources = await collectHandover({
      loaded: dead,
      resolver: net.resolver,
      now: new Date('2026-12-04T08:30:00Z'),
      userZone: 'UTC',
    })
    expect(sources.records?.records.length).toBeGreaterThan(0)
    for (const record of sources.records!.records) {
      expect(record.value).toMatch(/DNS server|DNS lookup failed/)
    }
    const md = handoverMarkdown(buildHandover(sources))
    expect(md).toContain(`| ${dead.workspace.domain} | NS | `)
  })

  it('says what is missing when no audit has run and nothing is filled in', async () => {
    const doc = buildHandover(
      await collectHandover({
        loaded: base,
        now: new Date('2026-12-04T08:30:00Z'),
        userZone: 'UTC',
      }),
    )
    const md = handoverMarkdown(doc)
    expect(md).toContain('No audit has been stored for this workspace yet.')
    expect(md).toContain('No certificate dates are known yet')
    expect(md).toContain('No DNS records could be read')
    expect(md).toMatch(/0 of \d+ items done\./)
  })
})
