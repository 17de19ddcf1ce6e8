#pragma once
// A tiny counter-based random stream (SplitMix64): the draws of step s depend only on
// (seed, s, stream), which is what makes resumed runs identical to uninterrupted ones.
#include <cstdint>

namespace psr::train {

class StepRng {
 public:
  StepRng(std::uint64_t seed, std::uint64_t step, std::uint64_t stream = 0)
      : state_(mix(mix(seed ^ 0x9E3779B97F4A7C15ull) ^ mix(step + 0x632BE59BD9B4E019ull) ^ (stream * 0xD1B54A32D192ED03ull))) {}
  std::uint64_t next() { return mix(state_ += 0x9E3779B97F4A7C15ull); }
  /// Uniform in [0, 1).
  double uniform() { return double(next() >> 11) * (1.0 / 9007199254740992.0); }
  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : next() % n; }

  static std::uint64_t mix(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

 private:
  std::uint64_t state_;
};

}  // namespace psr::train
