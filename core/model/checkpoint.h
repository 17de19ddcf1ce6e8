#pragma once
// Module weights to and from safetensors under their state-dict (FLUX) names, with strict
// checking, and the generator checkpoint folder: config.json, dit.safetensors,
// text_encoder.safetensors, vocab.txt.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <torch/nn/module.h>

#include "model/dit.h"
#include "model/model_config.h"
#include "model/text_encoder.h"
#include "model/tokenizer.h"

namespace psr::model {

/// Parameters and buffers by their dotted names, in registration order.
std::vector<std::pair<std::string, at::Tensor>> stateDict(const torch::nn::Module& module);

/// Copies every tensor into the module. Any missing, unexpected or differently shaped name
/// makes it throw one Error(InvalidArgument) listing them all, before anything is copied;
/// `source` (a file name) prefixes the message.
void loadStateDict(torch::nn::Module& module, const std::map<std::string, at::Tensor>& tensors,
                   const std::string& source);

/// Saves a module's state dict as safetensors (atomically), with string metadata.
void saveWeights(const std::filesystem::path& path, const torch::nn::Module& module,
                 const std::map<std::string, std::string>& metadata = {});
/// Loads safetensors into a module with loadStateDict's checks; a truncated or corrupt file
/// throws Corrupt naming the path.
void loadWeights(const std::filesystem::path& path, torch::nn::Module& module);

/// A generator loaded from (or ready to save to) a checkpoint folder.
struct Generator {
  ModelConfig config;
  Dit dit{nullptr};
  TextEncoder text{nullptr};
  std::optional<WordTokenizer> tokenizer;
};

/// Builds freshly initialised modules for a config (DiT with adaLN-zero; text encoder if built in).
Generator createGenerator(const ModelConfig& config, const WordTokenizer& tokenizer);
/// Writes config.json, dit.safetensors, text_encoder.safetensors and vocab.txt into `dir`.
void saveGenerator(const std::filesystem::path& dir, const Generator& generator);
/// Reads a checkpoint folder; the config decides the modules, the weights must match them.
Generator loadGenerator(const std::filesystem::path& dir, c10::Device device = c10::kCPU);

/// The same generator with the reference pointer head (DitConfig::reference_copy) added,
/// freshly initialised; every other tensor is copied. A generator that has one is returned as is.
Generator withReferenceCopy(Generator generator);
/// The same generator with a freshly initialised reference warp head (see model/reference_warp.h).
Generator withReferenceWarp(Generator generator, WarpPool pool = WarpPool::Token);
/// The same generator with its references placed by `positions` (frame-wise or UNO offsets);
/// every tensor is kept. For the positional ablation on a fine-tuned model.
Generator withPositions(Generator generator, PositionEncoding positions);

}  // namespace psr::model
