#pragma once
// AdamW (decoupled weight decay, Loshchilov & Hutter) over named parameters, with its state as
// plain named tensors so a checkpoint can hold it in safetensors and resume bit-exactly.
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>

namespace psr::train {

struct AdamWOptions {
  double lr = 1e-4;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weightDecay = 0.0;
};

class AdamW {
 public:
  AdamW(std::vector<std::pair<std::string, at::Tensor>> parameters, AdamWOptions options);

  /// One update with `lr` (the schedule's value for this step); parameters without a gradient
  /// are skipped. Runs under NoGradGuard.
  void step(double lr);
  void zeroGrad();
  std::int64_t steps() const { return steps_; }

  /// "adam_m/<name>", "adam_v/<name>" (fp32) for every parameter.
  std::vector<std::pair<std::string, at::Tensor>> state() const;
  /// Restores state() output and the step count; throws Corrupt naming a missing/mis-shaped key.
  void loadState(const std::map<std::string, at::Tensor>& tensors, std::int64_t steps);

  const std::vector<std::pair<std::string, at::Tensor>>& parameters() const { return params_; }

 private:
  std::vector<std::pair<std::string, at::Tensor>> params_;
  std::vector<at::Tensor> m_, v_;
  AdamWOptions options_;
  std::int64_t steps_ = 0;
};

/// Scales gradients so their global L2 norm is at most `maxNorm` (no-op for maxNorm <= 0);
/// returns the norm before clipping (NaN/inf when a gradient is not finite).
double clipGradNorm(const std::vector<std::pair<std::string, at::Tensor>>& parameters, double maxNorm);

}  // namespace psr::train
