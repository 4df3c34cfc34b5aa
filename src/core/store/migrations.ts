/**
 * Numbered schema migrations. Each runs once, in order, inside a
 * transaction; `PRAGMA user_version` records how far a database got.
 * Never edit a migration that has shipped: add the next one.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: audit runs and their findings.
  `
  CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    workspace TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    duration_ms INTEGER NOT NULL,
    outcome TEXT NOT NULL
      CHECK (outcome IN ('completed', 'cancelled', 'deadline')),
    finding_count INTEGER NOT NULL
  );
  CREATE INDEX runs_by_workspace ON runs (workspace, id);

  CREATE TABLE findings (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    check_id TEXT NOT NULL,
    stage INTEGER NOT NULL CHECK (stage BETWEEN 1 AND 7),
    status TEXT NOT NULL
      CHECK (status IN ('pass', 'warn', 'fail', 'error', 'skip')),
    severity TEXT NOT NULL
      CHECK (severity IN ('blocker', 'high', 'medium', 'low', 'info')),
    target TEXT NOT NULL,
    title TEXT NOT NULL,
    detail TEXT NOT NULL,
    evidence TEXT NOT NULL CHECK (json_valid(evidence)),
    fix TEXT NOT NULL
  );
  CREATE INDEX findings_by_run ON findings (run_id);
  CREATE INDEX findings_by_check ON findings (check_id, target, run_id);
  `,
  // 2: a run of some checks only (a test send on demand) names them, so
  // the latest full audit can be shown with those results laid over it.
  `
  ALTER TABLE runs ADD COLUMN checks TEXT
    CHECK (checks IS NULL OR json_valid(checks));
  `,
]
