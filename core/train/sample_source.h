#pragma once
// Where training batches come from. A batch is a pure function of (source seed, step), so a
// run resumed from step N sees exactly the batches an uninterrupted run would have seen.
#include <cstdint>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>
#include <nlohmann/json.hpp>

namespace psr::train {

/// Targets, references and prompts of one training step, on CPU.
struct TrainingBatch {
  at::Tensor target;                   ///< [B, 3, H, W] float in [-1, 1]
  std::vector<at::Tensor> references;  ///< per slot [B, 3, H, W]; empty for text-only batches
  at::Tensor present;                  ///< [B, slots] bool; undefined when there are no slots
  std::vector<std::string> prompts;    ///< B instructions or captions
  at::Tensor weights;                  ///< [B, 1, H, W] per-pixel loss weights; undefined = uniform
  /// [B, slots, 8]: per reference slot, its subject's box in the target then in the reference
  /// image as given (x0, y0, x1, y1 in [0, 1]); zeros where unknown. Undefined = no boxes.
  at::Tensor boxes;
  /// [B, slots, H, W] float 0/1: per reference slot, its subject's visible pixels in the
  /// target; zeros where unknown. Undefined = no masks.
  at::Tensor masks;
};

class SampleSource {
 public:
  virtual ~SampleSource() = default;
  /// The batch of `step` (deterministic); `size` samples.
  virtual TrainingBatch batch(std::int64_t step, std::int64_t size) = 0;
  /// Texts to build a tokenizer vocabulary from (a fresh model's words).
  virtual std::vector<std::string> corpus() = 0;
  /// What the data are, for the run record.
  virtual nlohmann::json describe() const = 0;
};

/// Probability of each reference count (e.g. {2: 0.9, 3: 0.05, 4: 0.05}); parsed from a JSON
/// object with count keys. Throws InvalidArgument for counts outside 0..4 or no positive weight.
struct ReferenceMix {
  std::vector<std::pair<int, double>> weights;
  static ReferenceMix fromJson(const nlohmann::json& j);
  nlohmann::json toJson() const;
  /// The count for a uniform draw u in [0, 1), over the counts in `available` only.
  int pick(double u, const std::vector<int>& available) const;
};

}  // namespace psr::train
