#pragma once
// `psr eval reference-gain`: the cheap probe of reference use. On world scenes of one task
// (copy / single / multi), at fixed noise levels and with fixed noise, it measures the
// denoising loss of a generator with its references and with them hidden (the same forward,
// every `present` bit off). A model that ignores its references has a gain of 0; one that
// reads the subject from them predicts the subject pixels better with them. The loss is
// reported over the whole image and over the subject pixels alone (the renderer's exact
// masks), because subjects cover a small share of a scene and the background, which the
// references do not carry, dominates the whole-image figure. No sampling and no perception
// models are involved, so it runs in seconds and can follow a training run.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/checkpoint.h"
#include "world/catalog.h"

namespace psr::train_data {

struct ReferenceGainSettings {
  std::vector<std::string> tasks{"copy", "single", "multi"};
  std::vector<double> timesteps{0.3, 0.6, 0.9};
  int samples = 64;  ///< scenes per task
  int batch = 16;
  std::uint64_t seed = 20260;
  bool heldout = true;  ///< held-out identities (false: train split)
  bool cropReferences = false;  ///< references cut to their subject (as a model trained so sees them)
  int bootstrap = 1000;
};

/// Per task and noise level: whole-image and subject-pixel velocity MSE with and without the
/// references, and the relative gain 1 − with / without (with a bootstrap 95 % interval of the
/// mean paired difference).
nlohmann::json measureReferenceGain(model::Generator& generator, const world::WorldCatalog& catalog,
                                    const ReferenceGainSettings& settings);

}  // namespace psr::train_data
