// An RL job's task mix (`"data": {"world": {"tasks": {...}}}` in `psr train rl` specs and the
// Train panel's raw config): the text is read as the CLI reads it (size- and depth-limited), then
// given to SubsetMix::fromJson. What it accepts must have a finite positive total, write back
// (toJson) to JSON that reads back unchanged, and never draw a task of weight 0.
#include <cmath>
#include <optional>

#include <nlohmann/json.hpp>

#include "fuzz_common.h"
#include "io/json_limits.h"
#include "pipeline/subset_mix.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using psr::pipeline::SubsetMix;
  std::optional<nlohmann::json> tasks;
  refusalOk([&] {
    tasks = psr::io::parseJsonInput(fuzzText(data, size), "tasks", psr::ErrorCode::InvalidArgument, 1u << 20);
  });
  if (!tasks) return 0;

  std::optional<SubsetMix> mix;
  refusalOk([&] { mix = SubsetMix::fromJson(*tasks); });
  if (!mix) return 0;
  double total = 0;
  for (const auto& w : mix->weights) {
    PSR_FUZZ_CHECK(std::isfinite(w.second) && w.second >= 0);
    total += w.second;
  }
  PSR_FUZZ_CHECK(std::isfinite(total) && total > 0);
  const nlohmann::json once = mix->toJson();
  const nlohmann::json twice = SubsetMix::fromJson(once).toJson();  // no refusal allowed here
  PSR_FUZZ_CHECK(once.dump() == twice.dump());
  for (double u : {0.0, 0.25, 0.5, 0.999999, std::nextafter(1.0, 0.0), 1.0}) {
    const auto picked = mix->pick(u);
    bool positive = false;
    for (const auto& w : mix->weights) positive = positive || (w.first == picked && w.second > 0);
    PSR_FUZZ_CHECK(positive);
  }
  return 0;
}
