#pragma once
// Shared setup of the tests that run the real `psr` on the fixture world: the workspace
// (<root>/ws) with the benchmark fixture's tiny perception models saved at <root>/perception,
// and a tiny generator with a few-word vocabulary.
#include <ATen/ATen.h>

#include <filesystem>

#include "bench_fixture.h"
#include "model/checkpoint.h"
#include "model/tokenizer.h"

namespace tiny_cli_world {

inline void makeWorldWithPerception(const std::filesystem::path& root) {
  const auto world = makeBenchWorld(root);
  saveTinyPerception(*world.perception, root / "perception");
}

/// Seeded; `noisy` fills the DiT with small random weights (a fresh DiT is zero at the output,
/// so without it every reference would give the same image).
inline psr::model::Generator tinyGenerator(bool noisy) {
  at::manual_seed(0);
  auto g = psr::model::createGenerator(psr::model::modelPreset("tiny"),
                                       psr::model::WordTokenizer({"<pad>", "<s>", "<unk>", "put", "the", "on"}));
  if (noisy) {
    at::NoGradGuard ng;
    for (auto& p : g.dit->parameters()) p.normal_(0, 0.02);
  }
  return g;
}

}  // namespace tiny_cli_world
