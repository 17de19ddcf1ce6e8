#include "train/train_checkpoint.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>

#include <torch/csrc/autograd/grad_mode.h>

#include "common/error.h"
#include "tensor/tensor_io.h"

namespace psr::train {

namespace fs = std::filesystem;

std::string checkpointName(std::int64_t step) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "step-%07lld", static_cast<long long>(step));
  return buf;
}

void withAverageWeights(TrainerParts parts, const std::function<void()>& body) {
  parts.ema.swap(parts.trainable);
  if (parts.lora) {
    torch::NoGradGuard noGrad;
    parts.lora->refresh();
  }
  try {
    body();
  } catch (...) {
    parts.ema.swap(parts.trainable);
    throw;
  }
  parts.ema.swap(parts.trainable);
}

fs::path checkpointPath(const fs::path& out, std::int64_t step) { return out / "checkpoints" / checkpointName(step); }

fs::path writeTrainingCheckpoint(const fs::path& out, std::int64_t step, TrainerParts parts, const nlohmann::json& job,
                                 std::int64_t keep, const std::map<std::string, std::string>& extraMeta) {
  const auto dir = out / "checkpoints";
  fs::create_directories(dir);
  const auto finalDir = checkpointPath(out, step);
  const auto tmp = dir / ("." + checkpointName(step) + ".tmp");
  fs::remove_all(tmp);
  withAverageWeights(parts, [&] {
    if (parts.lora) parts.lora->merge();
    try {
      model::saveGenerator(tmp, parts.generator);
    } catch (...) {
      if (parts.lora) parts.lora->restore();
      throw;
    }
    if (parts.lora) parts.lora->restore();
  });
  std::vector<std::pair<std::string, at::Tensor>> tensors;
  for (const auto& [name, p] : parts.trainable) tensors.emplace_back("param/" + name, p.detach());
  for (auto& t : parts.ema.state()) tensors.push_back(t);
  for (auto& t : parts.optimiser.state()) tensors.push_back(t);
  std::map<std::string, std::string> meta = {{"step", std::to_string(step)},
                                             {"adam_steps", std::to_string(parts.optimiser.steps())},
                                             {"ema_updates", std::to_string(parts.ema.updates())},
                                             {"job", job.dump()}};
  for (const auto& [k, v] : extraMeta) meta[k] = v;
  tensor::saveTensors(tmp / "train_state.safetensors", tensors, meta);
  fs::remove_all(finalDir);
  fs::rename(tmp, finalDir);  // a step folder exists only when complete
  std::vector<fs::path> all;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().rfind("step-", 0) == 0) all.push_back(e.path());
  std::sort(all.begin(), all.end());
  for (std::size_t i = 0; i + std::size_t(std::max<std::int64_t>(1, keep)) < all.size(); ++i) fs::remove_all(all[i]);
  const auto latestTmp = out / ".latest.json.tmp";
  std::ofstream(latestTmp, std::ios::trunc) << nlohmann::json{{"step", step}, {"checkpoint", finalDir.string()}}.dump() << '\n';
  fs::rename(latestTmp, out / "latest.json");
  return finalDir;
}

std::int64_t TrainingState::step() const {
  auto it = meta.find("step");
  return it == meta.end() ? 0 : std::stoll(it->second);
}

TrainingState readTrainingState(const fs::path& checkpoint) {
  TrainingState s;
  s.tensors = tensor::loadTensors(checkpoint / "train_state.safetensors", c10::kCPU, &s.meta);
  for (const char* key : {"step", "adam_steps", "ema_updates"})
    if (!s.meta.count(key))
      throw Error((checkpoint / "train_state.safetensors").string() + " lacks '" + key + "'", ErrorCode::Corrupt);
  return s;
}

void restoreTrainingState(const TrainingState& state, TrainerParts parts, const fs::path& checkpoint) {
  torch::NoGradGuard noGrad;
  for (const auto& [name, p] : parts.trainable) {
    auto it = state.tensors.find("param/" + name);
    if (it == state.tensors.end() || it->second.sizes() != p.sizes())
      throw Error(checkpoint.string() + ": training state lacks or mis-shapes 'param/" + name + "'", ErrorCode::Corrupt);
    p.detach().copy_(it->second);
  }
  parts.optimiser.loadState(state.tensors, std::stoll(state.meta.at("adam_steps")));
  parts.ema.loadState(state.tensors, std::stoll(state.meta.at("ema_updates")));
}

}  // namespace psr::train
