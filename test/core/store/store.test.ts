import { spawn } from 'node:child_process'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { beforeEach, describe, expect, it } from 'vitest'
import { MIGRATIONS } from '../../../src/core/store/migrations'
import { Store } from '../../../src/core/store/store'
import { sampleFinding, sampleRun } from '../../support/sample-run'

const WS = '/work/acme.launchready.yaml'
let file: string
beforeEach(async () => {
  file = join(await mkdtemp(join(tmpdir(), 'lr-store-')), 'history.sqlite3')
})

describe('Store', () => {
  it('runs every migration once and uses WAL', () => {
    const store = new Store(file)
    expect(store.version).toBe(MIGRATIONS.length)
    store.close()
    const reopened = new Store(file)
    expect(reopened.version).toBe(MIGRATIONS.length)
    reopened.close()
    const db = new Database(file)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    db.close()
  })

  it('refuses a database from a newer version of the app', () => {
    new Store(file).close()
    const db = new Database(file)
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`)
    db.close()
    expect(() => new Store(file)).toThrow(/newer than this app knows/)
  })

  it('keeps runs with their findings and evidence', () => {
    const store = new Store(file)
    const id = store.saveRun(WS, sampleRun(1, 3))
    const run = store.lastRun(WS)!
    expect(run.id).toBe(id)
    expect(run.findings).toHaveLength(3)
    expect(run.findings[0]).toEqual(
      sampleFinding({ target: 'host-0.shop.test', detail: 'run 1' }),
    )
    expect(store.lastRun('/elsewhere.yaml')).toBeUndefined()
    store.close()
  })

  it('gives the history of one check on one target, newest first', () => {
    const store = new Store(file)
    const statuses = ['pass', 'pass', 'fail'] as const
    statuses.forEach((status, i) =>
      store.saveRun(WS, {
        ...sampleRun(i, 0),
        findings: [
          sampleFinding({ status }),
          sampleFinding({ check: 'tls.valid', status: 'warn' }),
        ],
      }),
    )
    const history = store.checkHistory(WS, 'tls.expiry', 'shop.test')
    expect(history.map((h) => h.status)).toEqual(['fail', 'pass', 'pass'])
    expect(history[0]!.runId).toBeGreaterThan(history[1]!.runId)
    expect(history[0]!.value).toBeNull()
    store.close()
  })

  it('follows a number from the evidence across runs, for a trend', () => {
    const store = new Store(file)
    for (const [i, p95] of [180, 240, 410].entries()) {
      store.saveRun(WS, {
        ...sampleRun(i, 0),
        findings: [
          sampleFinding({
            check: 'perf.latency',
            target: 'orders',
            evidence: { p95Ms: p95 },
          }),
        ],
      })
    }
    const trend = store.checkHistory(WS, 'perf.latency', 'orders', {
      valueKey: 'p95Ms',
    })
    expect(trend.map((h) => h.value)).toEqual([410, 240, 180])
    expect(() =>
      store.checkHistory(WS, 'perf.latency', 'orders', { valueKey: "x') --" }),
    ).toThrow(/Not an evidence key/)
    store.close()
  })

  it('writes a run all at once: a bad finding leaves no half run', () => {
    const store = new Store(file)
    const broken = {
      ...sampleRun(1, 2),
      findings: [sampleFinding(), sampleFinding({ status: 'maybe' as never })],
    }
    expect(() => store.saveRun(WS, broken)).toThrow(/CHECK constraint/)
    expect(store.lastRun(WS)).toBeUndefined()
    store.close()
  })

  it('survives a writer killed mid-run with every completed run intact', async () => {
    new Store(file).close()
    // One process (node with tsx's loader), so SIGKILL hits the writer
    // itself rather than a wrapper.
    const writer = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/support/store-writer.ts', file],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    )
    const committed: number[] = []
    await new Promise<void>((resolve, reject) => {
      writer.on('error', reject)
      writer.stdout.setEncoding('utf8').on('data', (text: string) => {
        for (const m of text.matchAll(/saved (\d+)/g))
          committed.push(Number(m[1]))
        if (committed.length >= 20) {
          writer.kill('SIGKILL')
          resolve()
        }
      })
    })
    await new Promise((resolve) => writer.once('exit', resolve))

    const store = new Store(file)
    expect(store.integrityCheck()).toBe('ok')
    for (const id of committed) {
      const run = store.run(id)!
      expect(run.findings).toHaveLength(500)
    }
    // Runs the writer had not reported may exist, but only whole.
    const db = new Database(file, { readonly: true })
    const partial = db
      .prepare(
        `SELECT r.id FROM runs r LEFT JOIN findings f ON f.run_id = r.id
         GROUP BY r.id HAVING count(f.id) != r.finding_count`,
      )
      .all()
    db.close()
    expect(partial).toEqual([])
    store.close()
  })
})
