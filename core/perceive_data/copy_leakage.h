#pragma once
// Copy-paste leakage, the reward-hacking check for a consistency reward: a generated subject
// that is a near pixel copy of its reference although the instruction changes its look (an
// action or an accessory). A policy that pastes references scores high PSR while ignoring the
// instruction; the world's own render of the scene is the yardstick for "near".
#include <vector>

#include <ATen/core/Tensor.h>

#include "perceive/perception_models.h"

namespace psr::perceive_data {

/// Mean |a − b| (unit range) between the 32x32 crop PSR used for each subject in the generated
/// image and the crop it used in that subject's reference: result[sample][subject]. `generated`
/// and `references` are unit-range [B,3,H,W] / [R,3,h,w]; rows of `references` are those the
/// requests name.
std::vector<std::vector<double>> referenceCropDistances(const at::Tensor& generated, const at::Tensor& references,
                                                        const std::vector<perceive::RewardResult>& results,
                                                        const std::vector<perceive::RewardRequest>& requests);

/// A changed subject leaks when it was found (not the whole-image fallback) and its crop is
/// closer to the reference than half the oracle render's distance.
constexpr double kLeakageFraction = 0.5;
inline bool leaks(double modelDistance, bool found, double oracleDistance) {
  return found && modelDistance < kLeakageFraction * oracleDistance;
}

}  // namespace psr::perceive_data
