#include "pipeline/subset_mix.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "common/error.h"

namespace psr::pipeline {

SubsetMix SubsetMix::fromJson(const nlohmann::json& j) {
  if (!j.is_object())
    throw Error("\"tasks\" must be an object like {\"attribute\": 0.2, \"three\": 0.05}", ErrorCode::InvalidArgument);
  SubsetMix mix;
  double total = 0;
  for (const auto& [key, value] : j.items()) {
    const Subset subset = parseSubset(key);
    // Finite only: an overflowing literal parses to inf, which toJson would write as null.
    if (!value.is_number() || !(value.get<double>() >= 0) || !std::isfinite(value.get<double>()))
      throw Error("weight of task '" + key + "' must be a finite non-negative number", ErrorCode::InvalidArgument);
    mix.weights.emplace_back(subset, value.get<double>());
    total += value.get<double>();
  }
  if (!(total > 0)) throw Error("\"tasks\" has no positive weight", ErrorCode::InvalidArgument);
  if (!std::isfinite(total)) throw Error("\"tasks\" weights are too large to sum", ErrorCode::InvalidArgument);
  // Sorted, so the draw does not depend on how the JSON object happened to be ordered.
  std::sort(mix.weights.begin(), mix.weights.end(),
            [](const auto& a, const auto& b) { return int(a.first) < int(b.first); });
  return mix;
}

nlohmann::json SubsetMix::toJson() const {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [subset, weight] : weights) j[subsetName(subset)] = weight;
  return j;
}

Subset SubsetMix::pick(double u) const {
  double total = 0;
  for (const auto& w : weights) total += w.second;
  double acc = 0;
  const std::pair<Subset, double>* last = nullptr;
  for (const auto& w : weights) {
    if (w.second <= 0) continue;
    last = &w;
    acc += w.second / total;
    if (u < acc) return w.first;
  }
  return last->first;  // u rounding past the last bound
}

}  // namespace psr::pipeline
