#include "train/rl_config.h"

#include <cmath>
#include <set>

#include "common/error.h"
#include "train/spec_json.h"

namespace psr::train {


RlConfig RlConfig::fromJson(const nlohmann::json& j) {
  requireSpec(j.is_object(), "must be a JSON object");
  static const std::set<std::string> known = {
      "kind", "name", "init", "data", "epochs", "prompts_per_epoch", "group_size", "rollout_batch", "sampling_steps",
      "noise_level", "shift", "guidance", "window", "train_steps", "clip_range", "advantage_clip", "advantage", "std", "kl_beta", "kl_max", "lr",
      "grad_clip", "weight_decay", "lora", "legacy_first_step_gradient", "ema", "weights", "reward_retries", "max_skipped", "self_check",
      "checkpoint_every", "keep_checkpoints", "seed", "threads", "device", "out"};
  for (const auto& [key, value] : j.items()) requireSpec(known.count(key) > 0, "unknown key \"" + key + "\"");
  if (j.contains("kind")) requireSpec(j["kind"] == "rl", "kind is " + j["kind"].dump() + ", this trainer runs \"rl\"");
  RlConfig c;
  readSpecField(j, "name", c.name);
  std::string init;
  readSpecField(j, "init", init);
  c.init = init;
  requireSpec(!c.init.empty(), "\"init\" (the SFT checkpoint to start from) is required");
  c.data = j.value("data", nlohmann::json());
  requireSpec(c.data.is_object() && !c.data.empty(), "\"data\" must say where prompts come from");
  readSpecField(j, "epochs", c.epochs);
  readSpecField(j, "prompts_per_epoch", c.promptsPerEpoch);
  readSpecField(j, "group_size", c.groupSize);
  readSpecField(j, "rollout_batch", c.rolloutBatch);
  readSpecField(j, "sampling_steps", c.samplingSteps);
  readSpecField(j, "noise_level", c.noiseLevel);
  readSpecField(j, "shift", c.shift);
  readSpecField(j, "guidance", c.guidance);
  if (j.contains("window")) {
    requireSpec(j["window"].is_array() && j["window"].size() == 2, "\"window\" must be [start, end)");
    c.windowStart = io::jsonInteger<std::int64_t>(j["window"][0], "job spec: window start", ErrorCode::InvalidArgument);
    c.windowEnd = io::jsonInteger<std::int64_t>(j["window"][1], "job spec: window end", ErrorCode::InvalidArgument);
  }
  readSpecField(j, "train_steps", c.trainSteps);
  readSpecField(j, "clip_range", c.clipRange);
  readSpecField(j, "advantage_clip", c.advantageClip);
  std::string std = "group";
  readSpecField(j, "std", std);
  requireSpec(std == "group" || std == "global", "\"std\" must be group or global");
  c.globalStd = std == "global";
  std::string advantage = "summed";
  readSpecField(j, "advantage", advantage);
  requireSpec(advantage == "summed" || advantage == "decoupled", "\"advantage\" must be summed or decoupled");
  c.decoupled = advantage == "decoupled";
  requireSpec(!(c.decoupled && c.globalStd), "\"advantage\": \"decoupled\" already normalises over the batch; drop \"std\": \"global\"");
  readSpecField(j, "kl_beta", c.klBeta);
  readSpecField(j, "kl_max", c.klMax);
  readSpecField(j, "lr", c.lr);
  readSpecField(j, "grad_clip", c.gradClip);
  readSpecField(j, "weight_decay", c.weightDecay);
  if (j.contains("lora")) {
    requireSpec(j["lora"].is_object(), "\"lora\" must be {\"rank\": r, \"alpha\": a}");
    readSpecField(j["lora"], "rank", c.loraRank);
    readSpecField(j["lora"], "alpha", c.loraAlpha);
  }
  readSpecField(j, "legacy_first_step_gradient", c.legacyFirstStepGradient);
  readSpecField(j, "ema", c.ema);
  if (j.contains("weights")) {
    requireSpec(j["weights"].is_object(), "\"weights\" must map reward names to weights");
    c.weights.clear();
    for (const auto& [k, v] : j["weights"].items()) {
      requireSpec(v.is_number(), "weight of " + k + " must be a number");
      c.weights[k] = v.get<double>();
    }
  }
  readSpecField(j, "reward_retries", c.rewardRetries);
  readSpecField(j, "max_skipped", c.maxSkipped);
  readSpecField(j, "self_check", c.selfCheck);
  readSpecField(j, "checkpoint_every", c.checkpointEvery);
  readSpecField(j, "keep_checkpoints", c.keepCheckpoints);
  readSpecField(j, "seed", c.seed);
  readSpecField(j, "threads", c.threads);
  readSpecField(j, "device", c.device);
  std::string out;
  readSpecField(j, "out", out);
  c.out = out;
  requireSpec(c.epochs >= 1 && c.promptsPerEpoch >= 1, "epochs and prompts_per_epoch must be at least 1");
  requireSpec(c.groupSize >= 2, "group_size must be at least 2 (advantages compare samples of one prompt)");
  // Images sampled per epoch; bounded first, so that the product below cannot overflow.
  constexpr std::int64_t kMaxSamplesPerEpoch = std::int64_t(1) << 20;
  requireSpec(c.promptsPerEpoch <= kMaxSamplesPerEpoch && c.groupSize <= kMaxSamplesPerEpoch &&
                  c.promptsPerEpoch * c.groupSize <= kMaxSamplesPerEpoch,
              "prompts_per_epoch x group_size must be at most " + std::to_string(kMaxSamplesPerEpoch));
  requireSpec(c.rolloutBatch >= 1 && (c.promptsPerEpoch * c.groupSize) % c.rolloutBatch == 0,
          "rollout_batch must divide prompts_per_epoch x group_size");
  requireSpec(c.samplingSteps >= 2, "sampling_steps must be at least 2");
  requireSpec(c.noiseLevel > 0, "noise_level must be positive (a = 0 has no log-probability)");
  requireSpec(c.windowStart >= 0 && c.windowStart < c.trainedEnd() && c.trainedEnd() <= c.samplingSteps - 1,
          "window must lie in [0, sampling_steps - 1) (the last step is never trained)");
  requireSpec(c.trainSteps >= 0 && c.trainSteps <= c.trainedEnd() - c.windowStart,
              "train_steps must be 0 (the whole window) or at most the window's " +
                  std::to_string(c.trainedEnd() - c.windowStart) + " steps");
  requireSpec(c.clipRange > 0 && c.lr > 0 && c.klBeta >= 0, "clip_range and lr must be positive, kl_beta >= 0");
  requireSpec(std::isfinite(c.klMax) && c.klMax >= 0, "kl_max must be 0 (off) or a positive KL ceiling");
  requireSpec(c.ema >= 0 && c.ema < 1, "ema must be in [0, 1)");
  requireSpec(c.checkpointEvery >= 1, "checkpoint_every must be at least 1");
  return c;
}

nlohmann::json RlConfig::toJson() const {
  return {{"kind", "rl"}, {"name", name}, {"init", init.string()}, {"data", data}, {"epochs", epochs},
          {"prompts_per_epoch", promptsPerEpoch}, {"group_size", groupSize}, {"rollout_batch", rolloutBatch},
          {"sampling_steps", samplingSteps}, {"noise_level", noiseLevel}, {"shift", shift}, {"guidance", guidance},
          {"window", {windowStart, trainedEnd()}}, {"train_steps", trainSteps}, {"clip_range", clipRange}, {"advantage_clip", advantageClip},
          {"advantage", decoupled ? "decoupled" : "summed"}, {"std", globalStd ? "global" : "group"}, {"kl_beta", klBeta}, {"kl_max", klMax}, {"lr", lr}, {"grad_clip", gradClip},
          {"weight_decay", weightDecay}, {"lora", {{"rank", loraRank}, {"alpha", loraAlpha}}},
          {"legacy_first_step_gradient", legacyFirstStepGradient}, {"ema", ema},
          {"weights", weights}, {"reward_retries", rewardRetries}, {"max_skipped", maxSkipped},
          {"self_check", selfCheck}, {"checkpoint_every", checkpointEvery}, {"keep_checkpoints", keepCheckpoints},
          {"seed", seed}, {"threads", threads}, {"device", device}, {"out", out.string()}};
}

}  // namespace psr::train
