#include "train/rl_config.h"

#include <set>

#include "common/error.h"

namespace psr::train {

namespace {

template <typename T>
void read(const nlohmann::json& j, const char* key, T& value) {
  if (!j.contains(key)) return;
  try {
    value = j.at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    throw Error(std::string("job spec: \"") + key + "\" has the wrong type", ErrorCode::InvalidArgument);
  }
}

void require(bool ok, const std::string& what) {
  if (!ok) throw Error("job spec: " + what, ErrorCode::InvalidArgument);
}

}  // namespace

RlConfig RlConfig::fromJson(const nlohmann::json& j) {
  require(j.is_object(), "must be a JSON object");
  static const std::set<std::string> known = {
      "kind", "name", "init", "data", "epochs", "prompts_per_epoch", "group_size", "rollout_batch", "sampling_steps",
      "noise_level", "shift", "guidance", "window", "clip_range", "advantage_clip", "std", "kl_beta", "lr",
      "grad_clip", "weight_decay", "lora", "ema", "weights", "reward_retries", "max_skipped", "self_check",
      "checkpoint_every", "keep_checkpoints", "seed", "threads", "device", "out"};
  for (const auto& [key, value] : j.items()) require(known.count(key) > 0, "unknown key \"" + key + "\"");
  if (j.contains("kind")) require(j["kind"] == "rl", "kind is " + j["kind"].dump() + ", this trainer runs \"rl\"");
  RlConfig c;
  read(j, "name", c.name);
  std::string init;
  read(j, "init", init);
  c.init = init;
  require(!c.init.empty(), "\"init\" (the SFT checkpoint to start from) is required");
  c.data = j.value("data", nlohmann::json());
  require(c.data.is_object() && !c.data.empty(), "\"data\" must say where prompts come from");
  read(j, "epochs", c.epochs);
  read(j, "prompts_per_epoch", c.promptsPerEpoch);
  read(j, "group_size", c.groupSize);
  read(j, "rollout_batch", c.rolloutBatch);
  read(j, "sampling_steps", c.samplingSteps);
  read(j, "noise_level", c.noiseLevel);
  read(j, "shift", c.shift);
  read(j, "guidance", c.guidance);
  if (j.contains("window")) {
    require(j["window"].is_array() && j["window"].size() == 2, "\"window\" must be [start, end)");
    c.windowStart = j["window"][0].get<std::int64_t>();
    c.windowEnd = j["window"][1].get<std::int64_t>();
  }
  read(j, "clip_range", c.clipRange);
  read(j, "advantage_clip", c.advantageClip);
  std::string std = "group";
  read(j, "std", std);
  require(std == "group" || std == "global", "\"std\" must be group or global");
  c.globalStd = std == "global";
  read(j, "kl_beta", c.klBeta);
  read(j, "lr", c.lr);
  read(j, "grad_clip", c.gradClip);
  read(j, "weight_decay", c.weightDecay);
  if (j.contains("lora")) {
    require(j["lora"].is_object(), "\"lora\" must be {\"rank\": r, \"alpha\": a}");
    read(j["lora"], "rank", c.loraRank);
    read(j["lora"], "alpha", c.loraAlpha);
  }
  read(j, "ema", c.ema);
  if (j.contains("weights")) {
    require(j["weights"].is_object(), "\"weights\" must map reward names to weights");
    c.weights.clear();
    for (const auto& [k, v] : j["weights"].items()) {
      require(v.is_number(), "weight of " + k + " must be a number");
      c.weights[k] = v.get<double>();
    }
  }
  read(j, "reward_retries", c.rewardRetries);
  read(j, "max_skipped", c.maxSkipped);
  read(j, "self_check", c.selfCheck);
  read(j, "checkpoint_every", c.checkpointEvery);
  read(j, "keep_checkpoints", c.keepCheckpoints);
  read(j, "seed", c.seed);
  read(j, "threads", c.threads);
  read(j, "device", c.device);
  std::string out;
  read(j, "out", out);
  c.out = out;
  require(c.epochs >= 1 && c.promptsPerEpoch >= 1, "epochs and prompts_per_epoch must be at least 1");
  require(c.groupSize >= 2, "group_size must be at least 2 (advantages compare samples of one prompt)");
  require(c.rolloutBatch >= 1 && (c.promptsPerEpoch * c.groupSize) % c.rolloutBatch == 0,
          "rollout_batch must divide prompts_per_epoch x group_size");
  require(c.samplingSteps >= 2, "sampling_steps must be at least 2");
  require(c.noiseLevel > 0, "noise_level must be positive (a = 0 has no log-probability)");
  require(c.windowStart >= 0 && c.windowStart < c.trainedEnd() && c.trainedEnd() <= c.samplingSteps - 1,
          "window must lie in [0, sampling_steps - 1) (the last step is never trained)");
  require(c.clipRange > 0 && c.lr > 0 && c.klBeta >= 0, "clip_range and lr must be positive, kl_beta >= 0");
  require(c.ema >= 0 && c.ema < 1, "ema must be in [0, 1)");
  require(c.checkpointEvery >= 1, "checkpoint_every must be at least 1");
  return c;
}

nlohmann::json RlConfig::toJson() const {
  return {{"kind", "rl"}, {"name", name}, {"init", init.string()}, {"data", data}, {"epochs", epochs},
          {"prompts_per_epoch", promptsPerEpoch}, {"group_size", groupSize}, {"rollout_batch", rolloutBatch},
          {"sampling_steps", samplingSteps}, {"noise_level", noiseLevel}, {"shift", shift}, {"guidance", guidance},
          {"window", {windowStart, trainedEnd()}}, {"clip_range", clipRange}, {"advantage_clip", advantageClip},
          {"std", globalStd ? "global" : "group"}, {"kl_beta", klBeta}, {"lr", lr}, {"grad_clip", gradClip},
          {"weight_decay", weightDecay}, {"lora", {{"rank", loraRank}, {"alpha", loraAlpha}}}, {"ema", ema},
          {"weights", weights}, {"reward_retries", rewardRetries}, {"max_skipped", maxSkipped},
          {"self_check", selfCheck}, {"checkpoint_every", checkpointEvery}, {"keep_checkpoints", keepCheckpoints},
          {"seed", seed}, {"threads", threads}, {"device", device}, {"out", out.string()}};
}

}  // namespace psr::train
