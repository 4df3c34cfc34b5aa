import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest'
import { parseDocument } from 'yaml'
import { VaultError } from '../../src/core/errors'
import { Store } from '../../src/core/store/store'
import type { Vault } from '../../src/core/vault/vault'
import { runCli } from '../support/cli'
import { memoryVault } from '../support/memory-vault'
import { sampleFinding } from '../support/sample-run'

const world = inject('world')

const PLANTED = {
  note: 'sk_live_plantedNOTE0123456789abcdef',
  slack: 'T0PLANTED/B0PLANTED/plantedslackpath',
  header: 'planted-header-value-41c9',
  env: 'planted-env-value-77e0',
}

let dir: string
let file: string
let db: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lr-report-cli-'))
  file = join(dir, 'shop.launchready.yaml')
  db = join(dir, 'history.sqlite3')
  // The world's workspace, handed over, with secret values planted
  // where a careless engineer might paste them.
  const text = await readFile(world.workspaceFile, 'utf8')
  const doc = parseDocument(text)
  const ca = doc.getIn(['network', 'caFile'])
  if (typeof ca === 'string') {
    doc.setIn(['network', 'caFile'], resolve(dirname(world.workspaceFile), ca))
  }
  doc.set('owners', [{ name: 'Sam', timeZone: 'Europe/London' }])
  doc.set('checklist', [
    {
      id: 'handover.access.dns',
      done: true,
      owner: 'Sam',
      date: '2026-11-30',
      note: `old key ${PLANTED.note}`,
    },
  ])
  doc.setIn(
    ['monitoring', 'alerts'],
    [
      {
        kind: 'slack',
        url: `https://hooks.slack.test/services/${PLANTED.slack}`,
      },
      {
        kind: 'webhook',
        url: 'https://hooks.shop.test/alert',
        headers: { 'X-Token': PLANTED.header },
      },
    ],
  )
  await writeFile(file, doc.toString())
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const cli = (
  argv: string[],
  vault: Vault = memoryVault({ 'shop-api-token': world.apiToken }),
) =>
  runCli(argv, {
    env: { LAUNCH_READY_SECRET_SMTP_PASSWORD: PLANTED.env },
    vault,
  })

function storeRun() {
  const store = new Store(db)
  store.saveRun(file, {
    startedAt: '2026-12-03T10:00:00.000Z',
    finishedAt: '2026-12-03T10:00:05.000Z',
    durationMs: 5000,
    outcome: 'completed',
    findings: [
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
    ],
  })
  store.close()
}

function expectNoSecrets(text: string) {
  for (const value of [...Object.values(PLANTED), world.apiToken]) {
    expect(text).not.toContain(value)
  }
}

describe('launch-ready report', () => {
  it('prints the handover pack as Markdown with live records and stored results', async () => {
    storeRun()
    const { code, stdout, stderr } = await cli([
      'report',
      file,
      '--format',
      'md',
      '--db',
      db,
      '--tz',
      'UTC',
    ])
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(stdout).toMatch(/^# Handover pack: Shop \(test world\)\n/)
    expect(stdout).toContain('DNS records as they were when the pack was made')
    expect(stdout).toContain(
      `| www.${world.domain} | the site's own, issued by CN=Test CA | 12 Jan 2027 UTC |`,
    )
    expect(stdout).toContain(
      '| shop-api-token | endpoints\\[0\\].headers.Authorization, endpoints\\[1\\].headers.Authorization | the keychain of this machine |',
    )
    expectNoSecrets(stdout)
  })

  it('writes one HTML file with --out and says where', async () => {
    storeRun()
    const out = join(dir, 'handover.html')
    const { code, stdout, stderr } = await cli([
      'report',
      file,
      '--format',
      'html',
      '--out',
      out,
      '--db',
      db,
      '--offline',
    ])
    expect(code).toBe(0)
    expect(stdout).toBe('')
    expect(stderr).toBe(`Wrote the handover pack to ${out}.\n`)
    const html = await readFile(out, 'utf8')
    expect(html).toMatch(/^<!doctype html>/)
    expect(html).toContain('<section id="secrets">')
    expectNoSecrets(html)
  })

  it('makes a pack without history, saying it has no results yet', async () => {
    const { code, stdout, stderr } = await cli([
      'report',
      file,
      '--db',
      join(dir, 'none.sqlite3'),
      '--offline',
    ])
    expect(code).toBe(0)
    expect(stderr).toMatch(/no stored audit for this workspace/)
    expect(stdout).toContain('No audit has been stored for this workspace yet.')
    expectNoSecrets(stdout)
  })

  it('lists secrets from the environment when the keychain cannot be read', async () => {
    const noKeychain: Vault = {
      ...memoryVault(),
      list: () =>
        Promise.reject(
          new VaultError('list the keychain', 'no keychain here', 'test'),
        ),
    }
    const { code, stdout } = await cli(
      ['report', file, '--offline', '--db', db],
      noKeychain,
    )
    expect(code).toBe(0)
    expect(stdout).toContain(
      'The keychain of this machine could not be read (Could not list the keychain: no keychain here (test))',
    )
    expect(stdout).toContain(
      '| smtp-password | email.smtp.password | the environment variable LAUNCH\\_READY\\_SECRET\\_SMTP\\_PASSWORD |',
    )
    expectNoSecrets(stdout)
  })

  it.each([
    [['report'], /report takes exactly one workspace file/],
    [['report', 'a.yaml', 'b.yaml'], /report takes exactly one workspace file/],
    [
      ['report', 'a.yaml', '--format', 'pdf'],
      /--format must be md or html, not "pdf"/,
    ],
    [
      ['report', 'a.yaml', '--tz', 'Mars/Base'],
      /--tz must be a time zone name/,
    ],
    [['report', 'a.yaml', '--colour'], /Unknown option '--colour'/],
  ])('refuses %j with usage and exit 2', async (argv, message) => {
    const { code, stderr } = await cli(argv)
    expect(code).toBe(2)
    expect(stderr).toMatch(message)
    expect(stderr).toContain('launch-ready report <workspace>')
  })

  it('refuses a workspace from a newer version, naming both versions', async () => {
    const newer = join(dir, 'newer.launchready.yaml')
    await writeFile(
      newer,
      (await readFile(file, 'utf8')).replace('version: 1', 'version: 4'),
    )
    const { code, stderr } = await cli(['report', newer, '--offline'])
    expect(code).toBe(2)
    expect(stderr).toMatch(/workspace version 4, newer than the version 1/)
  })
})
