#pragma once
// Training batches from the pipeline's psr-shard-v1 files (`psr data export shards`): every
// shard is read into memory once; a step picks its reference count from the mix, then samples
// with that many references.
#include <filesystem>
#include <vector>

#include "train/sample_source.h"

namespace psr::train {

class ShardSource final : public SampleSource {
 public:
  /// `paths`: shard files or folders of them. Throws NotFound (no shard), Corrupt (a shard that
  /// is not psr-shard-v1 or is inconsistent, naming the file).
  ShardSource(const std::vector<std::filesystem::path>& paths, ReferenceMix mix, std::uint64_t seed);

  TrainingBatch batch(std::int64_t step, std::int64_t size) override;
  std::vector<std::string> corpus() override;
  nlohmann::json describe() const override;
  std::int64_t samples() const { return std::int64_t(instructions_.size()); }

 private:
  struct Shard {
    at::Tensor target;      // U8 [N, H, W, 3]
    at::Tensor references;  // U8 [N, 4, H, W, 3]
  };
  std::vector<Shard> shards_;
  std::vector<std::pair<std::size_t, std::int64_t>> where_;  // sample -> (shard, row)
  std::vector<std::string> instructions_;
  std::vector<int> referenceCount_;
  std::vector<std::vector<std::int64_t>> byCount_;  // count -> samples
  std::vector<int> available_;
  std::vector<std::filesystem::path> files_;
  ReferenceMix mix_;
  std::uint64_t seed_;
};

}  // namespace psr::train
