#pragma once
// Training checkpoints shared by the SFT and RL trainers. A folder `<out>/checkpoints/step-N`
// holds the usable generator (EMA weights, LoRA merged: config.json, dit/text_encoder
// safetensors, vocab.txt) and `train_state.safetensors` (raw trainable tensors, EMA shadows,
// AdamW moments, step counters and the job spec as metadata). It is written under a hidden name
// and renamed, so a folder with a train_state is always complete; a resumed run restores the
// trainables bit-exactly.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>
#include <nlohmann/json.hpp>

#include "model/checkpoint.h"
#include "train/adamw.h"
#include "train/ema.h"
#include "train/lora.h"

namespace psr::train {

/// What a trainer checkpoints.
struct TrainerParts {
  model::Generator& generator;
  Lora* lora;  ///< null for a full fine-tune
  Ema& ema;
  AdamW& optimiser;
  const std::vector<std::pair<std::string, at::Tensor>>& trainable;
};

/// "step-0001234".
std::string checkpointName(std::int64_t step);
/// `<out>/checkpoints/step-…`: where step `step` is written (what ranks other than 0 report).
std::filesystem::path checkpointPath(const std::filesystem::path& out, std::int64_t step);

/// Writes step `step`, keeps the newest `keep`, updates `<out>/latest.json`; returns the folder.
std::filesystem::path writeTrainingCheckpoint(const std::filesystem::path& out, std::int64_t step, TrainerParts parts,
                                              const nlohmann::json& job, std::int64_t keep,
                                              const std::map<std::string, std::string>& extraMeta = {});

/// A checkpoint's training state, read for a resume.
struct TrainingState {
  std::map<std::string, at::Tensor> tensors;
  std::map<std::string, std::string> meta;
  std::int64_t step() const;
};
TrainingState readTrainingState(const std::filesystem::path& checkpoint);

/// Copies "param/<name>" into the trainables and restores optimiser and EMA; Corrupt naming a
/// missing or mis-shaped tensor.
void restoreTrainingState(const TrainingState& state, TrainerParts parts, const std::filesystem::path& checkpoint);

/// Runs `body` with the EMA weights (and refreshed LoRA) in place, then puts the raw weights back.
void withAverageWeights(TrainerParts parts, const std::function<void()>& body);

}  // namespace psr::train
