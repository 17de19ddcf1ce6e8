#include "perceive_data/perception_training.h"

#include <chrono>
#include <deque>
#include <numeric>

#include <ATen/Parallel.h>
#include <nlohmann/json.hpp>
#include <torch/optim/adam.h>

#include "common/error.h"
#include "perceive/aesthetic.h"
#include "perceive/augment.h"
#include "perceive/checkpoint_io.h"
#include "perceive/detector.h"
#include "perceive/detector_loss.h"
#include "perceive/image_ops.h"
#include "perceive/subject_features.h"
#include "perceive_data/world_batches.h"

namespace psr::perceive_data {
namespace {

using namespace psr::perceive;

long long parameterCount(const torch::nn::Module& m) {
  long long n = 0;
  for (const auto& p : m.parameters()) n += p.numel();
  return n;
}

// Cosine decay to 5 % with a short warm-up.
double learningRateAt(double base, int step, int steps) {
  const int warm = std::max(1, steps / 20);
  if (step < warm) return base * double(step + 1) / warm;
  const double t = double(step - warm) / std::max(1, steps - warm);
  return base * (0.05 + 0.95 * 0.5 * (1.0 + std::cos(M_PI * t)));
}

/// The loop shared by the three models: step -> loss, Adam, cosine schedule, progress, cancel.
template <typename StepFn>
void runLoop(torch::nn::Module& model, const TrainSettings& s, int steps, TrainReport& report, StepFn step) {
  torch::optim::Adam optimiser(model.parameters(), torch::optim::AdamOptions(s.learningRate).weight_decay(1e-5));
  std::deque<double> recent;
  const auto start = std::chrono::steady_clock::now();
  model.train();
  for (int i = 0; i < steps; ++i) {
    if (s.cancel.isCancelled()) {
      report.cancelled = true;
      break;
    }
    for (auto& group : optimiser.param_groups()) {
      static_cast<torch::optim::AdamOptions&>(group.options()).lr(learningRateAt(s.learningRate, i, steps));
    }
    optimiser.zero_grad();
    at::Tensor loss = step();
    loss.backward();
    optimiser.step();
    const double value = loss.item<double>();
    if (i == 0) report.firstLoss = value;
    recent.push_back(value);
    if (recent.size() > 20) recent.pop_front();
    report.lastLoss = std::accumulate(recent.begin(), recent.end(), 0.0) / double(recent.size());
    report.steps = i + 1;
    if (s.progress && ((i + 1) % std::max(1, s.reportEvery) == 0 || i + 1 == steps)) s.progress(i + 1, steps, report.lastLoss);
  }
  model.eval();
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// Loads settings.init (same kind) into `model` and remembers where the weights came from.
void initialiseFrom(const TrainSettings& s, torch::nn::Module& model, TrainReport& report) {
  if (s.init.empty()) return;
  // A model grown since (a new head) starts those parts fresh; the report names them.
  std::vector<std::string> skipped;
  const auto info = loadCheckpoint(s.init, model, report.model, &skipped);
  report.initialisedFrom = {{"checkpoint", s.init.filename().string()},
                            {"training", info.extra.value("training", nlohmann::json())}};
  if (!skipped.empty()) report.initialisedFrom["not_loaded"] = skipped;
}

nlohmann::json trainingRecord(const TrainReport& r) {
  auto j = r.toJson();
  j.erase("checkpoint");
  j.erase("checkpoint_bytes");
  return j;
}

}  // namespace

PerceptionModel parsePerceptionModel(const std::string& name) {
  if (name == "detector") return PerceptionModel::Detector;
  if (name == "features") return PerceptionModel::Features;
  if (name == "aesthetic") return PerceptionModel::Aesthetic;
  throw Error("unknown perception model '" + name + "' (detector, features, aesthetic)", ErrorCode::InvalidArgument);
}

const char* perceptionModelName(PerceptionModel model) {
  switch (model) {
    case PerceptionModel::Detector: return "detector";
    case PerceptionModel::Features: return "features";
    case PerceptionModel::Aesthetic: return "aesthetic";
  }
  return "?";
}

nlohmann::json TrainReport::toJson() const {
  return {{"model", model},          {"steps", steps},       {"steps_planned", stepsPlanned}, {"batch", batch},
          {"seed", seed},            {"seconds", seconds},   {"first_loss", firstLoss},       {"last_loss", lastLoss},
          {"parameters", parameters}, {"cancelled", cancelled}, {"data", data},
          {"checkpoint", checkpoint.string()}, {"checkpoint_bytes", checkpointBytes},
          {"learning_rate", learningRate}, {"initialised_from", initialisedFrom}};
}

TrainReport trainPerceptionModel(PerceptionModel which, const world::WorldCatalog& catalog, const TrainSettings& s) {
  if (s.out.empty()) throw Error("no checkpoint path to train into", ErrorCode::InvalidArgument);
  at::set_num_threads(std::max(1, s.threads));
  at::manual_seed(s.seed);
  TrainReport report;
  report.model = perceptionModelName(which);
  report.seed = s.seed;
  report.learningRate = s.learningRate;
  report.checkpoint = s.out;
  CheckpointInfo info;
  info.kind = report.model;

  if (which == PerceptionModel::Detector) {
    // The detector knows every category (as Grounding DINO does); it sees all identities.
    WorldBatchMaker maker(catalog, std::nullopt, s.seed, 64);
    const auto& vocab = maker.index().vocabulary;
    GroundingDetector model(GroundingDetectorOptions()
                                .categories(std::int64_t(vocab.categories.size()))
                                .accessories(std::int64_t(vocab.accessories.size()))
                                .actions(std::int64_t(vocab.actions.size()))
                                .backgrounds(std::int64_t(vocab.backgrounds.size()))
                                .action_margin(0.3));
    report.batch = s.batch > 0 ? s.batch : 32;
    report.stepsPlanned = s.steps > 0 ? s.steps : 3000;
    report.data = "emoji-world scenes of 1-4 subjects, all identities, actions " + std::to_string(s.actionChance).substr(0, 4) +
                  " and accessories 0.35 per subject, 64 px, augmented";
    initialiseFrom(s, *model, report);
    runLoop(*model, s, report.stepsPlanned, report, [&] {
      // Actions rotate, flip and lift subjects; at 0.35 per subject the category head still
      // missed rotated subjects (the semantic check then lost their presence), hence 0.6.
      auto batch = maker.scenes(report.batch, s.actionChance);
      auto images = toUnitFloat(batch.images);
      images = augmentForDetection(images, batch.targets.boxes, batch.targets.imageIndex, AugmentOptions{});
      auto out = model->forward(normaliseForModel(images));
      return detectorLoss(*model, out, images, batch.targets).total;
    });
    info.config = model->options.toJson();
    info.extra = {{"vocabulary", vocab.toJson()}, {"training", trainingRecord(report)}};
    report.parameters = parameterCount(*model);
    saveCheckpoint(s.out, *model, info);
  } else if (which == PerceptionModel::Features) {
    WorldBatchMaker maker(catalog, world::Split::Train, s.seed, 64);
    SubjectFeatures model(SubjectFeaturesOptions{});
    const int categories = s.batch > 0 ? std::max(1, s.batch / 4) : 16;
    report.batch = categories * 4;
    report.stepsPlanned = s.steps > 0 ? s.steps : 2500;
    report.data = "train-split identities only: categories x 2 vendors x 2 views, 64 px renders, jittered boxes";
    AugmentOptions light;
    light.colour = 0.0;  // colour is part of an identity's look
    light.occlusion = 0.15;
    initialiseFrom(s, *model, report);
    runLoop(*model, s, report.stepsPlanned, report, [&] {
      auto batch = maker.views(categories, 2, 2);
      const auto index = at::arange(batch.images.size(0), at::kLong);
      auto images = augmentForDetection(toUnitFloat(batch.images), batch.boxes, index, light);
      return supConLoss(model->forward(model->crops(images, batch.boxes, index)), batch.identity);
    });
    info.config = model->options.toJson();
    info.extra = {{"training", trainingRecord(report)}};
    report.parameters = parameterCount(*model);
    saveCheckpoint(s.out, *model, info);
  } else {
    WorldBatchMaker maker(catalog, world::Split::Train, s.seed, 64);
    Aesthetic model(AestheticOptions{});
    report.batch = s.batch > 0 ? s.batch : 32;
    report.stepsPlanned = s.steps > 0 ? s.steps : 1500;
    report.data = "train-split scenes of 2-3 subjects, clean vs degraded (blur, noise, banding, colour cast, "
                  "compression, artifacts, overlap, cut-off), 64 px";
    initialiseFrom(s, *model, report);
    runLoop(*model, s, report.stepsPlanned, report, [&] {
      auto batch = maker.pairs(report.batch);
      auto both = normaliseForModel(toUnitFloat(at::cat({batch.better, batch.worse}, 0)));
      auto logits = model->forward(both);
      return bradleyTerryLoss(logits.slice(0, 0, report.batch), logits.slice(0, report.batch));
    });
    info.config = model->options.toJson();
    info.extra = {{"training", trainingRecord(report)}};
    report.parameters = parameterCount(*model);
    saveCheckpoint(s.out, *model, info);
  }
  report.checkpointBytes = (long long)std::filesystem::file_size(s.out);
  return report;
}

}  // namespace psr::perceive_data
