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
  // 3: monitoring (issue 7). Raw samples, and minute/hour/day rollups kept
  // up to date in the sample's own transaction so dashboards never scan
  // raw rows; each rollup keeps a response-time histogram (JSON array of
  // counts per bucket of MONITOR_HISTOGRAM_MS) for p50/p95. Times are
  // Unix milliseconds.
  `
  CREATE TABLE monitor_samples (
    id INTEGER PRIMARY KEY,
    workspace TEXT NOT NULL,
    monitor TEXT NOT NULL,
    at INTEGER NOT NULL,
    ok INTEGER NOT NULL CHECK (ok IN (0, 1)),
    status INTEGER,
    duration_ms REAL,
    error TEXT
  );
  CREATE INDEX monitor_samples_by_time ON monitor_samples (workspace, monitor, at);

  CREATE TABLE monitor_rollups (
    workspace TEXT NOT NULL,
    monitor TEXT NOT NULL,
    size TEXT NOT NULL CHECK (size IN ('minute', 'hour', 'day')),
    start INTEGER NOT NULL,
    count INTEGER NOT NULL,
    ok_count INTEGER NOT NULL,
    timed_count INTEGER NOT NULL,
    sum_ms REAL NOT NULL,
    max_ms REAL,
    histogram TEXT NOT NULL CHECK (json_valid(histogram)),
    PRIMARY KEY (workspace, monitor, size, start)
  ) WITHOUT ROWID;

  CREATE TABLE monitor_states (
    workspace TEXT NOT NULL,
    monitor TEXT NOT NULL,
    state TEXT NOT NULL,
    since INTEGER NOT NULL,
    detail TEXT NOT NULL,
    PRIMARY KEY (workspace, monitor)
  ) WITHOUT ROWID;

  CREATE TABLE monitor_incidents (
    id INTEGER PRIMARY KEY,
    workspace TEXT NOT NULL,
    monitor TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    ended_at INTEGER,
    cause TEXT NOT NULL
  );
  CREATE INDEX monitor_incidents_by_time ON monitor_incidents (workspace, started_at);

  CREATE TABLE monitor_records (
    workspace TEXT NOT NULL,
    monitor TEXT NOT NULL,
    record TEXT NOT NULL,
    value TEXT NOT NULL,
    seen_at INTEGER NOT NULL,
    PRIMARY KEY (workspace, monitor, record)
  ) WITHOUT ROWID;

  CREATE TABLE drift_events (
    id INTEGER PRIMARY KEY,
    workspace TEXT NOT NULL,
    monitor TEXT NOT NULL,
    at INTEGER NOT NULL,
    record TEXT NOT NULL,
    before TEXT NOT NULL,
    after TEXT NOT NULL
  );
  CREATE INDEX drift_events_by_time ON drift_events (workspace, at);

  CREATE TABLE deploy_markers (
    id INTEGER PRIMARY KEY,
    workspace TEXT NOT NULL,
    at INTEGER NOT NULL,
    note TEXT NOT NULL
  );
  CREATE INDEX deploy_markers_by_time ON deploy_markers (workspace, at);

  CREATE TABLE alert_deliveries (
    id INTEGER PRIMARY KEY,
    workspace TEXT NOT NULL,
    alert_key TEXT NOT NULL,
    channel TEXT NOT NULL,
    kind TEXT NOT NULL,
    alert TEXT NOT NULL CHECK (json_valid(alert)),
    state TEXT NOT NULL
      CHECK (state IN ('pending', 'delivered', 'failed', 'dropped')),
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    delivered_at INTEGER,
    last_error TEXT,
    UNIQUE (alert_key, channel)
  );
  CREATE INDEX alert_deliveries_due ON alert_deliveries (state, next_attempt_at);
  `,
]
