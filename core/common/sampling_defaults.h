#pragma once
// Sampling defaults shared by `psr generate`, `psr eval generator`, the benchmark runner and the
// Compose panel, so that what the studio shows is what the evaluation measured.

namespace psr {

/// Classifier-free guidance scale. 1.5 measured best for the shipped models (docs/generator.md,
/// "Guidance"): for the warp-head sft, CFG 3 doubled the grain and cost a quarter of the
/// semantic alignment and of the identity, while `base` scored the same at 1.5 as at 3.
inline constexpr double kDefaultGuidance = 1.5;

}  // namespace psr
