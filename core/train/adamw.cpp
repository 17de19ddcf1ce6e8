#include "train/adamw.h"

#include <cmath>
#include <map>

#include <ATen/ATen.h>
#include <torch/csrc/autograd/grad_mode.h>

#include "common/error.h"

namespace psr::train {

AdamW::AdamW(std::vector<std::pair<std::string, at::Tensor>> parameters, AdamWOptions options)
    : params_(std::move(parameters)), options_(options) {
  for (const auto& [name, p] : params_) {
    m_.push_back(at::zeros_like(p, p.options().dtype(at::kFloat)));
    v_.push_back(at::zeros_like(p, p.options().dtype(at::kFloat)));
  }
}

void AdamW::zeroGrad() {
  for (auto& [name, p] : params_) {
    if (p.grad().defined()) p.mutable_grad() = at::Tensor();
  }
}

void AdamW::step(double lr) {
  torch::NoGradGuard noGrad;
  ++steps_;
  const double c1 = 1.0 - std::pow(options_.beta1, double(steps_));
  const double c2 = 1.0 - std::pow(options_.beta2, double(steps_));
  for (std::size_t i = 0; i < params_.size(); ++i) {
    auto& p = params_[i].second;
    if (!p.grad().defined()) continue;
    const auto g = p.grad().to(at::kFloat);
    m_[i].mul_(options_.beta1).add_(g, 1.0 - options_.beta1);
    v_[i].mul_(options_.beta2).addcmul_(g, g, 1.0 - options_.beta2);
    auto update = (m_[i] / c1) / ((v_[i] / c2).sqrt_().add_(options_.eps));
    if (options_.weightDecay > 0) p.mul_(1.0 - lr * options_.weightDecay);
    p.add_(update.to(p.scalar_type()), -lr);
  }
}

std::vector<std::pair<std::string, at::Tensor>> AdamW::state() const {
  std::vector<std::pair<std::string, at::Tensor>> out;
  for (std::size_t i = 0; i < params_.size(); ++i) {
    out.emplace_back("adam_m/" + params_[i].first, m_[i]);
    out.emplace_back("adam_v/" + params_[i].first, v_[i]);
  }
  return out;
}

void AdamW::loadState(const std::map<std::string, at::Tensor>& tensors, std::int64_t steps) {
  torch::NoGradGuard noGrad;
  for (std::size_t i = 0; i < params_.size(); ++i) {
    for (auto* kind : {"adam_m/", "adam_v/"}) {
      const auto key = kind + params_[i].first;
      auto it = tensors.find(key);
      auto& target = std::string(kind) == "adam_m/" ? m_[i] : v_[i];
      if (it == tensors.end() || it->second.sizes() != target.sizes())
        throw Error("optimizer state lacks or mis-shapes '" + key + "'", ErrorCode::Corrupt);
      target.copy_(it->second);
    }
  }
  steps_ = steps;
}

double clipGradNorm(const std::vector<std::pair<std::string, at::Tensor>>& parameters, double maxNorm) {
  torch::NoGradGuard noGrad;
  double total = 0;
  for (const auto& [name, p] : parameters) {
    if (p.grad().defined()) total += p.grad().to(at::kDouble).pow(2).sum().item<double>();
  }
  const double norm = std::sqrt(total);
  if (maxNorm > 0 && std::isfinite(norm) && norm > maxNorm) {
    const double scale = maxNorm / (norm + 1e-6);
    for (const auto& [name, p] : parameters) {
      if (p.grad().defined()) p.grad().mul_(scale);
    }
  }
  return norm;
}

}  // namespace psr::train
