#pragma once
// Exponential moving average of trainable parameters; the shipped weights are the average.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>

namespace psr::train {

class Ema {
 public:
  /// decay 0 disables averaging (the "average" is the current weights).
  Ema(const std::vector<std::pair<std::string, at::Tensor>>& parameters, double decay);

  /// shadow ← d·shadow + (1 − d)·param, with the warm-up d = min(decay, (1 + n)/(10 + n)).
  void update(const std::vector<std::pair<std::string, at::Tensor>>& parameters);
  /// Swaps the shadow values into the parameters (and back on the second call).
  void swap(const std::vector<std::pair<std::string, at::Tensor>>& parameters);

  /// "ema/<name>" tensors; loadState restores them (Corrupt naming a missing key).
  std::vector<std::pair<std::string, at::Tensor>> state() const;
  void loadState(const std::map<std::string, at::Tensor>& tensors, std::int64_t updates);
  bool enabled() const { return decay_ > 0; }
  std::int64_t updates() const { return updates_; }

 private:
  std::vector<std::string> names_;
  std::vector<at::Tensor> shadow_;
  double decay_;
  std::int64_t updates_ = 0;
};

}  // namespace psr::train
