#pragma once
// Low-rank adaptation of a module's Linear layers: W = W0 + (alpha / r)·B·A with W0 frozen, A
// random and B zero at the start (so step 0 equals the base model). The adapted weight is
// written into each Linear's `weight` member before a forward (refresh), which keeps the
// modules' code and checkpoint names unchanged; saving merges B·A into W0.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

namespace psr::train {

struct LoraOptions {
  std::int64_t rank = 8;
  double alpha = 8.0;
  /// A Linear is adapted when its dotted name ends with one of these.
  std::vector<std::string> targets = {"qkv", "proj", "linear1", "linear2", "mlp.0", "mlp.2"};
};

/// Unfreezes every parameter under the named direct children of `root` (those that exist) and
/// returns them by name with `prefix`: modules that are trained in full next to the adapters,
/// e.g. a freshly added reference head, whose low-rank update from a random init means nothing.
std::vector<std::pair<std::string, at::Tensor>> unfreezeChildren(torch::nn::Module& root, const std::string& prefix,
                                                                 const std::vector<std::string>& children);

class Lora {
 public:
  /// Freezes every parameter of `root` and adds A [r, in], B [out, r] to each targeted Linear
  /// (named "<linear name>.lora_A"/".lora_B" with `prefix`). Throws InvalidArgument when no
  /// Linear matches or rank < 1.
  Lora(torch::nn::Module& root, const std::string& prefix, const LoraOptions& options);
  ~Lora();
  Lora(const Lora&) = delete;
  Lora& operator=(const Lora&) = delete;

  /// Recomputes every adapted weight from the current A, B (call before each forward).
  void refresh();
  /// Puts the frozen W0 back into every Linear (the base model, e.g. as a KL reference);
  /// refresh() re-applies the adapter.
  void useBase();
  /// The adapted weights now in each Linear (with their autograd history) and putting them back:
  /// a reference pass between forwards keeps the trained steps on one merge, so measuring a KL
  /// changes no gradient.
  std::vector<at::Tensor> currentWeights() const;
  void setWeights(const std::vector<at::Tensor>& weights);
  /// Writes W0 + scale·B·A into the frozen parameters (for saving); restore() undoes it.
  void merge();
  void restore();

  /// The trainable A and B tensors by name.
  const std::vector<std::pair<std::string, at::Tensor>>& parameters() const { return params_; }
  std::size_t adaptedLayers() const;

 private:
  struct Adapted;
  std::vector<std::unique_ptr<Adapted>> layers_;
  std::vector<std::pair<std::string, at::Tensor>> params_;
  double scale_;
};

}  // namespace psr::train
