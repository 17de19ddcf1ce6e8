#pragma once
// Shared helpers of the model and flow tests: small inputs for the tiny config and
// deterministic random weights (the constructor's adaLN-zero init makes every block the identity).
#include <ATen/ATen.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "flow/flow_matching.h"
#include "model/dit.h"
#include "model/model_config.h"

namespace fixtures {

inline std::optional<psr::Error> errorOf(const std::function<void()>& action) {
  try {
    action();
  } catch (const psr::Error& e) {
    return e;
  }
  return std::nullopt;
}

/// Every parameter drawn from N(0, std²) (norm scales around 1), from a fixed seed.
inline void randomiseWeights(torch::nn::Module& module, std::uint64_t seed, double std = 0.1) {
  at::NoGradGuard noGrad;
  auto gen = psr::flow::cpuGenerator(seed);
  for (auto& p : module.named_parameters()) {
    auto noise = at::randn(p.value().sizes(), gen, at::kFloat) * std;
    const bool isScale = p.key().size() >= 5 && p.key().compare(p.key().size() - 5, 5, "scale") == 0;
    p.value().copy_(isScale ? noise + 1.0 : noise);
  }
}

/// Random text conditioning for `batch` samples of `tokens` tokens (the last `padded` are padding).
inline psr::model::TextCondition randomText(const psr::model::DitConfig& c, std::int64_t batch, std::int64_t tokens,
                                            std::int64_t padded, at::Generator gen) {
  psr::model::TextCondition text;
  text.tokens = at::randn({batch, tokens, c.context_dim}, gen, at::kFloat);
  text.pooled = at::randn({batch, c.vec_dim}, gen, at::kFloat);
  if (padded > 0) {
    text.mask = at::ones({batch, tokens}, at::kBool);
    text.mask.narrow(1, tokens - padded, padded).fill_(false);
  }
  return text;
}

/// `count` random references on `grid`, shared by the batch ([1, ...]).
inline psr::model::ReferenceTokens randomReferences(const psr::model::DitConfig& c, int count,
                                                    const psr::model::ImageGrid& grid, at::Generator gen) {
  std::vector<at::Tensor> tokens;
  std::vector<psr::model::ImageGrid> grids;
  for (int k = 0; k < count; ++k) {
    tokens.push_back(at::randn({1, grid.tokens(), c.in_channels}, gen, at::kFloat));
    grids.push_back(grid);
  }
  return psr::model::makeReferenceTokens(tokens, grids, grid, c.positions);
}

}  // namespace fixtures
