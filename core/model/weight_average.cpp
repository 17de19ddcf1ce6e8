#include "model/weight_average.h"

#include <cmath>
#include <string>

#include <nlohmann/json.hpp>

#include <ATen/ATen.h>
#include <torch/nn/module.h>

#include "common/error.h"

namespace psr::model {
namespace {

/// Adds `weight` × `other`'s tensors into `sum` (fp32 accumulators, keyed like stateDict),
/// checking names, shapes and that non-floating tensors agree.
void accumulate(std::vector<std::pair<std::string, at::Tensor>>& sum, const torch::nn::Module& other, double weight,
                const std::string& what) {
  const auto tensors = stateDict(other);
  if (tensors.size() != sum.size()) {
    throw Error(what + ": " + std::to_string(tensors.size()) + " tensors where the first checkpoint has " +
                    std::to_string(sum.size()),
                ErrorCode::InvalidArgument);
  }
  for (std::size_t i = 0; i < sum.size(); ++i) {
    const auto& [name, t] = tensors[i];
    auto& [sumName, acc] = sum[i];
    if (name != sumName || !t.sizes().equals(acc.sizes())) {
      throw Error(what + ": tensor '" + name + "' does not match the first checkpoint's '" + sumName + "'",
                  ErrorCode::InvalidArgument);
    }
    if (at::isFloatingType(acc.scalar_type())) {
      acc.add_(t.detach().to(at::kFloat), weight);
    } else if (!at::equal(acc, t.detach())) {
      throw Error(what + ": integer tensor '" + name + "' differs (not averageable)", ErrorCode::InvalidArgument);
    }
  }
}

std::vector<std::pair<std::string, at::Tensor>> accumulators(const torch::nn::Module& module, double weight) {
  auto out = stateDict(module);
  for (auto& [name, t] : out) {
    t = at::isFloatingType(t.scalar_type()) ? t.detach().to(at::kFloat).mul(weight) : t.detach().clone();
  }
  return out;
}

/// Writes the sums back into `module`'s own tensors (keeping their dtype).
void store(torch::nn::Module& module, const std::vector<std::pair<std::string, at::Tensor>>& sum) {
  auto tensors = stateDict(module);
  at::NoGradGuard noGrad;
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    auto& t = tensors[i].second;
    if (at::isFloatingType(t.scalar_type())) t.copy_(sum[i].second);
  }
}

}  // namespace

Generator averageGenerators(const std::vector<std::filesystem::path>& dirs) {
  if (dirs.size() < 2) {
    throw Error("averaging needs at least two checkpoints", ErrorCode::InvalidArgument);
  }
  return combineGenerators(dirs, std::vector<double>(dirs.size(), 1.0 / double(dirs.size())));
}

Generator combineGenerators(const std::vector<std::filesystem::path>& dirs, const std::vector<double>& weights) {
  if (dirs.size() < 2) {
    throw Error("combining needs at least two checkpoints", ErrorCode::InvalidArgument);
  }
  if (weights.size() != dirs.size()) {
    throw Error(std::to_string(weights.size()) + " weights for " + std::to_string(dirs.size()) + " checkpoints",
                ErrorCode::InvalidArgument);
  }
  double total = 0;
  for (double w : weights) {
    if (!std::isfinite(w)) throw Error("a weight is not a finite number", ErrorCode::InvalidArgument);
    total += w;
  }
  if (std::abs(total - 1.0) > 1e-6) {
    throw Error("the weights sum to " + std::to_string(total) +
                    ", not 1 (task arithmetic A + B - S is 1 1 -1; an average is 1/n each)",
                ErrorCode::InvalidArgument);
  }
  Generator first = loadGenerator(dirs[0]);
  const nlohmann::json config = first.config;
  auto dit = accumulators(*first.dit, weights[0]);
  std::vector<std::pair<std::string, at::Tensor>> text;
  if (first.text) text = accumulators(*first.text, weights[0]);
  for (std::size_t k = 1; k < dirs.size(); ++k) {
    const std::string what = dirs[k].string();
    const Generator g = loadGenerator(dirs[k]);
    if (nlohmann::json(g.config) != config) {
      throw Error(what + ": its config.json differs from " + dirs[0].string() + "'s; only one architecture averages",
                  ErrorCode::InvalidArgument);
    }
    const bool sameVocab = first.tokenizer.has_value() == g.tokenizer.has_value() &&
                           (!first.tokenizer || first.tokenizer->vocabulary() == g.tokenizer->vocabulary());
    if (!sameVocab) {
      throw Error(what + ": its vocabulary differs from " + dirs[0].string() + "'s", ErrorCode::InvalidArgument);
    }
    if (bool(first.text) != bool(g.text)) {
      throw Error(what + ": one checkpoint has a built-in text encoder, the other not", ErrorCode::InvalidArgument);
    }
    accumulate(dit, *g.dit, weights[k], what);
    if (g.text) accumulate(text, *g.text, weights[k], what);
  }
  store(*first.dit, dit);
  if (first.text) store(*first.text, text);
  return first;
}

}  // namespace psr::model
