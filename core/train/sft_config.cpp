#include "train/sft_config.h"

#include <set>

#include "common/error.h"
#include "train/spec_json.h"

namespace psr::train {


SftConfig SftConfig::fromJson(const nlohmann::json& j) {
  if (!j.is_object()) throw Error("job spec must be a JSON object", ErrorCode::InvalidArgument);
  static const std::set<std::string> known = {
      "kind", "name", "model", "init", "data", "references", "steps", "batch", "lr", "warmup", "min_lr_fraction",
      "weight_decay", "grad_clip", "ema", "lora", "text_dropout", "reference_dropout", "timesteps", "loss_weighting",
      "checkpoint_every", "keep_checkpoints", "sample_every", "sample_count", "sample_steps", "sample_guidance",
      "log_every", "seed", "threads", "device", "out", "add_reference_copy",
      "add_reference_warp", "warp_supervision", "warp_gate_supervision",
      "warp_gate_by_noise", "warp_pool", "warp_gate_labels", "positions"};
  for (const auto& [key, value] : j.items())
    if (!known.count(key)) throw Error("job spec: unknown key \"" + key + "\"", ErrorCode::InvalidArgument);
  if (j.contains("kind") && j["kind"] != "sft")
    throw Error("job spec: kind is " + j["kind"].dump() + ", this trainer runs \"sft\"", ErrorCode::InvalidArgument);
  SftConfig c;
  readSpecField(j, "name", c.name);
  if (j.contains("model")) {
    if (j["model"].is_string()) c.model = model::modelPreset(j["model"].get<std::string>());
    else c.model = j["model"].get<model::ModelConfig>();
    c.model->validate();
  }
  std::string init;
  readSpecField(j, "init", init);
  c.init = init;
  if (!c.model && c.init.empty()) throw Error("job spec: give \"model\" (preset or config) or \"init\" (checkpoint)", ErrorCode::InvalidArgument);
  if (c.model && !c.init.empty()) throw Error("job spec: \"model\" and \"init\" exclude each other", ErrorCode::InvalidArgument);
  readSpecField(j, "add_reference_copy", c.addReferenceCopy);
  if (c.addReferenceCopy && c.init.empty())
    throw Error("job spec: \"add_reference_copy\" adds the head to an \"init\" model; a fresh \"model\" sets dit.reference_copy",
                ErrorCode::InvalidArgument);
  readSpecField(j, "add_reference_warp", c.addReferenceWarp);
  if (c.addReferenceWarp && c.init.empty())
    throw Error("job spec: \"add_reference_warp\" adds the head to an \"init\" model; a fresh \"model\" sets dit.reference_warp",
                ErrorCode::InvalidArgument);
  if (j.contains("positions")) {
    std::string positions;
    readSpecField(j, "positions", positions);
    if (positions != "frame-wise" && positions != "uno-offset")
      throw Error("job spec: \"positions\" is \"frame-wise\" or \"uno-offset\", not \"" + positions + "\"",
                  ErrorCode::InvalidArgument);
    if (c.init.empty())
      throw Error("job spec: \"positions\" re-places an \"init\" model's references; a fresh \"model\" sets dit.positions",
                  ErrorCode::InvalidArgument);
    c.positions = positions == "frame-wise" ? model::PositionEncoding::FrameWise : model::PositionEncoding::UnoOffset;
  }
  if (j.contains("warp_pool")) {
    std::string pool;
    readSpecField(j, "warp_pool", pool);
    c.warpPool = model::parseWarpPool(pool);
    if (!c.addReferenceWarp)
      throw Error("job spec: \"warp_pool\" chooses how the head \"add_reference_warp\" adds pools; a fresh \"model\" sets "
                  "dit.reference_warp_pool",
                  ErrorCode::InvalidArgument);
  }
  std::string labels = "box";
  readSpecField(j, "warp_gate_labels", labels);
  if (labels != "box" && labels != "mask")
    throw Error("job spec: \"warp_gate_labels\" is \"box\" or \"mask\", not \"" + labels + "\"", ErrorCode::InvalidArgument);
  c.warpGateMasks = labels == "mask";
  readSpecField(j, "warp_supervision", c.warpSupervision);
  readSpecField(j, "warp_gate_supervision", c.warpGateSupervision);
  readSpecField(j, "warp_gate_by_noise", c.warpGateByNoise);
  if (!(c.warpSupervision >= 0 && c.warpSupervision <= 100) || !(c.warpGateSupervision >= 0 && c.warpGateSupervision <= 100))
    throw Error("job spec: \"warp_supervision\" and \"warp_gate_supervision\" must be in [0, 100]", ErrorCode::InvalidArgument);
  c.data = j.value("data", nlohmann::json());
  if (!c.data.is_object() || c.data.empty()) throw Error("job spec: \"data\" must name shards or the world", ErrorCode::InvalidArgument);
  if (j.contains("references")) c.references = ReferenceMix::fromJson(j["references"]);
  readSpecField(j, "steps", c.steps);
  readSpecField(j, "batch", c.batch);
  readSpecField(j, "lr", c.lr);
  readSpecField(j, "warmup", c.warmup);
  readSpecField(j, "min_lr_fraction", c.minLrFraction);
  readSpecField(j, "weight_decay", c.weightDecay);
  readSpecField(j, "grad_clip", c.gradClip);
  readSpecField(j, "ema", c.ema);
  if (j.contains("lora")) {
    const auto& l = j["lora"];
    if (!l.is_object()) throw Error("job spec: \"lora\" must be an object {\"rank\": r, \"alpha\": a}", ErrorCode::InvalidArgument);
    readSpecField(l, "rank", c.loraRank);
    readSpecField(l, "alpha", c.loraAlpha);
  }
  readSpecField(j, "text_dropout", c.textDropout);
  readSpecField(j, "reference_dropout", c.referenceDropout);
  if (j.contains("timesteps")) {
    const auto& t = j["timesteps"];
    if (!t.is_object())
      throw Error("job spec: \"timesteps\" must be an object {\"distribution\": d, \"mean\": m, ...}",
                  ErrorCode::InvalidArgument);
    std::string dist = "logit-normal";
    readSpecField(t, "distribution", dist);
    if (dist == "uniform") c.timesteps.distribution = flow::TimestepDistribution::Uniform;
    else if (dist == "logit-normal") c.timesteps.distribution = flow::TimestepDistribution::LogitNormal;
    else throw Error("job spec: timesteps.distribution must be uniform or logit-normal", ErrorCode::InvalidArgument);
    readSpecField(t, "mean", c.timesteps.mean);
    readSpecField(t, "std", c.timesteps.std);
    readSpecField(t, "shift", c.timesteps.shift);
  }
  if (j.contains("loss_weighting")) {
    std::string w;
    readSpecField(j, "loss_weighting", w);
    if (w == "velocity") c.lossWeighting = flow::LossWeighting::Velocity;
    else if (w == "x0") c.lossWeighting = flow::LossWeighting::X0;
    else throw Error("job spec: loss_weighting must be \"velocity\" or \"x0\"", ErrorCode::InvalidArgument);
  }
  readSpecField(j, "checkpoint_every", c.checkpointEvery);
  readSpecField(j, "keep_checkpoints", c.keepCheckpoints);
  readSpecField(j, "sample_every", c.sampleEvery);
  readSpecField(j, "sample_count", c.sampleCount);
  readSpecField(j, "sample_steps", c.sampleSteps);
  readSpecField(j, "sample_guidance", c.sampleGuidance);
  readSpecField(j, "log_every", c.logEvery);
  readSpecField(j, "seed", c.seed);
  readSpecField(j, "threads", c.threads);
  readSpecField(j, "device", c.device);
  std::string out;
  readSpecField(j, "out", out);
  c.out = out;
  requireSpec(c.steps >= 1, "steps must be at least 1");
  requireSpec(c.batch >= 1, "batch must be at least 1");
  requireSpec(c.lr > 0, "lr must be positive");
  requireSpec(c.ema >= 0 && c.ema < 1, "ema must be in [0, 1)");
  requireSpec(c.loraRank >= 0, "lora.rank must be >= 0");
  requireSpec(c.textDropout >= 0 && c.textDropout <= 1 && c.referenceDropout >= 0 && c.referenceDropout <= 1,
           "dropouts must be in [0, 1]");
  requireSpec(c.checkpointEvery >= 1, "checkpoint_every must be at least 1");
  requireSpec(c.sampleCount >= 1 && c.sampleSteps >= 1, "sample_count and sample_steps must be at least 1");
  requireSpec(c.logEvery >= 1, "log_every must be at least 1");
  return c;
}

nlohmann::json SftConfig::toJson() const {
  nlohmann::json j = {{"kind", "sft"}, {"name", name}, {"data", data}, {"references", references.toJson()},
                      {"steps", steps}, {"batch", batch}, {"lr", lr}, {"warmup", warmup},
                      {"min_lr_fraction", minLrFraction}, {"weight_decay", weightDecay}, {"grad_clip", gradClip},
                      {"ema", ema}, {"lora", {{"rank", loraRank}, {"alpha", loraAlpha}}},
                      {"text_dropout", textDropout}, {"reference_dropout", referenceDropout},
                      {"timesteps", {{"distribution", timesteps.distribution == flow::TimestepDistribution::Uniform ? "uniform" : "logit-normal"},
                                     {"mean", timesteps.mean}, {"std", timesteps.std}, {"shift", timesteps.shift}}},
                      {"loss_weighting", lossWeighting == flow::LossWeighting::X0 ? "x0" : "velocity"},
                      {"checkpoint_every", checkpointEvery}, {"keep_checkpoints", keepCheckpoints},
                      {"sample_every", sampleEvery}, {"sample_count", sampleCount}, {"sample_steps", sampleSteps},
                      {"sample_guidance", sampleGuidance}, {"log_every", logEvery}, {"seed", seed},
                      {"threads", threads}, {"device", device}, {"out", out.string()}};
  if (model) j["model"] = *model;
  else j["init"] = init.string();
  if (addReferenceCopy) j["add_reference_copy"] = true;
  if (addReferenceWarp) j["add_reference_warp"] = true;
  if (warpSupervision > 0) j["warp_supervision"] = warpSupervision;
  if (warpGateSupervision > 0) j["warp_gate_supervision"] = warpGateSupervision;
  if (warpGateByNoise) j["warp_gate_by_noise"] = true;
  if (addReferenceWarp) j["warp_pool"] = model::warpPoolName(warpPool);
  if (positions) j["positions"] = model::positionEncodingName(*positions);
  if (warpGateMasks) j["warp_gate_labels"] = "mask";
  return j;
}

}  // namespace psr::train
