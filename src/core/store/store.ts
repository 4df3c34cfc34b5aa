import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import type {
  Evidence,
  Finding,
  Severity,
  StageNumber,
  Status,
} from '../../shared/finding'
import type { AuditOutcome, AuditResult } from '../runner/run-checks'
import { MIGRATIONS } from './migrations'
import { AlertQueue } from './alert-queue'
import { MonitorHistory } from './monitor-history'

/** A stored audit run. */
export interface RunRecord {
  readonly id: number
  readonly workspace: string
  readonly startedAt: string
  readonly finishedAt: string
  readonly durationMs: number
  readonly outcome: AuditOutcome
  /** The checks of a partial run; absent for a full audit. */
  readonly checks?: readonly string[]
  readonly findings: readonly Finding[]
}

/** One past verdict of one check on one target. */
export interface HistoryEntry {
  readonly runId: number
  readonly startedAt: string
  readonly status: Status
  readonly severity: Severity
  readonly title: string
  readonly value: number | null
}

export interface StoreOptions {
  /** Path of a better-sqlite3 native binding built for this runtime. */
  readonly nativeBinding?: string
}

interface FindingRow {
  run_id: number
  check_id: string
  stage: number
  status: Status
  severity: Severity
  target: string
  title: string
  detail: string
  evidence: string
  fix: string
}

interface RunRow {
  checks: string | null
  id: number
  workspace: string
  started_at: string
  finished_at: string
  duration_ms: number
  outcome: AuditOutcome
}

/**
 * The audit history: runs and their findings in SQLite, in WAL mode so
 * the UI can read while a run is written, each run written in one
 * transaction so a crash never leaves half a run.
 */
export class Store {
  readonly #db: Database.Database

  constructor(file: string, options: StoreOptions = {}) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
    this.#db = new Database(file, { nativeBinding: options.nativeBinding })
    this.#db.pragma('journal_mode = WAL')
    this.#db.pragma('foreign_keys = ON')
    this.#db.pragma('busy_timeout = 5000')
    migrate(this.#db)
    this.monitor = new MonitorHistory(this.#db)
    this.alerts = new AlertQueue(this.#db)
  }

  /** Monitor samples, rollups, incidents, drift and deploy markers. */
  readonly monitor: MonitorHistory
  /** Alerts waiting for delivery, and the deliveries made. */
  readonly alerts: AlertQueue

  /** The schema version this database is at. */
  get version(): number {
    return this.#db.pragma('user_version', { simple: true }) as number
  }

  /**
   * Saves a finished audit; returns the new run's id. `checks` names the
   * checks of a partial run (absent for a full audit).
   */
  saveRun(
    workspace: string,
    result: AuditResult,
    checks?: readonly string[],
  ): number {
    const insertRun = this.#db.prepare(
      `INSERT INTO runs (workspace, started_at, finished_at, duration_ms, outcome, finding_count, checks)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    const insertFinding = this.#db.prepare(
      `INSERT INTO findings (run_id, check_id, stage, status, severity, target, title, detail, evidence, fix)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    const save = this.#db.transaction(() => {
      const { lastInsertRowid } = insertRun.run(
        workspace,
        result.startedAt,
        result.finishedAt,
        result.durationMs,
        result.outcome,
        result.findings.length,
        checks ? JSON.stringify(checks) : null,
      )
      const runId = Number(lastInsertRowid)
      for (const f of result.findings) {
        insertFinding.run(
          runId,
          f.check,
          f.stage,
          f.status,
          f.severity,
          f.target,
          f.title,
          f.detail,
          JSON.stringify(f.evidence),
          f.fix,
        )
      }
      return runId
    })
    return save()
  }

  /**
   * The most recent full audit of a workspace, with its findings; with
   * `beforeId`, the most recent one saved before that run.
   */
  lastRun(
    workspace: string,
    beforeId = Number.MAX_SAFE_INTEGER,
  ): RunRecord | undefined {
    const row = this.#db
      .prepare<[string, number], RunRow>(
        'SELECT * FROM runs WHERE workspace = ? AND checks IS NULL AND id < ? ORDER BY id DESC LIMIT 1',
      )
      .get(workspace, beforeId)
    return row && this.#withFindings(row)
  }

  /** Partial runs saved after run `afterId`, oldest first. */
  partialRunsAfter(workspace: string, afterId: number): readonly RunRecord[] {
    return this.#db
      .prepare<[string, number], RunRow>(
        'SELECT * FROM runs WHERE workspace = ? AND checks IS NOT NULL AND id > ? ORDER BY id',
      )
      .all(workspace, afterId)
      .map((row) => this.#withFindings(row))
  }

  /** A run by id, with its findings. */
  run(id: number): RunRecord | undefined {
    const row = this.#db
      .prepare<[number], RunRow>('SELECT * FROM runs WHERE id = ?')
      .get(id)
    return row && this.#withFindings(row)
  }

  /**
   * How one check judged one target over the last `limit` runs, newest
   * first; with `valueKey`, each entry also carries that number from its
   * evidence (p95, days left) so a trend can be drawn.
   */
  checkHistory(
    workspace: string,
    check: string,
    target: string,
    options: { readonly limit?: number; readonly valueKey?: string } = {},
  ): readonly HistoryEntry[] {
    const key = options.valueKey ?? ''
    if (!/^\w*$/.test(key)) throw new Error(`Not an evidence key: ${key}`)
    return this.#db
      .prepare<[string, string, string, string, string, number], HistoryEntry>(
        `SELECT r.id AS runId, r.started_at AS startedAt, f.status, f.severity, f.title,
           CASE WHEN ? = '' THEN NULL
             ELSE json_extract(f.evidence, '$.' || ?) END AS value
         FROM findings f JOIN runs r ON r.id = f.run_id
         WHERE r.workspace = ? AND f.check_id = ? AND f.target = ?
         ORDER BY r.id DESC LIMIT ?`,
      )
      .all(key, key, workspace, check, target, options.limit ?? 50)
  }

  /** Runs `PRAGMA integrity_check`; 'ok' when the file is sound. */
  integrityCheck(): string {
    return this.#db.pragma('integrity_check', { simple: true }) as string
  }

  close(): void {
    this.#db.close()
  }

  #withFindings(row: RunRow): RunRecord {
    const findings = this.#db
      .prepare<[number], FindingRow>(
        'SELECT * FROM findings WHERE run_id = ? ORDER BY id',
      )
      .all(row.id)
      .map(toFinding)
    return {
      id: row.id,
      workspace: row.workspace,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      durationMs: row.duration_ms,
      outcome: row.outcome,
      checks: row.checks ? (JSON.parse(row.checks) as string[]) : undefined,
      findings,
    }
  }
}

function toFinding(row: FindingRow): Finding {
  return {
    check: row.check_id,
    stage: row.stage as StageNumber,
    status: row.status,
    severity: row.severity,
    target: row.target,
    title: row.title,
    detail: row.detail,
    evidence: JSON.parse(row.evidence) as Evidence,
    fix: row.fix,
  }
}

/** Brings a database up to the newest schema, one migration at a time. */
function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number
  if (current > MIGRATIONS.length) {
    throw new Error(
      `The history database is at schema ${current}, newer than this app knows (${MIGRATIONS.length}). Update Launch Ready.`,
    )
  }
  for (let version = current + 1; version <= MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version - 1]!)
      db.pragma(`user_version = ${version}`)
    })()
  }
}
