#pragma once
// Schema version 1: the foundation tables every panel reads. Later schema versions add their
// own migrations instead of editing this text, so existing workspaces upgrade in place.
namespace psr::store {
inline constexpr const char* kSchemaV1 = R"SQL(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE blobs (
  sha256     TEXT PRIMARY KEY CHECK (length(sha256) = 64),
  bytes      INTEGER NOT NULL,
  mime       TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE TABLE datasets (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE TABLE samples (
  id          INTEGER PRIMARY KEY,
  dataset_id  INTEGER REFERENCES datasets(id) ON DELETE CASCADE,
  subset      TEXT NOT NULL,
  split       TEXT NOT NULL CHECK (split IN ('train', 'heldout')),
  instruction TEXT NOT NULL,
  target_blob TEXT REFERENCES blobs(sha256),
  provenance  TEXT NOT NULL DEFAULT '{}',
  scores      TEXT NOT NULL DEFAULT '{}',
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX samples_by_subset ON samples(subset, split);
CREATE TABLE sample_references (
  sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
  slot      INTEGER NOT NULL CHECK (slot BETWEEN 1 AND 4),
  blob      TEXT NOT NULL REFERENCES blobs(sha256),
  category  TEXT NOT NULL,
  PRIMARY KEY (sample_id, slot)
);
CREATE TABLE reviews (
  sample_id   INTEGER PRIMARY KEY REFERENCES samples(id) ON DELETE CASCADE,
  verdict     TEXT NOT NULL CHECK (verdict IN ('accepted', 'rejected')),
  reason      INTEGER,
  reviewer    TEXT NOT NULL DEFAULT '',
  reviewed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE TABLE models (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  kind       TEXT NOT NULL,
  config     TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE TABLE jobs (
  id         INTEGER PRIMARY KEY,
  kind       TEXT NOT NULL,
  spec       TEXT NOT NULL,
  state      TEXT NOT NULL CHECK (state IN ('queued', 'running', 'paused', 'finished', 'failed', 'cancelled')),
  device     TEXT NOT NULL DEFAULT 'cpu',
  pid        INTEGER,
  exit_code  INTEGER,
  message    TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  started_at TEXT,
  ended_at   TEXT
);
CREATE TABLE checkpoints (
  id         INTEGER PRIMARY KEY,
  model_id   INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
  job_id     INTEGER REFERENCES jobs(id) ON DELETE SET NULL,
  parent_id  INTEGER REFERENCES checkpoints(id) ON DELETE SET NULL,
  dataset_id INTEGER REFERENCES datasets(id) ON DELETE SET NULL,
  step       INTEGER NOT NULL DEFAULT 0,
  path       TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE TABLE metrics (
  job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  step   INTEGER NOT NULL,
  name   TEXT NOT NULL,
  value  REAL NOT NULL,
  PRIMARY KEY (job_id, name, step)
) WITHOUT ROWID;
CREATE TABLE bench_runs (
  id            INTEGER PRIMARY KEY,
  checkpoint_id INTEGER REFERENCES checkpoints(id) ON DELETE CASCADE,
  label         TEXT NOT NULL,
  suite         TEXT NOT NULL,
  seed          INTEGER NOT NULL DEFAULT 0,
  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE TABLE bench_results (
  run_id    INTEGER NOT NULL REFERENCES bench_runs(id) ON DELETE CASCADE,
  subset    TEXT NOT NULL,
  sample_id INTEGER NOT NULL,
  metric    TEXT NOT NULL,
  value     REAL NOT NULL,
  PRIMARY KEY (run_id, subset, sample_id, metric)
) WITHOUT ROWID;
)SQL";
}  // namespace psr::store
