#include "train/trained_steps.h"

#include <algorithm>
#include <numeric>

#include "train/step_rng.h"

namespace psr::train {

std::vector<std::int64_t> trainedSteps(std::uint64_t seed, std::int64_t epoch, std::int64_t chunkFirst, std::int64_t start,
                                       std::int64_t end, std::int64_t count) {
  std::vector<std::int64_t> steps(std::size_t(std::max<std::int64_t>(end - start, 0)));
  std::iota(steps.begin(), steps.end(), start);
  if (count <= 0 || count >= std::int64_t(steps.size())) return steps;
  // A stream of its own (0x7374 = "st"), apart from the rollout noise and prompt draws.
  StepRng rng(seed, std::uint64_t(epoch), 0x73740000ull + std::uint64_t(chunkFirst));
  // Partial Fisher-Yates: the first `count` entries become a uniform draw without replacement.
  for (std::size_t i = 0; i < std::size_t(count); ++i) {
    const auto j = i + std::size_t(rng.below(steps.size() - i));
    std::swap(steps[i], steps[j]);
  }
  steps.resize(std::size_t(count));
  std::sort(steps.begin(), steps.end());
  return steps;
}

}  // namespace psr::train
