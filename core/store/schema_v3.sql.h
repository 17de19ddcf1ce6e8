#pragma once
// Schema version 3: synthesis runs and what the Curate panel needs per sample. A sample is one
// (references, instruction, target) triplet; `seq` numbers it inside its run so an interrupted
// run resumes where its last committed batch ended.
namespace psr::store {
inline constexpr const char* kSchemaV3 = R"SQL(
CREATE TABLE synth_runs (
  id         INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  spec       TEXT NOT NULL,
  state      TEXT NOT NULL CHECK (state IN ('running', 'finished', 'failed', 'cancelled')),
  produced   INTEGER NOT NULL DEFAULT 0,
  attempted  INTEGER NOT NULL DEFAULT 0,
  rejects    TEXT NOT NULL DEFAULT '{}',
  message    TEXT NOT NULL DEFAULT '',
  started_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  ended_at   TEXT
);
ALTER TABLE samples ADD COLUMN synth_run_id INTEGER REFERENCES synth_runs(id) ON DELETE SET NULL;
ALTER TABLE samples ADD COLUMN seq INTEGER;
ALTER TABLE samples ADD COLUMN n_subjects INTEGER NOT NULL DEFAULT 0;
ALTER TABLE samples ADD COLUMN prompt TEXT NOT NULL DEFAULT '';
ALTER TABLE samples ADD COLUMN scene TEXT NOT NULL DEFAULT '{}';
ALTER TABLE samples ADD COLUMN source_blob TEXT REFERENCES blobs(sha256);
ALTER TABLE samples ADD COLUMN consistency REAL;
ALTER TABLE sample_references ADD COLUMN scene TEXT NOT NULL DEFAULT '{}';
CREATE UNIQUE INDEX samples_by_run ON samples(synth_run_id, seq);
CREATE INDEX samples_by_consistency ON samples(consistency);
CREATE INDEX reviews_by_verdict ON reviews(verdict, reason);
)SQL";
}  // namespace psr::store
