#include "train/lora.h"

#include <algorithm>
#include <cmath>

#include <ATen/ATen.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <torch/nn/modules/linear.h>

#include "common/error.h"

namespace psr::train {

struct Lora::Adapted {
  torch::nn::LinearImpl* linear = nullptr;
  at::Tensor base;  // the registered (frozen) weight parameter
  at::Tensor a, b;
  at::Tensor saved;  // base values while merged
};

namespace {
bool endsWith(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}
}  // namespace

Lora::Lora(torch::nn::Module& root, const std::string& prefix, const LoraOptions& options)
    : scale_(options.alpha / double(std::max<std::int64_t>(1, options.rank))) {
  if (options.rank < 1) throw Error("LoRA rank must be at least 1", ErrorCode::InvalidArgument);
  for (auto& p : root.parameters()) p.set_requires_grad(false);
  for (const auto& item : root.named_modules("", false)) {
    auto* linear = dynamic_cast<torch::nn::LinearImpl*>(item.value().get());
    if (!linear) continue;
    bool wanted = false;
    for (const auto& t : options.targets) wanted = wanted || endsWith(item.key(), t);
    if (!wanted) continue;
    auto layer = std::make_unique<Adapted>();
    layer->linear = linear;
    layer->base = linear->weight;
    const auto out = linear->weight.size(0), in = linear->weight.size(1);
    // A like a Kaiming-uniform Linear init, B zero: the adapter starts as the identity.
    const double bound = 1.0 / std::sqrt(double(in));
    layer->a = at::empty({options.rank, in}, linear->weight.options().requires_grad(false)).uniform_(-bound, bound);
    layer->b = at::zeros({out, options.rank}, linear->weight.options().requires_grad(false));
    layer->a.set_requires_grad(true);
    layer->b.set_requires_grad(true);
    params_.emplace_back(prefix + item.key() + ".lora_A", layer->a);
    params_.emplace_back(prefix + item.key() + ".lora_B", layer->b);
    layers_.push_back(std::move(layer));
  }
  if (layers_.empty()) throw Error("LoRA found no Linear layer matching its targets", ErrorCode::InvalidArgument);
}

std::vector<std::pair<std::string, at::Tensor>> unfreezeChildren(torch::nn::Module& root, const std::string& prefix,
                                                                 const std::vector<std::string>& children) {
  std::vector<std::pair<std::string, at::Tensor>> out;
  for (const auto& child : root.named_children()) {
    if (std::find(children.begin(), children.end(), child.key()) == children.end()) continue;
    for (const auto& p : child.value()->named_parameters()) {
      p.value().set_requires_grad(true);
      out.emplace_back(prefix + child.key() + "." + p.key(), p.value());
    }
  }
  return out;
}

Lora::~Lora() {
  // Give every Linear its registered parameter back.
  for (auto& l : layers_) l->linear->weight = l->base;
}

void Lora::refresh() {
  for (auto& l : layers_) l->linear->weight = l->base + scale_ * at::mm(l->b, l->a);
}

void Lora::useBase() {
  for (auto& l : layers_) l->linear->weight = l->base;
}

std::vector<at::Tensor> Lora::currentWeights() const {
  std::vector<at::Tensor> weights;
  for (const auto& l : layers_) weights.push_back(l->linear->weight);
  return weights;
}

void Lora::setWeights(const std::vector<at::Tensor>& weights) {
  if (weights.size() != layers_.size()) throw Error("LoRA: " + std::to_string(weights.size()) + " weights for " +
                                                    std::to_string(layers_.size()) + " adapted layers", ErrorCode::InvalidArgument);
  for (std::size_t i = 0; i < layers_.size(); ++i) layers_[i]->linear->weight = weights[i];
}

void Lora::merge() {
  torch::NoGradGuard noGrad;
  for (auto& l : layers_) {
    l->saved = l->base.clone();
    l->base.add_(at::mm(l->b, l->a), scale_);
    l->linear->weight = l->base;
  }
}

void Lora::restore() {
  torch::NoGradGuard noGrad;
  for (auto& l : layers_) {
    if (l->saved.defined()) l->base.copy_(l->saved);
    l->saved = at::Tensor();
    l->linear->weight = l->base;
  }
}

std::size_t Lora::adaptedLayers() const { return layers_.size(); }

}  // namespace psr::train
