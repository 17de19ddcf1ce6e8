#pragma once
// The uniform average of several generator checkpoints of one architecture (a "model soup").
// Flow-GRPO runs that differ only in their seed end in different places, and on this project's
// budget the gain of one run varies with its seed about as much as the gain itself
// (docs/generator.md, "The RL claim"). Averaging the weights of runs fine-tuned from the same
// init is meant to keep what they share and cancel one seed's noise (Ramé et al.'s rewarded
// soups / WARP report this for LLM RLHF). Measured here on seeds 3-5 it landed between its
// ingredients and did not beat sft on two subjects; the tool stays for such experiments.
#include <filesystem>
#include <vector>

#include "model/checkpoint.h"

namespace psr::model {

/// Loads every checkpoint folder and returns one generator whose every floating-point parameter
/// and buffer is the mean of theirs (accumulated in fp32, stored in the first one's dtype).
/// Throws Error(InvalidArgument) naming the offending folder when there are fewer than two, or
/// when configs, vocabularies, tensor names, shapes, or non-floating tensors differ.
Generator averageGenerators(const std::vector<std::filesystem::path>& dirs);

/// The weighted sum Σ weights[k] · checkpoint k, with the checks of averageGenerators. The
/// weights must sum to 1 (so a combination of one model with itself is that model); negative
/// ones are allowed. That is task arithmetic (Ilharco et al., 2023): two RL runs A and B tuned
/// from the same init S combine as A + B − S (weights 1, 1, −1), adding both runs' changes to S
/// instead of halving each as the average does.
Generator combineGenerators(const std::vector<std::filesystem::path>& dirs, const std::vector<double>& weights);

}  // namespace psr::model
