#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace psr::world {

/// SplitMix64: tiny, seedable and identical on every platform (std distributions are not),
/// so scenes, renderings and prompts are reproducible from a seed.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  /// Uniform integer in [0, n); n must be positive.
  std::size_t below(std::size_t n) { return std::size_t(next() % n); }
  /// Uniform real in [lo, hi).
  double uniform(double lo, double hi) { return lo + (hi - lo) * double(next() >> 11) * (1.0 / 9007199254740992.0); }
  bool chance(double p) { return uniform(0.0, 1.0) < p; }
  template <typename T>
  const T& pick(const std::vector<T>& items) { return items[below(items.size())]; }

 private:
  std::uint64_t state_;
};

/// FNV-1a of a string: a platform-independent hash for seeding (std::hash is not).
inline std::uint64_t stableHash(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : text) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

}  // namespace psr::world
