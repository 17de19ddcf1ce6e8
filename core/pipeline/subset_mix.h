#pragma once
// A weighted draw over the seven task types, for jobs that sample scenes the way the data
// pipeline and PSRBench do (RL prompts with {"tasks": {...}}).
#include <nlohmann/json_fwd.hpp>
#include <utility>
#include <vector>

#include "pipeline/subset.h"

namespace psr::pipeline {

struct SubsetMix {
  std::vector<std::pair<Subset, double>> weights;  ///< PSRBench order, positive total
  /// {"attribute": 0.18, ..., "four": 0.05}; throws InvalidArgument on an unknown name, a
  /// negative or non-numeric weight, or no positive weight.
  static SubsetMix fromJson(const nlohmann::json& j);
  nlohmann::json toJson() const;
  /// The subset for a uniform draw u in [0, 1); zero-weight subsets are never picked.
  Subset pick(double u) const;
};

}  // namespace psr::pipeline
