#include "train/sft_trainer.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <tuple>

#include <ATen/ATen.h>
#include <torch/csrc/autograd/grad_mode.h>

#include "common/error.h"
#include "flow/flow_matching.h"
#include "model/checkpoint.h"
#include "model/generation.h"
#include "model/text_encoder.h"
#include "tensor/tensor_io.h"
#include "train/adamw.h"
#include "train/distributed.h"
#include "train/ema.h"
#include "train/lora.h"
#include "train/step_rng.h"
#include "train/train_checkpoint.h"
#include "train/warp_supervision.h"

namespace psr::train {

namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kSampleBatchStep = std::int64_t(1) << 40;  // outside any run's steps

double learningRate(const SftConfig& c, std::int64_t step) {
  if (step < c.warmup) return c.lr * double(step + 1) / double(c.warmup);
  const double t = double(step - c.warmup) / double(std::max<std::int64_t>(1, c.steps - c.warmup));
  const double cosine = 0.5 * (1.0 + std::cos(std::acos(-1.0) * std::min(1.0, t)));
  return c.lr * (c.minLrFraction + (1.0 - c.minLrFraction) * cosine);
}

at::Tensor resized(const at::Tensor& images, std::int64_t size) {
  if (images.size(-1) == size && images.size(-2) == size) return images;
  return at::upsample_bilinear2d(images, {size, size}, false);
}

/// Rows of [references..., generated, target] into one image [3, rows*H, cols*W].
at::Tensor sampleGrid(const TrainingBatch& batch, const at::Tensor& generated) {
  const auto n = generated.size(0);
  std::vector<at::Tensor> rows;
  for (std::int64_t i = 0; i < n; ++i) {
    std::vector<at::Tensor> cells;
    for (const auto& slot : batch.references) cells.push_back(slot[i]);
    cells.push_back(generated[i]);
    cells.push_back(batch.target[i]);
    rows.push_back(at::cat(cells, 2));
  }
  return at::cat(rows, 1);
}

struct TrainingModel {
  model::Generator generator;
  std::unique_ptr<Lora> lora;
  std::vector<std::pair<std::string, at::Tensor>> trainable;
};

std::vector<std::pair<std::string, at::Tensor>> namedParameters(torch::nn::Module& m, const std::string& prefix) {
  std::vector<std::pair<std::string, at::Tensor>> out;
  for (const auto& item : m.named_parameters()) out.emplace_back(prefix + item.key(), item.value());
  return out;
}

}  // namespace

nlohmann::json SftResult::toJson() const {
  return {{"step", step}, {"resumed_from", resumedFrom}, {"cancelled", cancelled}, {"seconds", seconds},
          {"samples_per_s", samplesPerSecond}, {"first_loss", firstLoss}, {"last_loss", lastLoss},
          {"trainable_parameters", trainableParameters}, {"total_parameters", totalParameters},
          {"checkpoint", checkpoint.string()}};
}

fs::path latestCheckpoint(const fs::path& out) {
  const auto dir = out / "checkpoints";
  if (!fs::is_directory(dir)) return {};
  fs::path best;
  for (const auto& e : fs::directory_iterator(dir)) {
    const auto name = e.path().filename().string();
    if (name.rfind("step-", 0) != 0 || !fs::exists(e.path() / "train_state.safetensors")) continue;
    if (best.empty() || name > best.filename().string()) best = e.path();
  }
  return best;
}

SftResult runSft(const SftConfig& c, SampleSource& source, const SftHooks& hooks) {
  if (c.out.empty()) throw Error("job spec: no \"out\" folder", ErrorCode::InvalidArgument);
  if (c.threads > 0) at::set_num_threads(c.threads);
  const c10::Device device(c.device);
  // Data parallel under RANK/WORLD_SIZE: every rank draws the whole step, trains on its slice
  // and averages gradients; rank 0 alone writes checkpoints and samples.
  const auto dist = Distributed::fromEnvironment();
  const bool primary = !dist || dist->primary();
  fs::create_directories(c.out / "checkpoints");
  fs::create_directories(c.out / "samples");

  SftResult result;
  const auto resume = latestCheckpoint(c.out);
  std::optional<TrainingState> state;
  if (!resume.empty()) state = readTrainingState(resume);

  // The model: fresh (seeded), or from `init`; a resumed full fine-tune restores its raw
  // weights from the training state below.
  TrainingModel tm;
  at::manual_seed(c.seed);
  // A resumed run starts from `init` extended as at the start (the added heads' shapes) and
  // restores every trainable below. The resume checkpoint's own weights are no starting point:
  // they are EMA averages, with a LoRA's update already merged in.
  if (!c.init.empty()) {
    tm.generator = model::loadGenerator(c.init, device);
    if (c.addReferenceCopy) tm.generator = model::withReferenceCopy(std::move(tm.generator));
    if (c.addReferenceWarp) tm.generator = model::withReferenceWarp(std::move(tm.generator), c.warpPool);
    if (c.positions) tm.generator = model::withPositions(std::move(tm.generator), *c.positions);
  } else if (!resume.empty()) {
    tm.generator = model::loadGenerator(resume, device);
  } else {
    const auto tokenizer = model::WordTokenizer::fromCorpus(source.corpus(), std::size_t(c.model->text.vocab_size));
    tm.generator = model::createGenerator(*c.model, tokenizer);
    tm.generator.dit->to(device);
    tm.generator.text->to(device);
  }
  auto& g = tm.generator;
  // The checkpoints say whether this run's references were cut to their subject, so that
  // generation does the same to a user's references.
  g.config.reference_crop = c.data.contains("world") && c.data["world"].is_object() &&
                            c.data["world"].value("reference_crop", false);
  if (c.model && !c.init.empty()) throw Error("job spec: model and init exclude each other", ErrorCode::InvalidArgument);
  if (c.loraRank > 0) {
    LoraOptions lo;
    lo.rank = c.loraRank;
    lo.alpha = c.loraAlpha;
    for (auto& p : g.text->parameters()) p.set_requires_grad(false);
    tm.lora = std::make_unique<Lora>(*g.dit, "dit.", lo);
    tm.trainable = tm.lora->parameters();
    // The reference heads train in full: they are usually freshly added (add_reference_*).
    for (auto& p : unfreezeChildren(*g.dit, "dit.", {"reference_copy", "reference_warp"})) tm.trainable.push_back(p);
  } else {
    tm.trainable = namedParameters(*g.dit, "dit.");
    for (auto& p : namedParameters(*g.text, "text.")) tm.trainable.push_back(p);
  }
  for (auto& p : g.dit->parameters()) result.totalParameters += p.numel();
  for (auto& p : g.text->parameters()) result.totalParameters += p.numel();
  for (auto& [name, p] : tm.trainable) result.trainableParameters += p.numel();

  AdamW optimiser(tm.trainable, AdamWOptions{c.lr, 0.9, 0.999, 1e-8, c.weightDecay});
  Ema ema(tm.trainable, c.ema);
  TrainerParts parts{g, tm.lora.get(), ema, optimiser, tm.trainable};
  std::int64_t start = 0;
  if (state) {
    restoreTrainingState(*state, parts, resume);
    start = state->step();
    state.reset();
  }
  result.resumedFrom = start;
  result.step = start;
  result.checkpoint = resume;

  const auto codec = model::makeCodec(g.config.codec);
  const auto size = g.config.codec.image_size;
  const model::ImageGrid grid{size / codec->pixelsPerToken(), size / codec->pixelsPerToken()};
  const auto positions = model::gridPositions(grid, 0).to(device);
  const bool supervised = c.warpSupervision > 0 || c.warpGateSupervision > 0;
  if (supervised && !g.config.dit.reference_warp)
    throw Error("job spec: warp_supervision / warp_gate_supervision need a model with the warp head (add_reference_warp or dit.reference_warp)",
                ErrorCode::InvalidArgument);

  auto writeCheckpoint = [&](std::int64_t step) {  // rank 0 writes; the others learn the path
    result.checkpoint = primary ? writeTrainingCheckpoint(c.out, step, parts, c.toJson(), c.keepCheckpoints)
                                : checkpointPath(c.out, step);
    if (primary && hooks.onCheckpoint) hooks.onCheckpoint(step, result.checkpoint);
  };

  auto writeSamples = [&](std::int64_t step) {
    if (!hooks.onSamples || !primary) return;
    auto batch = source.batch(kSampleBatchStep, c.sampleCount);
    batch.target = resized(batch.target, size);
    for (auto& r : batch.references) r = resized(r, size);
    model::GenerationRequest request;
    request.prompts = batch.prompts;
    request.references = batch.references;
    for (std::int64_t i = 0; i < c.sampleCount; ++i) request.seeds.push_back(std::uint64_t(i));
    request.steps = c.sampleSteps;
    request.guidance = c.sampleGuidance;
    at::Tensor generated;
    withAverageWeights(parts, [&] { generated = model::generateImages(g, request); });
    g.dit->train();  // generation switched to eval mode
    g.text->train();
    hooks.onSamples(step, sampleGrid(batch, generated));
  };

  if (start == 0) writeSamples(0);  // the step-0 baseline

  const auto t0 = std::chrono::steady_clock::now();
  double lossSum = 0, gradSum = 0, warpSum = 0, gateSum = 0;
  std::int64_t warpLogged = 0;
  std::int64_t logged = 0, samplesSinceLog = 0;
  auto lastLog = t0;
  bool firstLoss = true;
  g.dit->train();
  g.text->train();
  for (std::int64_t step = start; step < c.steps; ++step) {
    if (hooks.cancel.isCancelled()) {
      result.cancelled = true;
      break;
    }
    const double lr = learningRate(c, step);
    auto batch = source.batch(step, c.batch);
    const auto b = batch.target.size(0);
    // Classifier-free-guidance dropout, drawn from the step's own stream.
    StepRng rng(c.seed, std::uint64_t(step), 2);
    at::Tensor present = batch.present.defined() ? batch.present.clone() : at::Tensor();
    for (std::int64_t i = 0; i < b; ++i) {
      if (rng.uniform() < c.textDropout) batch.prompts[std::size_t(i)].clear();
      if (rng.uniform() < c.referenceDropout && present.defined()) present[i].fill_(false);
    }
    std::vector<std::uint64_t> seeds;
    for (std::int64_t i = 0; i < b; ++i) seeds.push_back(StepRng(c.seed, std::uint64_t(step), 3 + std::uint64_t(i)).next());
    const auto timesteps =
        flow::sampleTimesteps(b, c.timesteps, flow::cpuGenerator(StepRng(c.seed, std::uint64_t(step), 1000).next())).to(device);

    std::int64_t first = 0, count = b;
    if (dist) std::tie(first, count) = dist->slice(b);
    auto part = [&](const at::Tensor& t) { return t.narrow(0, first, count); };
    auto x0 = codec->encode(part(resized(batch.target, size)).to(device)).tokens;
    const std::vector<std::uint64_t> mySeeds(seeds.begin() + first, seeds.begin() + first + count);
    auto noise = flow::seededNoise(mySeeds, {x0.size(1), x0.size(2)}).to(device);
    const auto myTimesteps = part(timesteps);
    auto xt = flow::interpolate(x0, noise, myTimesteps);
    std::vector<at::Tensor> slots;
    for (auto& r : batch.references) slots.push_back(part(resized(r, size)).to(device));
    auto refs = model::encodeReferenceImages(g, *codec, slots, grid, present.defined() ? part(present).to(device) : at::Tensor());
    if (tm.lora) tm.lora->refresh();
    const std::vector<std::string> prompts(batch.prompts.begin() + first, batch.prompts.begin() + first + count);
    auto text = model::encodePrompts(g, prompts);
    model::WarpTrace trace;
    auto velocity = g.dit->forward(xt, positions, myTimesteps, text, refs, {}, supervised ? &trace : nullptr);
    auto weights = flow::lossWeights(c.lossWeighting, myTimesteps);
    if (batch.weights.defined()) {
      // Per-pixel weights go through the codec like the image, so each token value gets its pixel's.
      const auto pixels = part(resized(batch.weights, size)).expand({-1, 3, -1, -1}).to(device);
      const auto perValue = codec->encode(pixels).tokens;
      weights = weights.defined() ? perValue * weights.view({-1, 1, 1}) : perValue;
    }
    auto loss = flow::flowMatchingLoss(velocity, x0, noise, weights);
    at::Tensor warpTerm, gateTerm;  // logged apart, so "loss" stays the velocity loss every run reports
    if (supervised && trace.offsets.defined()) {
      if (!batch.boxes.defined())
        throw Error("job spec: warp supervision needs data with subject boxes (world data)", ErrorCode::InvalidArgument);
      const auto boxes = part(batch.boxes).to(device), slotPresent = part(present).to(device);
      warpTerm = warpSupervisionLoss(trace, boxes, slotPresent, grid);
      if (c.warpGateMasks && !batch.masks.defined())
        throw Error("job spec: \"warp_gate_labels\": \"mask\" needs data with subject masks (world data)",
                    ErrorCode::InvalidArgument);
      gateTerm = warpGateLoss(trace, boxes, slotPresent, grid, c.warpGateByNoise ? myTimesteps : at::Tensor(),
                              c.warpGateMasks ? part(batch.masks).to(device) : at::Tensor());
    }
    const double value = dist ? dist->average(loss.item<double>()) : loss.item<double>();
    if (!std::isfinite(value)) {
      throw Error("non-finite loss (" + std::to_string(value) + ") at step " + std::to_string(step) +
                      "; training stopped, the last good checkpoint is " +
                      (result.checkpoint.empty() ? std::string("none") : result.checkpoint.string()),
                  ErrorCode::Generic);
    }
    optimiser.zeroGrad();
    (warpTerm.defined() ? loss + c.warpSupervision * warpTerm + c.warpGateSupervision * gateTerm : loss).backward();
    if (warpTerm.defined()) {
      warpSum += dist ? dist->average(warpTerm.item<double>()) : warpTerm.item<double>();
      gateSum += dist ? dist->average(gateTerm.item<double>()) : gateTerm.item<double>();
      ++warpLogged;
    }
    if (dist) dist->averageGradients(tm.trainable);
    const double norm = clipGradNorm(tm.trainable, c.gradClip);
    if (!std::isfinite(norm)) {
      throw Error("non-finite gradient at step " + std::to_string(step) + "; the last good checkpoint is " +
                      (result.checkpoint.empty() ? std::string("none") : result.checkpoint.string()),
                  ErrorCode::Generic);
    }
    optimiser.step(lr);
    ema.update(tm.trainable);
    if (firstLoss) result.firstLoss = value;
    firstLoss = false;
    lossSum += value;
    gradSum += norm;
    ++logged;
    samplesSinceLog += b;
    result.step = step + 1;
    const bool last = step + 1 == c.steps;
    if ((step + 1) % c.logEvery == 0 || last) {
      const auto now = std::chrono::steady_clock::now();
      const double dt = std::chrono::duration<double>(now - lastLog).count();
      result.lastLoss = lossSum / double(logged);
      std::map<std::string, double> metrics{{"loss", result.lastLoss}, {"grad_norm", gradSum / double(logged)}, {"lr", lr},
                                            {"samples_per_s", dt > 0 ? double(samplesSinceLog) / dt : 0.0}};
      if (warpLogged > 0) {
        metrics["warp_loss"] = warpSum / double(warpLogged);
        metrics["warp_gate_loss"] = gateSum / double(warpLogged);
      }
      if (hooks.onMetrics) hooks.onMetrics(step + 1, c.steps, metrics);
      lossSum = gradSum = warpSum = gateSum = 0;
      warpLogged = 0;
      logged = samplesSinceLog = 0;
      lastLog = now;
    }
    if ((step + 1) % c.checkpointEvery == 0 && !last) writeCheckpoint(step + 1);
    if (c.sampleEvery > 0 && (step + 1) % c.sampleEvery == 0 && !last) writeSamples(step + 1);
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto done = result.step - start;
  result.samplesPerSecond = result.seconds > 0 ? double(done * c.batch) / result.seconds : 0.0;
  if (result.checkpoint.empty() || result.checkpoint.filename() != checkpointName(result.step)) writeCheckpoint(result.step);
  if (!result.cancelled && done > 0) writeSamples(result.step);
  g.dit->eval();
  g.text->eval();
  return result;
}

}  // namespace psr::train
