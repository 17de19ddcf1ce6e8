#pragma once
// Standard normal draws (Box-Muller on mt19937_64), so the simulated coverage figures of the
// cluster-robust intervals are the same with every standard library (std::normal_distribution's
// algorithm is implementation-defined).
#include <cmath>
#include <cstdint>
#include <random>

namespace psr::testing {

struct NormalDraws {
  std::mt19937_64 rng;
  explicit NormalDraws(std::uint64_t seed) : rng(seed) {}
  double uniform() { return (double(rng() >> 11) + 0.5) / 9007199254740992.0; }
  double operator()() { return std::sqrt(-2.0 * std::log(uniform())) * std::cos(6.283185307179586 * uniform()); }
};

}  // namespace psr::testing
