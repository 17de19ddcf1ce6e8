#include "model/generation.h"

#include <c10/core/InferenceMode.h>

#include "common/error.h"
#include "flow/flow_matching.h"
#include "model/text_encoder.h"

namespace psr::model {

std::unique_ptr<ImageCodec> makeCodec(const CodecConfig& config) {
  if (config.kind == "pixel-patch") return std::make_unique<PatchCodec>(config.patch);
  throw Error("codec '" + config.kind + "' is not built in (only pixel-patch)", ErrorCode::InvalidArgument);
}

TextCondition encodePrompts(Generator& generator, const std::vector<std::string>& prompts) {
  if (!generator.text || !generator.tokenizer)
    throw Error("this generator has no built-in text encoder", ErrorCode::InvalidArgument);
  auto batch = tokenize(*generator.tokenizer, prompts, generator.config.text.max_tokens);
  const auto device = generator.dit->img_in->weight.device();
  batch.ids = batch.ids.to(device);
  batch.mask = batch.mask.to(device);
  return generator.text->forward(batch);
}

ReferenceTokens encodeReferenceImages(const Generator& generator, const ImageCodec& codec,
                                      const std::vector<at::Tensor>& slots, const ImageGrid& target,
                                      const at::Tensor& present) {
  const auto maxRefs = generator.config.dit.max_references;
  if (std::int64_t(slots.size()) > maxRefs)
    throw Error(std::to_string(slots.size()) + " references given; this model takes at most " + std::to_string(maxRefs),
                ErrorCode::InvalidArgument);
  std::vector<at::Tensor> tokens;
  std::vector<ImageGrid> grids;
  for (const auto& image : slots) {
    auto latent = codec.encode(image);
    tokens.push_back(latent.tokens);
    grids.push_back(latent.grid);
  }
  auto refs = makeReferenceTokens(tokens, grids, target, generator.config.dit.positions);
  if (present.defined()) refs.present = present;
  return refs;
}

at::Tensor generateImages(Generator& generator, const GenerationRequest& request, const flow::SamplerHooks& hooks,
                          const std::function<void(std::int64_t, const at::Tensor&)>& onEstimate) {
  const auto batch = std::int64_t(request.prompts.size());
  if (batch == 0) throw Error("nothing to generate: no prompt", ErrorCode::InvalidArgument);
  if (std::int64_t(request.seeds.size()) != batch)
    throw Error("one seed per prompt is needed", ErrorCode::InvalidArgument);
  if (request.steps < 1) throw Error("steps must be at least 1", ErrorCode::InvalidArgument);
  c10::InferenceMode guard;
  generator.dit->eval();
  generator.text->eval();
  const auto device = generator.dit->img_in->weight.device();
  const auto codec = makeCodec(generator.config.codec);
  const auto size = generator.config.codec.image_size;
  const auto p = codec->pixelsPerToken();
  const ImageGrid grid{size / p, size / p};
  const auto positions = gridPositions(grid, 0).to(device);

  auto text = encodePrompts(generator, request.prompts);
  std::vector<at::Tensor> slots;
  for (const auto& r : request.references) slots.push_back(r.to(device, at::kFloat));
  const auto cache = generator.dit->encodeReferences(encodeReferenceImages(generator, *codec, slots, grid));

  flow::Denoiser conditional = [&](const at::Tensor& x, double sigma) {
    return generator.dit->forwardCached(x, positions, at::full({x.size(0)}, sigma, x.options()), text, cache);
  };
  flow::Denoiser denoiser = conditional;
  TextCondition nullText;
  if (request.guidance != 1.0) {
    nullText = nullTextCondition(*generator.text, *generator.tokenizer, batch);
    flow::Denoiser unconditional = [&](const at::Tensor& x, double sigma) {
      return generator.dit->forwardCached(x, positions, at::full({x.size(0)}, sigma, x.options()), nullText,
                                          ReferenceCache{});
    };
    denoiser = flow::guidedDenoiser(conditional, unconditional, request.guidance);
  }
  // x0 estimate for previews: x − σ·v of the last evaluation.
  at::Tensor lastEstimate;
  flow::Denoiser tracked = [&](const at::Tensor& x, double sigma) {
    auto v = denoiser(x, sigma);
    if (onEstimate) lastEstimate = x - sigma * v;
    return v;
  };
  auto local = hooks;
  if (onEstimate) {
    auto outer = hooks.onStep;
    local.onStep = [&, outer](std::int64_t step, const at::Tensor& x) {
      if (outer) outer(step, x);
      onEstimate(step, codec->decode({lastEstimate, grid}).clamp(-1, 1).cpu());
    };
  }
  auto noise = flow::seededNoise(request.seeds, {grid.tokens(), codec->channels()}).to(device);
  auto latent = flow::sampleEuler(tracked, noise, flow::makeSchedule(request.steps, request.shift), local);
  return codec->decode({latent, grid}).clamp(-1, 1).cpu();
}

}  // namespace psr::model
