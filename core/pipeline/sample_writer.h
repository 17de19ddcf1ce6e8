#pragma once
// How synthesised samples sit in the workspace database (schema v1 + v3 + v4); the Curate panel
// and the exports read these tables directly.
//
//   datasets           one row per named dataset (`--dataset`, default "synthetic").
//   synth_runs         one row per run: spec (SynthSpec::toJson, enough to resume), state
//                      (running until it ends; a killed run stays 'running' and is resumable),
//                      produced / attempted counts and rejects ({"consistency": n,
//                      "detector_confidence": n, "copy_paste": n, "duplicate": n}); updated in the
//                      same transaction as each batch of samples, so they always match the rows.
//   samples            one accepted (references, instruction, target) triplet:
//     subset           attribute | action | background | position | complex | three | four
//     split            train | heldout (every identity in it belongs to that split)
//     instruction      the captioner's text (names categories, never looks)
//     prompt           the stage-1 text-to-image prompt
//     target_blob      PNG of the re-edited image (the training target)
//     source_blob      PNG of the stage-1 image before the re-edit
//     scene            target scene JSON (world/scene.h form) plus "pixel_boxes" [[x0,y0,x1,y1]]
//                      per subject, "image_size" [w,h] and "source" (the pre-edit scene, same form)
//     provenance       {"seq", "split", "<stage>": {"provider", "seed"}} for plan, prompt_writer,
//                      t2i, detector, single_subject, editor, captioner; "scorer": {"provider"}
//     scores           {"consistency": [per subject], "detector_confidence": [...],
//                      "copy_paste": [...], "consistency_min", "detector_confidence_min"}
//     consistency      the minimum per-subject consistency (indexed, for filters and sorting)
//     n_subjects, synth_run_id, seq (the attempt number inside the run), content_hash
//   sample_references  one row per subject, slot 1..n in subject order: PNG blob, category noun,
//                      scene = the reference scene JSON with "pixel_boxes", "image_size", "prompt"
//   blobs              one row per PNG (mime image/png); files under blobs/ by SHA-256
//   reviews            written by the Curate panel; the pipeline never touches it
// A sample and all its references and blob rows are inserted in one transaction, so a sample
// is either complete or absent. Blob files are written (fsync'ed) before that transaction; a
// kill can leave unreferenced blob files behind, never rows pointing at missing files.
#include <cstdint>
#include <map>
#include <string>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "pipeline/candidate.h"
#include "store/database.h"

namespace psr::pipeline {

/// A synth_runs row as the runner needs it.
struct RunState {
  long long id = 0, datasetId = 0, produced = 0, attempted = 0;
  std::string state;
  nlohmann::json spec;
  std::map<std::string, long long> rejects;
};

/// The id of dataset `name`, created when missing.
long long ensureDataset(store::Database& db, const std::string& name);

/// Inserts a synth_runs row in state 'running'.
long long createRun(store::Database& db, long long datasetId, const nlohmann::json& spec);

/// Reads run `id`; throws NotFound naming the run.
RunState loadRun(store::Database& db, long long id);

/// Accepted samples of run `id` per subset.
std::map<std::string, long long> samplesBySubset(store::Database& db, long long runId);

/// Content hashes of every sample in the dataset.
std::unordered_set<std::string> datasetHashes(store::Database& db, long long datasetId);

/// Updates the run's counters, rejects, state and message (inside the caller's transaction).
void updateRun(store::Database& db, const RunState& run, const std::string& message = "", bool ended = false);

/// Inserts accepted candidates with prepared statements kept for the whole run; call inside a
/// transaction, on the thread that owns the connection.
class SampleWriter {
 public:
  SampleWriter(store::Database& db, long long runId, long long datasetId, const char* split);

  /// Inserts the sample, its reference rows and its blob rows; returns the rows written.
  long long insert(const Candidate& candidate);

 private:
  void blobRow(const EncodedBlob& blob);

  store::Database& db_;
  long long runId_, datasetId_;
  std::string split_;
  store::Statement blob_, sample_, reference_;
};

}  // namespace psr::pipeline
