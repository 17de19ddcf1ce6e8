#include "pipeline/sample_writer.h"

#include "common/error.h"

namespace psr::pipeline {

long long ensureDataset(store::Database& db, const std::string& name) {
  if (name.empty()) throw Error("a dataset needs a name", ErrorCode::InvalidArgument);
  db.prepare("INSERT OR IGNORE INTO datasets(name, description) VALUES (?, 'synthesised by psr data synth')")
      .bind(1, std::string_view(name))
      .run();
  auto st = db.prepare("SELECT id FROM datasets WHERE name = ?");
  st.bind(1, std::string_view(name));
  st.step();
  return st.columnInt(0);
}

long long createRun(store::Database& db, long long datasetId, const nlohmann::json& spec) {
  db.prepare("INSERT INTO synth_runs(dataset_id, spec, state) VALUES (?, ?, 'running')")
      .bind(1, std::int64_t(datasetId))
      .bind(2, std::string_view(spec.dump()))
      .run();
  return db.lastInsertId();
}

RunState loadRun(store::Database& db, long long id) {
  auto st = db.prepare("SELECT dataset_id, spec, state, produced, attempted, rejects FROM synth_runs WHERE id = ?");
  st.bind(1, std::int64_t(id));
  if (!st.step())
    throw Error("synthesis run " + std::to_string(id) + " does not exist in this workspace", ErrorCode::NotFound);
  RunState run;
  run.id = id;
  run.datasetId = st.columnInt(0);
  try {
    run.spec = nlohmann::json::parse(st.columnText(1));
    run.rejects = nlohmann::json::parse(st.columnText(5)).get<std::map<std::string, long long>>();
  } catch (const nlohmann::json::exception& e) {
    throw Error("synthesis run " + std::to_string(id) + " has a damaged spec: " + e.what(), ErrorCode::Corrupt);
  }
  run.state = st.columnText(2);
  run.produced = st.columnInt(3);
  run.attempted = st.columnInt(4);
  return run;
}

std::map<std::string, long long> samplesBySubset(store::Database& db, long long runId) {
  std::map<std::string, long long> out;
  auto st = db.prepare("SELECT subset, count(*) FROM samples WHERE synth_run_id = ? GROUP BY subset");
  st.bind(1, std::int64_t(runId));
  while (st.step()) out[st.columnText(0)] = st.columnInt(1);
  return out;
}

std::unordered_set<std::string> datasetHashes(store::Database& db, long long datasetId) {
  std::unordered_set<std::string> out;
  auto st = db.prepare("SELECT content_hash FROM samples WHERE dataset_id = ? AND content_hash IS NOT NULL");
  st.bind(1, std::int64_t(datasetId));
  while (st.step()) out.insert(st.columnText(0));
  return out;
}

void updateRun(store::Database& db, const RunState& run, const std::string& message, bool ended) {
  db.prepare(std::string("UPDATE synth_runs SET state = ?, produced = ?, attempted = ?, rejects = ?, message = ?") +
             (ended ? ", ended_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')" : "") + " WHERE id = ?")
      .bind(1, std::string_view(run.state))
      .bind(2, std::int64_t(run.produced))
      .bind(3, std::int64_t(run.attempted))
      .bind(4, std::string_view(nlohmann::json(run.rejects).dump()))
      .bind(5, std::string_view(message))
      .bind(6, std::int64_t(run.id))
      .run();
}

SampleWriter::SampleWriter(store::Database& db, long long runId, long long datasetId, const char* split)
    : db_(db),
      runId_(runId),
      datasetId_(datasetId),
      split_(split),
      blob_(db.prepare("INSERT OR IGNORE INTO blobs(sha256, bytes, mime) VALUES (?, ?, 'image/png')")),
      sample_(db.prepare(
          "INSERT INTO samples(dataset_id, subset, split, instruction, target_blob, provenance, scores, synth_run_id, "
          "seq, n_subjects, prompt, scene, source_blob, consistency, content_hash) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")),
      reference_(
          db.prepare("INSERT INTO sample_references(sample_id, slot, blob, category, scene) VALUES (?, ?, ?, ?, ?)")) {}

void SampleWriter::blobRow(const EncodedBlob& blob) {
  blob_.reset();
  blob_.bind(1, std::string_view(blob.sha256)).bind(2, std::int64_t(blob.bytes.size())).run();
}

long long SampleWriter::insert(const Candidate& c) {
  blobRow(c.target);
  blobRow(c.source);
  for (const auto& r : c.references) blobRow(r.image);
  sample_.reset();
  sample_.bind(1, std::int64_t(datasetId_))
      .bind(2, std::string_view(subsetName(c.subset)))
      .bind(3, std::string_view(split_))
      .bind(4, std::string_view(c.instruction))
      .bind(5, std::string_view(c.target.sha256))
      .bind(6, std::string_view(c.provenanceJson))
      .bind(7, std::string_view(c.scoresJson))
      .bind(8, std::int64_t(runId_))
      .bind(9, std::int64_t(c.seq))
      .bind(10, std::int64_t(c.subjects))
      .bind(11, std::string_view(c.prompt))
      .bind(12, std::string_view(c.sceneJson))
      .bind(13, std::string_view(c.source.sha256))
      .bind(14, c.consistency)
      .bind(15, std::string_view(c.contentHash))
      .run();
  const std::int64_t sampleId = db_.lastInsertId();
  for (std::size_t i = 0; i < c.references.size(); ++i) {
    const auto& r = c.references[i];
    reference_.reset();
    reference_.bind(1, sampleId)
        .bind(2, std::int64_t(i + 1))
        .bind(3, std::string_view(r.image.sha256))
        .bind(4, std::string_view(r.category))
        .bind(5, std::string_view(r.sceneJson))
        .run();
  }
  return 1 + 2 * std::int64_t(c.references.size()) + 2;
}

}  // namespace psr::pipeline
