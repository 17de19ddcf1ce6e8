#include "train/sample_source.h"

#include <algorithm>

#include "common/error.h"

namespace psr::train {

ReferenceMix ReferenceMix::fromJson(const nlohmann::json& j) {
  if (!j.is_object()) throw Error("\"references\" must be an object like {\"2\": 0.9, \"3\": 0.05}", ErrorCode::InvalidArgument);
  ReferenceMix mix;
  double total = 0;
  for (const auto& [key, value] : j.items()) {
    int count = -1;
    try {
      count = std::stoi(key);
    } catch (const std::exception&) {
    }
    if (count < 0 || count > 4 || std::to_string(count) != key)
      throw Error("reference count '" + key + "' must be 0..4", ErrorCode::InvalidArgument);
    if (!value.is_number() || value.get<double>() < 0)
      throw Error("weight of reference count " + key + " must be a non-negative number", ErrorCode::InvalidArgument);
    mix.weights.emplace_back(count, value.get<double>());
    total += value.get<double>();
  }
  if (total <= 0) throw Error("\"references\" has no positive weight", ErrorCode::InvalidArgument);
  std::sort(mix.weights.begin(), mix.weights.end());
  return mix;
}

nlohmann::json ReferenceMix::toJson() const {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [count, weight] : weights) j[std::to_string(count)] = weight;
  return j;
}

int ReferenceMix::pick(double u, const std::vector<int>& available) const {
  double total = 0;
  for (const auto& [count, weight] : weights)
    if (std::find(available.begin(), available.end(), count) != available.end()) total += weight;
  if (total <= 0) throw Error("the data hold no sample with a reference count the mix asks for", ErrorCode::InvalidArgument);
  double acc = 0;
  int last = -1;
  for (const auto& [count, weight] : weights) {
    if (std::find(available.begin(), available.end(), count) == available.end() || weight <= 0) continue;
    acc += weight / total;
    last = count;
    if (u < acc) return count;
  }
  return last;
}

}  // namespace psr::train
