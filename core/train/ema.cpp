#include "train/ema.h"

#include <algorithm>

#include <ATen/ATen.h>
#include <torch/csrc/autograd/grad_mode.h>

#include "common/error.h"

namespace psr::train {

Ema::Ema(const std::vector<std::pair<std::string, at::Tensor>>& parameters, double decay) : decay_(decay) {
  torch::NoGradGuard noGrad;
  if (decay_ <= 0) return;
  for (const auto& [name, p] : parameters) {
    names_.push_back(name);
    shadow_.push_back(p.detach().clone());
  }
}

void Ema::update(const std::vector<std::pair<std::string, at::Tensor>>& parameters) {
  if (!enabled()) return;
  torch::NoGradGuard noGrad;
  ++updates_;
  const double d = std::min(decay_, (1.0 + double(updates_)) / (10.0 + double(updates_)));
  for (std::size_t i = 0; i < shadow_.size(); ++i) shadow_[i].mul_(d).add_(parameters[i].second.detach(), 1.0 - d);
}

void Ema::swap(const std::vector<std::pair<std::string, at::Tensor>>& parameters) {
  if (!enabled()) return;
  torch::NoGradGuard noGrad;
  for (std::size_t i = 0; i < shadow_.size(); ++i) {
    auto current = parameters[i].second.detach().clone();
    parameters[i].second.detach().copy_(shadow_[i]);
    shadow_[i] = current;
  }
}

std::vector<std::pair<std::string, at::Tensor>> Ema::state() const {
  std::vector<std::pair<std::string, at::Tensor>> out;
  for (std::size_t i = 0; i < shadow_.size(); ++i) out.emplace_back("ema/" + names_[i], shadow_[i]);
  return out;
}

void Ema::loadState(const std::map<std::string, at::Tensor>& tensors, std::int64_t updates) {
  torch::NoGradGuard noGrad;
  for (std::size_t i = 0; i < shadow_.size(); ++i) {
    auto it = tensors.find("ema/" + names_[i]);
    if (it == tensors.end() || it->second.sizes() != shadow_[i].sizes())
      throw Error("training state lacks or mis-shapes 'ema/" + names_[i] + "'", ErrorCode::Corrupt);
    shadow_[i].copy_(it->second);
  }
  updates_ = updates;
}

}  // namespace psr::train
