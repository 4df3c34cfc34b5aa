import { spawn } from 'node:child_process'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { defaultHistoryFile } from '../../src/cli/monitor'
import { Store } from '../../src/core/store/store'
import { withEnvironmentSecrets } from '../../src/core/vault/vault'
import type { WorkspaceInput } from '../../src/shared/workspace'
import { startCli } from '../support/cli'
import { startSite, type TestSite } from '../support/site'
import { startWebhookReceiver, type WebhookReceiver } from '../world/webhook'

let dir: string
let db: string
let site: TestSite
let reference: TestSite
let receiver: WebhookReceiver

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lr-monitor-cli-'))
  db = join(dir, 'history.sqlite3')
  site = await startSite()
  reference = await startSite()
  receiver = await startWebhookReceiver()
})
afterEach(async () => {
  await Promise.all([site.stop(), reference.stop(), receiver.stop()])
})

/** A workspace whose one monitor watches the test site. */
async function workspaceFile(): Promise<string> {
  const file = join(dir, 'acme.launchready.yaml')
  const workspace: WorkspaceInput = {
    version: 1,
    name: 'Acme shop',
    domain: 'acme.test',
    canonicalOrigin: new URL(site.url).origin,
    monitoring: {
      owner: 'Sam (sam@acme.test)',
      uptime: { urls: [site.url], timeoutSeconds: 2 },
      daily: { tls: false, records: false },
      confirmAfterSeconds: 1,
      referenceUrls: [reference.url],
      alerts: [{ kind: 'slack', url: 'secret:slack-hook' }],
    },
  }
  await writeFile(file, stringify(workspace))
  return file
}

const env = () => ({
  LAUNCH_READY_SECRET_SLACK_HOOK: `${receiver.origin}/services/T0/B0/x`,
})

/** Runs the CLI in-process; `signal` stops a monitor. */
const cli = (argv: string[], signal?: AbortSignal) =>
  startCli(argv, {
    env: env(),
    vault: withEnvironmentSecrets(undefined, env()),
    signal,
  })

async function until(done: () => boolean, what: string) {
  for (let i = 0; i < 1000 && !done(); i++)
    await new Promise((resolve) => setTimeout(resolve, 20))
  if (!done()) throw new Error(`Never happened: ${what}`)
}

describe('launch-ready monitor', () => {
  it('prints state changes, alerts once confirmed, and stops cleanly', async () => {
    const file = await workspaceFile()
    await site.set('error')
    const stop = new AbortController()
    const run = cli(['monitor', file, '--db', db], stop.signal)
    await until(() => /DOWN/.test(run.stdout), 'the monitor to report DOWN')
    await until(() => receiver.received().length === 1, 'the Slack alert')
    stop.abort()
    expect(await run.done).toBe(0)
    const lines = run.stdout.trim().split('\n')
    expect(lines[0]).toBe(
      'Watching Acme shop: 1 monitor(s), 1 alert channel(s). Ctrl-C stops.',
    )
    expect(lines[1]).toMatch(
      new RegExp(
        `Z uptime ${site.url}: failing, re-checking \\(It answered HTTP 500\\.\\)$`,
      ),
    )
    expect(lines[2]).toMatch(/: DOWN \(It answered HTTP 500\.\)$/)
    expect(lines.at(-1)).toMatch(/^Stopped \(stop request\)/)
    const [slack] = receiver.received()
    expect((slack!.body as { text: string }).text).toContain(
      `${site.url} is down`,
    )
    const store = new Store(db)
    expect(store.monitor.incidents(file, 0, Date.now())).toHaveLength(1)
    expect(store.integrityCheck()).toBe('ok')
    store.close()
  })

  it('stops on SIGTERM, waiting for the run in flight', async () => {
    const file = await workspaceFile()
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'test/support/cli-process.ts',
        'monitor',
        file,
        '--db',
        db,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env() } },
    )
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (t: string) => (out += t))
    await until(() => /Watching/.test(out), 'the monitor to start')
    await until(() => site.hits > 0, 'the first probe')
    child.kill('SIGTERM')
    const code = await new Promise((resolve) => child.once('exit', resolve))
    expect(code).toBe(0)
    expect(out).toMatch(/Stopped \(SIGTERM\)/)
  })

  it('sends a test alert, which the alert route then counts', async () => {
    const file = await workspaceFile()
    const run = cli(['monitor', file, '--db', db, '--test-alert'])
    expect(await run.done).toBe(0)
    expect(run.stdout).toBe('Test alert delivered to "slack".\n')
    expect(receiver.received()).toHaveLength(1)
    const store = new Store(db)
    expect(store.alerts.lastDelivered(file)).toMatchObject({ kind: 'test' })
    store.close()
  })

  it('exits 1 when a test alert is refused', async () => {
    const file = await workspaceFile()
    receiver.script('/services/T0/B0/x', ['fail'])
    const run = cli(['monitor', file, '--db', db, '--test-alert'])
    expect(await run.done).toBe(1)
    expect(run.stdout).toMatch(/^Test alert to "slack" failed: .*answered 500/)
  })

  it.each([
    [['monitor'], /monitor takes exactly one workspace file/],
    [['monitor', 'a.yaml', '--every', '5'], /Unknown option '--every'/],
    [['deploy', 'undo', 'a.yaml'], /deploy needs mark/],
    [['deploy', 'mark'], /deploy mark takes exactly one workspace file/],
  ])('exits 2 on bad usage %j', async (argv, message) => {
    const run = cli(argv)
    expect(await run.done).toBe(2)
    expect(run.stderr).toMatch(message)
  })
})

describe('launch-ready deploy mark', () => {
  it('records a deploy marker with its note', async () => {
    const file = await workspaceFile()
    const run = cli(['deploy', 'mark', file, '--note', 'v1.4.2', '--db', db])
    expect(await run.done).toBe(0)
    expect(run.stdout).toMatch(
      /^Deploy marker 1 recorded for Acme shop at .*: v1\.4\.2\.\n$/,
    )
    const store = new Store(db)
    expect(store.monitor.deployMarkers(file, 0)).toEqual([
      expect.objectContaining({ id: 1, note: 'v1.4.2' }),
    ])
    store.close()
  })

  it('finds the app history by default, or LAUNCH_READY_DB', () => {
    expect(defaultHistoryFile({ HOME: '/home/sam' }, 'linux')).toBe(
      '/home/sam/.config/launch-ready/history.sqlite3',
    )
    expect(defaultHistoryFile({ HOME: '/Users/sam' }, 'darwin')).toBe(
      '/Users/sam/Library/Application Support/launch-ready/history.sqlite3',
    )
    expect(defaultHistoryFile({ LAUNCH_READY_DB: '/tmp/h.db' })).toBe(
      '/tmp/h.db',
    )
  })
})
