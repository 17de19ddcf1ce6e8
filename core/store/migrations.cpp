#include "store/migrations.h"

#include <string>

#include "common/error.h"
#include "common/logging.h"
#include "store/database.h"
#include "store/schema_v1.sql.h"
#include "store/schema_v2.sql.h"
#include "store/schema_v3.sql.h"
#include "store/schema_v4.sql.h"

namespace psr::store {

namespace {

// Schema version 5: the benchmark (core/bench). Frozen suites and their items (references as
// blobs, instruction, categories, ground-truth scene, oracle render; per-item errors of imported
// suites), one output per (run, sample) with its image blob, error and timings, each run's
// settings, and what the Bench panel reads: per (run, subset, metric) running sums kept by
// triggers (bench_cells), so its grid of means is a few thousand rows whatever the sample count.
constexpr const char* kSchemaV5 = R"SQL(
CREATE TABLE bench_suites (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  source     TEXT NOT NULL,
  split      TEXT NOT NULL DEFAULT '',
  seed       INTEGER NOT NULL DEFAULT 0,
  config     TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE TABLE bench_items (
  suite_id    INTEGER NOT NULL REFERENCES bench_suites(id) ON DELETE CASCADE,
  sample_id   INTEGER NOT NULL,
  subset      TEXT NOT NULL,
  instruction TEXT NOT NULL,
  categories  TEXT NOT NULL,
  scene       TEXT,
  ref_blobs   TEXT NOT NULL DEFAULT '[]',
  oracle_blob TEXT,
  source      TEXT NOT NULL DEFAULT '{}',
  error       TEXT,
  PRIMARY KEY (suite_id, sample_id)
) WITHOUT ROWID;
CREATE TABLE bench_outputs (
  run_id     INTEGER NOT NULL REFERENCES bench_runs(id) ON DELETE CASCADE,
  sample_id  INTEGER NOT NULL,
  image_blob TEXT,
  error      TEXT,
  generate_s REAL NOT NULL DEFAULT 0,
  score_s    REAL NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, sample_id)
) WITHOUT ROWID;
ALTER TABLE bench_runs ADD COLUMN config TEXT NOT NULL DEFAULT '{}';
CREATE INDEX bench_runs_by_suite ON bench_runs(suite, label, seed);
CREATE TABLE bench_cells (
  run_id INTEGER NOT NULL REFERENCES bench_runs(id) ON DELETE CASCADE,
  subset TEXT NOT NULL,
  metric TEXT NOT NULL,
  total  REAL NOT NULL DEFAULT 0,
  n      INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, subset, metric)
) WITHOUT ROWID;
INSERT INTO bench_cells(run_id, subset, metric, total, n)
  SELECT run_id, subset, metric, sum(value), count(*) FROM bench_results GROUP BY run_id, subset, metric;
CREATE TRIGGER bench_results_cell_insert AFTER INSERT ON bench_results BEGIN
  INSERT INTO bench_cells(run_id, subset, metric, total, n) VALUES (NEW.run_id, NEW.subset, NEW.metric, NEW.value, 1)
  ON CONFLICT(run_id, subset, metric) DO UPDATE SET total = total + excluded.total, n = n + 1;
END;
CREATE TRIGGER bench_results_cell_delete AFTER DELETE ON bench_results BEGIN
  UPDATE bench_cells SET total = total - OLD.value, n = n - 1
    WHERE run_id = OLD.run_id AND subset = OLD.subset AND metric = OLD.metric;
  DELETE FROM bench_cells WHERE run_id = OLD.run_id AND subset = OLD.subset AND metric = OLD.metric AND n <= 0;
END;
CREATE TRIGGER bench_results_cell_update AFTER UPDATE OF value ON bench_results BEGIN
  UPDATE bench_cells SET total = total - OLD.value + NEW.value
    WHERE run_id = NEW.run_id AND subset = NEW.subset AND metric = NEW.metric;
END;
)SQL";

}  // namespace

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> all = {
      {1, "foundation: blobs, datasets, samples, reviews, models, checkpoints, jobs, metrics, bench",
       kSchemaV1},
      {2, "emoji world: vendors, categories, identities, accessories, actions, backgrounds", kSchemaV2},
      {3, "synthesis runs; per-sample scene, prompt, source image and consistency", kSchemaV3},
      {4, "per-sample content hash for duplicate detection", kSchemaV4},
      {5, "benchmark suites, items, per-sample outputs and the Bench panel's cell sums", kSchemaV5},
  };
  return all;
}

int latestSchemaVersion() { return migrations().back().version; }

void migrate(Database& db) {
  const int current = int(db.queryInt("PRAGMA user_version"));
  const int latest = latestSchemaVersion();
  if (current > latest) {
    throw Error("database " + db.file().string() + " has schema version " + std::to_string(current) +
                    ", written by a newer PSR Studio; this build reads up to version " +
                    std::to_string(latest) + ". Nothing was changed: upgrade PSR Studio to open it.",
                ErrorCode::NewerSchema);
  }
  for (const Migration& m : migrations()) {
    if (m.version <= current) continue;
    Transaction tx(db);
    db.exec(m.sql);
    db.exec("PRAGMA user_version = " + std::to_string(m.version));
    tx.commit();
    logger()->info("workspace schema migrated to version {} ({})", m.version, m.description);
  }
}

}  // namespace psr::store
