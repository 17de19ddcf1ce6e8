#pragma once
// Group-normalised advantages of Flow-GRPO: A = (R − mean_group) / (std + 1e-4), std per group
// or over the whole batch, clipped; groups whose rewards do not vary carry no signal and are
// dropped (their samples get weight 0) and counted.
#include <cstdint>
#include <map>
#include <string>
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

/// Reward-decoupled normalisation (GDPO, arXiv 2601.05242): each component is normalised within
/// its group first, the weighted sum is normalised over the batch's kept samples, then clipped.
/// With one summed reward a component's say grows with its spread within the group, whatever its
/// weight; normalising each first gives every component the say its weight names (here PSR and
/// semantic spread alike, docs/generator.md). `components[name]` holds one value per sample, in
/// the same group layout as `groupAdvantages`. A component whose spread within a group is below
/// `zeroStd` contributes 0 there, so the last digits of a saturated scorer are not raised to the
/// scale of a real signal. A group none of whose weighted components vary is dropped and counted.
Advantages decoupledAdvantages(const std::map<std::string, std::vector<double>>& components,
                               const std::map<std::string, double>& weights, std::int64_t groupSize,
                               const std::vector<bool>& skipped, double clip = 5.0, double zeroStd = 1e-4);

}  // namespace psr::train
