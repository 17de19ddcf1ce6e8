#pragma once
#include <cstdint>

namespace psr::pipeline {

/// The stages whose seeds a sample's provenance records.
enum class Stage : std::uint64_t { Plan = 1, PromptWriter, T2I, Detector, SingleSubject, Editor, Captioner };

/// A seed derived from (parent, index) by SplitMix64 finalisation; 63 bits so it survives
/// SQLite's signed integers in JSON. A sample's seed is derive(runSeed, seq) and each stage's
/// derive(sampleSeed, stage), so a sample never depends on the samples before it.
inline std::uint64_t deriveSeed(std::uint64_t parent, std::uint64_t index) {
  std::uint64_t z = parent ^ (index * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return (z ^ (z >> 31)) & 0x7FFFFFFFFFFFFFFFull;
}

/// The seed of one stage of sample `seq` of a run seeded with `runSeed`.
inline std::uint64_t stageSeed(std::uint64_t runSeed, long long seq, Stage stage) {
  return deriveSeed(deriveSeed(runSeed, std::uint64_t(seq)), std::uint64_t(stage));
}

}  // namespace psr::pipeline
