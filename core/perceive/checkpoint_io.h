#pragma once
// Perception checkpoints: one safetensors file per model, parameters and buffers under their
// module names, fp16 where the values allow, with the model kind and JSON config (and any
// extra JSON such as the detector's vocabulary) in the file's metadata.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/nn/module.h>

namespace psr::perceive {

/// What a checkpoint says about itself.
struct CheckpointInfo {
  std::string kind;             // "detector", "features", "aesthetic"
  nlohmann::json config;        // the model's options
  nlohmann::json extra;         // kind-specific (vocabulary, training record)
};

/// Writes every parameter and buffer of `module` (floats as fp16 when `half`) atomically.
void saveCheckpoint(const std::filesystem::path& path, const torch::nn::Module& module, const CheckpointInfo& info,
                    bool half = true);

/// Reads the metadata only; throws NotFound / Corrupt with the path in the message.
CheckpointInfo readCheckpointInfo(const std::filesystem::path& path);

/// Loads the tensors into `module` (converted to its dtypes and device). Throws Corrupt naming
/// the missing, unexpected or mis-shaped keys, or when the kind is not `expectedKind`. With
/// `skipped` (initialising a grown model from an older checkpoint) missing and unexpected keys
/// are listed there instead and the model's own values kept; mis-shaped keys still throw.
CheckpointInfo loadCheckpoint(const std::filesystem::path& path, torch::nn::Module& module,
                              const std::string& expectedKind, std::vector<std::string>* skipped = nullptr);

}  // namespace psr::perceive
