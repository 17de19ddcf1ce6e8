#pragma once
// `psr perceive bench`: full reward throughput on 64x64 two-subject renders, and the achieved
// FLOP/s against a matmul peak measured in the same run.
#include <nlohmann/json_fwd.hpp>

#include "perceive/perception_models.h"
#include "world/catalog.h"

namespace psr::perceive_data {

struct BenchSettings {
  int batch = 64;
  int iterations = 5;
  std::uint64_t seed = 99;
};

/// {"images_per_s", "flops_per_image", "achieved_gflops", "matmul_peak_gflops", "fraction_of_peak", ...}.
nlohmann::json benchmarkReward(perceive::PerceptionModels& models, const world::WorldCatalog& catalog,
                               const BenchSettings& settings);

}  // namespace psr::perceive_data
