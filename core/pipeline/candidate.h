#pragma once
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "pipeline/synth_spec.h"

namespace psr::world {
struct WorldCatalog;
}

namespace psr::pipeline {

/// A PNG ready for the blob store: its bytes and SHA-256.
struct EncodedBlob {
  std::string sha256;
  std::string bytes;
};

/// One reference of a candidate: slot = index + 1.
struct CandidateReference {
  std::string category;
  std::string sceneJson;
  EncodedBlob image;
};

/// One attempt of a run after both stages and the filters (duplicates against the dataset's
/// hashes known when the batch started; the writer catches duplicates inside a batch).
struct Candidate {
  long long seq = 0;
  Subset subset = Subset::Attribute;
  std::optional<RejectReason> reject;
  std::string instruction, prompt, sceneJson, provenanceJson, scoresJson, contentHash;
  double consistency = 0;
  int subjects = 0;
  EncodedBlob target, source;  // set only for accepted candidates
  std::vector<CandidateReference> references;
  StageTimes times;
};

/// What one attempt needs besides the providers.
struct CandidateInput {
  long long seq = 0;
  Subset subset = Subset::Attribute;
  world::Split split = world::Split::Train;
  std::uint64_t runSeed = 0;
  FilterThresholds filters;
  CancellationToken cancel;
};

/// Runs stage 1 (plan, prompts, T2I, detection, single-subject references) and stage 2
/// (re-edit, caption), scores every subject and applies the filters; encodes the PNGs of an
/// accepted sample. Deterministic in (runSeed, seq). Throws psr::Error when a provider fails
/// or returns an identity of the other split (a run never mixes splits).
Candidate makeCandidate(ProviderSet& providers, const world::WorldCatalog& catalog, const CandidateInput& input,
                        const std::unordered_set<std::string>& knownHashes);

}  // namespace psr::pipeline
