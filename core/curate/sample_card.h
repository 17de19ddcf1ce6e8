#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "curate/review.h"

namespace psr::curate {

/// One reference image of a sample: its slot, image blob and category noun.
struct ReferenceCard {
  int slot = 0;
  std::string blob;  ///< SHA-256 of the PNG in the workspace blob store
  std::string category;
  std::string scene;  ///< JSON of the reference image's scene
};

/// Everything the Curate panel shows of one (references, instruction, target) triplet.
struct SampleCard {
  std::int64_t id = 0;
  std::string subset;
  std::string split;
  std::string instruction;
  std::optional<double> consistency;
  int subjects = 0;
  std::string targetBlob;  ///< empty when the sample has no target yet
  std::string scene;       ///< JSON of the target's scene (per-subject boxes)
  std::string scores;      ///< JSON of per-subject scores
  std::string provenance;  ///< JSON of providers and seeds per stage
  std::string createdAt;
  std::optional<std::int64_t> synthRun;
  std::vector<ReferenceCard> references;  ///< by slot
  std::optional<Review> review;
};

}  // namespace psr::curate
