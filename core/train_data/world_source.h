#pragma once
// Generator training data rendered on the fly from the emoji world (no shards needed), for the
// `base` stage (text-to-image and single-subject tasks) and for ablations. Tasks per sample:
//   t2i    a scene of 1-2 subjects from its caption, no reference
//   copy   one subject; its reference is the same scene on another background (in-place copy:
//          the cheapest way to learn that reference tokens carry the subject)
//   single one subject; its reference is the identity alone in another context (pipeline-like)
//   multi  2-4 subjects (counts from the reference mix), one reference scene per subject
// The share of `copy` can decay linearly over training (a curriculum from copying to moving).
// `noun_dropout` replaces the category nouns of a reference task's instruction by the unknown
// token, so the subject's look has to come from its reference (as for held-out categories).
// `subject_weight` > 1 weights the loss on the target's subject pixels (their exact masks) by
// that factor: subjects cover a small share of a 64 px scene, and the background dominates the
// plain loss. `reference_crop` cuts every reference to its subject's box (the renderer's own),
// as the Compose panel's crop or a detector would.
#include <cstdint>
#include <memory>
#include <optional>

#include "train/sample_source.h"
#include "world/catalog.h"

namespace psr::train_data {

struct WorldSourceOptions {
  double t2i = 0.3, copy = 0.3, single = 0.4, multi = 0.0;
  double nounDropout = 0;  ///< share of reference tasks whose category nouns become <unk>
  double subjectWeight = 1;  ///< loss weight of the target's subject pixels (background: 1)
  bool referenceCrop = false;  ///< references cut to their subject (train_data/reference_crop.h)
  double copyEnd = -1;  ///< the copy share at the last step (< 0: constant)
  std::int64_t steps = 1;  ///< the run's length, for the curriculum
  std::optional<world::Split> split = world::Split::Train;
  int size = 64;
  static WorldSourceOptions fromJson(const nlohmann::json& j, std::int64_t steps, int size);
  nlohmann::json toJson() const;
};

class WorldSource final : public train::SampleSource {
 public:
  WorldSource(const world::WorldCatalog& catalog, WorldSourceOptions options, train::ReferenceMix mix,
              std::uint64_t seed);
  ~WorldSource() override;
  train::TrainingBatch batch(std::int64_t step, std::int64_t size) override;
  std::vector<std::string> corpus() override;
  nlohmann::json describe() const override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace psr::train_data
