#pragma once
// Group-normalised advantages of Flow-GRPO: A = (R − mean_group) / (std + 1e-4), std per group
// or over the whole batch, clipped; groups whose rewards do not vary carry no signal and are
// dropped (their samples get weight 0) and counted.
#include <cstdint>
#include <vector>

namespace psr::train {

struct Advantages {
  std::vector<double> value;    ///< per sample
  std::vector<bool> keep;       ///< false: the sample's group was dropped (zero variance or skipped)
  std::int64_t zeroVarianceGroups = 0;
  std::int64_t groups = 0;
};

/// `rewards` holds groups of `groupSize` consecutive samples; `skipped[g]` marks groups without
/// valid rewards. `globalStd` uses the std over all kept samples instead of the group's.
Advantages groupAdvantages(const std::vector<double>& rewards, std::int64_t groupSize, const std::vector<bool>& skipped,
                           bool globalStd, double clip = 5.0, double zeroStd = 1e-6);

}  // namespace psr::train
