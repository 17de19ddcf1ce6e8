#pragma once
// Which sampling steps one RL update trains: the whole window, or `count` of its steps drawn at
// random per chunk (Flow-GRPO-Fast's cost cut). The draw depends only on (seed, epoch, chunk),
// so a resumed run trains the same steps as an uninterrupted one, and every data-parallel rank
// (which sees the same chunk start) trains the same steps.
#include <cstdint>
#include <vector>

namespace psr::train {

/// Steps in [start, end), ascending: all of them when count is 0 or covers the window, else
/// `count` distinct ones drawn uniformly.
std::vector<std::int64_t> trainedSteps(std::uint64_t seed, std::int64_t epoch, std::int64_t chunkFirst, std::int64_t start,
                                       std::int64_t end, std::int64_t count);

}  // namespace psr::train
