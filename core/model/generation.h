#pragma once
// Conditioning a generator on a prompt and 0..max references, and sampling images from it:
// what `psr generate`, the SFT trainer's sample grids, RL rollouts and the benchmark share.
#include <cstdint>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "common/sampling_defaults.h"
#include "flow/samplers.h"
#include "model/checkpoint.h"
#include "model/dit.h"
#include "model/image_codec.h"

namespace psr::model {

/// The codec a config names (only "pixel-patch" is built in; anything else throws InvalidArgument).
std::unique_ptr<ImageCodec> makeCodec(const CodecConfig& config);

/// Encodes the prompts with the generator's tokenizer and text encoder.
TextCondition encodePrompts(Generator& generator, const std::vector<std::string>& prompts);

/// Reference images as DiT tokens. `slots[k]` is [B or 1, 3, H, W] in [-1, 1]; `present` [B, n]
/// bool (undefined = all present) hides slot k from sample b.
ReferenceTokens encodeReferenceImages(const Generator& generator, const ImageCodec& codec,
                                      const std::vector<at::Tensor>& slots, const ImageGrid& target,
                                      const at::Tensor& present = {});

/// One batch of generations: every sample shares the prompt list's length, the references'
/// slot count and the sampler settings; each has its own seed.
struct GenerationRequest {
  std::vector<std::string> prompts;     ///< one per sample
  std::vector<at::Tensor> references;   ///< per slot [B or 1, 3, H, W] in [-1, 1]; empty = text only
  std::vector<std::uint64_t> seeds;     ///< one per sample
  std::int64_t steps = 20;
  double guidance = kDefaultGuidance;  ///< CFG scale against (empty prompt, no references); 1 = off
  double shift = 3.0;                   ///< schedule time shift
};

/// Samples images [B, 3, H, W] in [-1, 1] (clamped) at the config's resolution with the Euler
/// sampler; reference keys/values are computed once. `onEstimate(step, x0)` (optional) sees the
/// denoised estimate after every step for live previews. Runs under InferenceMode.
at::Tensor generateImages(Generator& generator, const GenerationRequest& request, const flow::SamplerHooks& hooks = {},
                          const std::function<void(std::int64_t, const at::Tensor&)>& onEstimate = {});

}  // namespace psr::model
