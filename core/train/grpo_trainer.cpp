#include "train/grpo_trainer.h"

#include <chrono>
#include <cmath>
#include <future>
#include <mutex>
#include <optional>
#include <set>
#include <tuple>

#include <ATen/ATen.h>
#include <torch/csrc/autograd/grad_mode.h>

#include "common/error.h"
#include "flow/flow_matching.h"
#include "flow/samplers.h"
#include "model/checkpoint.h"
#include "model/generation.h"
#include "model/text_encoder.h"
#include "train/advantages.h"
#include "train/distributed.h"
#include "train/sft_trainer.h"
#include "train/step_rng.h"
#include "train/trained_steps.h"
#include "train/train_checkpoint.h"

namespace psr::train {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

/// One rollout chunk of `rollout_batch` samples from `first`. Under data parallelism this rank
/// holds samples [first + offset, first + offset + size) of it; in one process offset = 0 and
/// size = rollout_batch. Trajectories, log-probs and images are this rank's slice.
struct Chunk {
  std::int64_t first = 0, offset = 0, size = 0;
  std::vector<at::Tensor> states;     // N + 1 latents [size, T, C]
  std::vector<at::Tensor> logProbs;   // N − 1 of [size] (the last step is deterministic)
  at::Tensor images;                  // [size, 3, H, W] in [-1, 1]
  std::vector<RewardComponents> rewards;  // this rank's slice; after gatherRewards the whole chunk's
  bool failed = false;
};

/// The conditioning of a chunk: text and reference images of its samples' prompts.
struct Conditioning {
  std::vector<std::string> texts;
  std::vector<at::Tensor> slots;  // per reference slot [R, 3, H, W]
};

Conditioning conditioningOf(const std::vector<RlPrompt>& prompts, std::int64_t group, std::int64_t first,
                            std::int64_t size, c10::Device device) {
  Conditioning c;
  const auto slots = prompts.front().references.size();
  std::vector<std::vector<at::Tensor>> columns(slots);
  for (std::int64_t s = first; s < first + size; ++s) {
    const auto& p = prompts[std::size_t(s / group)];
    if (p.references.size() != slots) throw Error("every prompt of an epoch needs the same number of references", ErrorCode::InvalidArgument);
    const auto& seen = p.modelReferences.empty() ? p.references : p.modelReferences;
    if (seen.size() != slots) throw Error("a prompt's model references and references differ in number", ErrorCode::InvalidArgument);
    c.texts.push_back(p.text);
    for (std::size_t k = 0; k < slots; ++k) columns[k].push_back(seen[k]);
  }
  for (auto& col : columns) c.slots.push_back(at::stack(col).to(device));
  return c;
}

/// Every rank scored only its slices; afterwards every rank holds every chunk's rewards, failure
/// flags and the failure count, so advantages are computed identically everywhere from the whole
/// epoch. One flat double allreduce of zero-padded entries (x + 0 == x: exact, NaN included);
/// component names are agreed first, since a reward may return extras beyond the weighted ones.
void gatherRewards(Distributed& dist, std::vector<Chunk>& chunks, std::int64_t batch,
                   const std::map<std::string, double>& weights, std::int64_t& failures) {
  std::set<std::string> names;
  for (const auto& [name, w] : weights) names.insert(name);
  for (const auto& chunk : chunks)
    for (const auto& r : chunk.rewards)
      for (const auto& [name, v] : r) names.insert(name);
  std::string mine;
  for (const auto& name : names) mine += name + '\n';
  for (const auto& theirs : dist.allGatherStrings(mine))
    for (std::size_t a = 0, b; (b = theirs.find('\n', a)) != std::string::npos; a = b + 1) names.insert(theirs.substr(a, b - a));
  const std::vector<std::string> list(names.begin(), names.end());
  const auto k = std::int64_t(list.size());
  // [failures, then per chunk: failed flag, per sample and component: value, present].
  const std::int64_t stride = 1 + batch * k * 2;
  auto flat = at::zeros({1 + std::int64_t(chunks.size()) * stride}, at::kDouble);
  double* d = flat.data_ptr<double>();
  d[0] = double(failures);
  for (std::size_t ci = 0; ci < chunks.size(); ++ci) {
    double* base = d + 1 + std::int64_t(ci) * stride;
    if (chunks[ci].failed) {
      base[0] = 1;
      continue;
    }
    for (std::int64_t i = 0; i < chunks[ci].size; ++i)
      for (std::int64_t n = 0; n < k; ++n) {
        const auto& r = chunks[ci].rewards[std::size_t(i)];
        const auto it = r.find(list[std::size_t(n)]);
        if (it == r.end()) continue;
        double* e = base + 1 + ((chunks[ci].offset + i) * k + n) * 2;
        e[0] = it->second;
        e[1] = 1;
      }
  }
  flat = dist.allGatherSum(flat);
  d = flat.data_ptr<double>();
  failures = std::int64_t(d[0]);
  for (std::size_t ci = 0; ci < chunks.size(); ++ci) {
    const double* base = d + 1 + std::int64_t(ci) * stride;
    auto& chunk = chunks[ci];
    chunk.failed = base[0] > 0;  // any rank's slice failed: the whole chunk's groups are skipped
    chunk.rewards.assign(chunk.failed ? 0 : std::size_t(batch), {});
    for (std::int64_t i = 0; i < batch && !chunk.failed; ++i)
      for (std::int64_t n = 0; n < k; ++n) {
        const double* e = base + 1 + (i * k + n) * 2;
        if (e[1] > 0) chunk.rewards[std::size_t(i)][list[std::size_t(n)]] = e[0];
      }
  }
}

/// Per-epoch update statistics; under data parallelism summed, min'd or max'd over the ranks.
struct UpdateStats {
  double kl = 0, clip = 0, ratioSum = 0, ratioCount = 0, ratioMin = 1e9, ratioMax = -1e9, firstDeviation = 0,
         nonFinite = 0;

  void reduce(Distributed& dist) {
    auto rows = at::zeros({dist.worldSize(), 8}, at::kDouble);
    rows[dist.rank()] = at::tensor({kl, clip, ratioSum, ratioCount, ratioMin, ratioMax, firstDeviation, nonFinite}, at::kDouble);
    rows = dist.allGatherSum(rows);
    const auto sum = rows.sum(0), lo = std::get<0>(rows.min(0)), hi = std::get<0>(rows.max(0));
    // Each rank's KL is its share of the chunk mean (see the update), so their mean is the chunk's.
    kl = sum[0].item<double>() / double(dist.worldSize());
    clip = sum[1].item<double>();
    ratioSum = sum[2].item<double>();
    ratioCount = sum[3].item<double>();
    ratioMin = lo[4].item<double>();
    ratioMax = hi[5].item<double>();
    firstDeviation = hi[6].item<double>();
    nonFinite = sum[7].item<double>();
  }
};

}  // namespace

nlohmann::json RlResult::toJson() const {
  return {{"epoch", epoch}, {"resumed_from", resumedFrom}, {"cancelled", cancelled}, {"seconds", seconds},
          {"samples_per_s", samplesPerSecond}, {"first_reward", firstReward}, {"last_reward", lastReward},
          {"skipped", skipped}, {"trainable_parameters", trainableParameters}, {"checkpoint", checkpoint.string()},
          {"kl_stop", klStopEpoch > 0 ? nlohmann::json{{"epoch", klStopEpoch}, {"kl", klStopValue}} : nlohmann::json()}};
}

RlResult runRl(const RlConfig& c, PromptSource& source, RewardFunction& reward, const RlHooks& hooks) {
  if (c.out.empty()) throw Error("job spec: no \"out\" folder", ErrorCode::InvalidArgument);
  if (c.threads > 0) at::set_num_threads(c.threads);
  const c10::Device device(c.device);
  // Data parallel under RANK/WORLD_SIZE: every rank draws the whole epoch, samples and scores its
  // slice of each chunk, gathers the rewards, and averages gradients; rank 0 alone writes.
  // Checked before the rendezvous, which would otherwise wait for ranks that never come.
  if (const int world = environmentWorldSize(); c.rolloutBatch % world != 0)
    throw Error("rollout_batch (" + std::to_string(c.rolloutBatch) + ") must be divisible by WORLD_SIZE (" +
                    std::to_string(world) + ")",
                ErrorCode::InvalidArgument);
  const auto dist = Distributed::fromEnvironment();
  const bool primary = !dist || dist->primary();
  const double world = dist ? double(dist->worldSize()) : 1.0;
  std::int64_t sliceOffset = 0, sliceSize = c.rolloutBatch;
  if (dist) std::tie(sliceOffset, sliceSize) = dist->slice(c.rolloutBatch);
  // Cancellation must be agreed, or one rank would leave while the others wait in a collective.
  auto stopRequested = [&] {
    const bool mine = hooks.cancel.isCancelled();
    return dist ? dist->average(mine ? 1.0 : 0.0) > 0 : mine;
  };
  fs::create_directories(c.out);
  RlResult result;

  auto g = model::loadGenerator(c.init, device);
  for (auto& p : g.text->parameters()) p.set_requires_grad(false);  // the text encoder stays fixed in RL
  std::unique_ptr<Lora> lora;
  std::vector<std::pair<std::string, at::Tensor>> trainable;
  std::optional<model::Generator> reference;  // KL reference for a full fine-tune
  const bool measureKl = c.klBeta > 0 || c.klMax > 0;  // the ceiling needs the KL even when it is not in the loss
  if (c.loraRank > 0) {
    at::manual_seed(c.seed);
    LoraOptions lo;
    lo.rank = c.loraRank;
    lo.alpha = c.loraAlpha;
    lora = std::make_unique<Lora>(*g.dit, "dit.", lo);
    trainable = lora->parameters();
  } else {
    for (const auto& item : g.dit->named_parameters()) trainable.emplace_back("dit." + item.key(), item.value());
    if (measureKl) {
      reference = model::loadGenerator(c.init, device);
      for (auto& p : reference->dit->parameters()) p.set_requires_grad(false);
    }
  }
  for (auto& [n, p] : trainable) result.trainableParameters += p.numel();
  AdamW optimiser(trainable, AdamWOptions{c.lr, 0.9, 0.999, 1e-8, c.weightDecay});
  Ema ema(trainable, c.ema);
  TrainerParts parts{g, lora.get(), ema, optimiser, trainable};
  const auto resume = latestCheckpoint(c.out);
  std::int64_t start = 0;
  if (!resume.empty()) {
    const auto state = readTrainingState(resume);
    restoreTrainingState(state, parts, resume);
    start = state.step();
    result.checkpoint = resume;
  }
  result.resumedFrom = start;
  result.epoch = start;

  const auto codec = model::makeCodec(g.config.codec);
  const auto size = g.config.codec.image_size;
  const model::ImageGrid grid{size / codec->pixelsPerToken(), size / codec->pixelsPerToken()};
  const auto positions = model::gridPositions(grid, 0).to(device);
  const auto schedule = flow::makeSchedule(c.samplingSteps, c.shift);
  const auto steps = c.samplingSteps;
  const auto total = c.promptsPerEpoch * c.groupSize;

  // Velocity of the current policy (or the reference) at noise level sigma, with CFG when on.
  auto velocity = [&](model::DitImpl& dit, const at::Tensor& x, double sigma, const model::TextCondition& text,
                      const model::ReferenceCache& cache, const model::TextCondition& nullText) {
    const auto t = at::full({x.size(0)}, sigma, x.options());
    auto v = dit.forwardCached(x, positions, t, text, cache);
    if (c.guidance != 1.0) v = flow::combineGuidance(v, dit.forwardCached(x, positions, t, nullText, {}), c.guidance);
    return v;
  };

  auto scoreChunk = [&](const at::Tensor& images, std::vector<const RlPrompt*> prompts, std::int64_t& failures) {
    for (int attempt = 0;; ++attempt) {
      try {
        auto r = reward.score(images, prompts);
        if (r.size() != prompts.size()) throw Error("the reward returned a wrong count", ErrorCode::Generic);
        return r;
      } catch (const std::exception&) {
        ++failures;
        if (attempt >= c.rewardRetries) throw;
      }
    }
  };

  std::int64_t checkpointEpoch = start;  // the latest checkpoint's epoch (0: none yet)
  auto writeCheckpoint = [&](std::int64_t epoch) {  // rank 0 writes; the others learn the path
    checkpointEpoch = epoch;
    result.checkpoint = primary ? writeTrainingCheckpoint(c.out, epoch, parts, c.toJson(), c.keepCheckpoints)
                                : checkpointPath(c.out, epoch);
    if (primary && hooks.onCheckpoint) hooks.onCheckpoint(epoch, result.checkpoint);
  };

  const auto runStart = Clock::now();
  std::int64_t done = 0;
  for (std::int64_t epoch = start; epoch < c.epochs; ++epoch) {
    if (stopRequested()) {
      result.cancelled = true;
      break;
    }
    const auto t0 = Clock::now();
    const auto prompts = source.prompts(epoch, c.promptsPerEpoch);
    if (std::int64_t(prompts.size()) != c.promptsPerEpoch) throw Error("the prompt source returned a wrong count", ErrorCode::Generic);
    std::vector<std::uint64_t> seeds;
    for (std::int64_t s = 0; s < total; ++s) seeds.push_back(StepRng(c.seed, std::uint64_t(epoch), 100 + std::uint64_t(s)).next());

    // --- Rollouts; each chunk's rewards are computed on a worker while the next chunk samples.
    std::vector<Chunk> chunks;
    std::vector<std::future<std::vector<RewardComponents>>> pending;
    std::int64_t rewardFailures = 0;
    double sampleSeconds = 0, scoreSeconds = 0;
    std::mutex scoreMutex;
    g.dit->eval();
    if (lora) {
      torch::NoGradGuard ng;
      lora->refresh();
    }
    for (std::int64_t first = 0; first < total; first += c.rolloutBatch) {
      const auto ts = Clock::now();
      Chunk chunk;
      chunk.first = first;
      chunk.offset = sliceOffset;
      chunk.size = sliceSize;
      const auto mine = first + sliceOffset;  // this rank's first sample
      {
        torch::NoGradGuard ng;
        auto cond = conditioningOf(prompts, c.groupSize, mine, chunk.size, device);
        auto text = model::encodePrompts(g, cond.texts);
        auto nullText = c.guidance != 1.0 ? model::nullTextCondition(*g.text, *g.tokenizer, chunk.size) : model::TextCondition{};
        const auto cache = g.dit->encodeReferences(model::encodeReferenceImages(g, *codec, cond.slots, grid));
        std::vector<std::uint64_t> chunkSeeds(seeds.begin() + mine, seeds.begin() + mine + chunk.size);
        auto x = flow::seededNoise(chunkSeeds, {grid.tokens(), codec->channels()}).to(device);
        chunk.states.push_back(x);
        auto gen = flow::cpuGenerator(StepRng(c.seed, std::uint64_t(epoch), 5000 + std::uint64_t(first)).next());
        for (std::int64_t i = 0; i < steps; ++i) {
          const auto v = velocity(*g.dit, x, schedule.sigmas[std::size_t(i)], text, cache, nullText);
          if (i < steps - 1) {
            // Noise drawn on CPU so rollouts are reproducible on any device. Every rank draws the
            // whole chunk's noise and takes its rows, so a sample's noise depends only on (seed,
            // epoch, its global index) - the same values as in one process, whatever the world size.
            const auto eps = at::randn({c.rolloutBatch, x.size(1), x.size(2)}, gen, at::kFloat).narrow(0, sliceOffset, chunk.size);
            // Only the step's mean and std are used here (`given` just avoids drawing noise).
            const auto moments = flow::sdeStep(x.cpu(), v.cpu(), schedule, i, c.noiseLevel, c10::nullopt, x.cpu());
            const auto sample = moments.mean + moments.std * eps;
            auto next = sample.to(device);
            // The old log-prob on the device the update uses, so r = 1 exactly there too.
            chunk.logProbs.push_back(device.is_cpu() ? flow::gaussianLogProb(sample, moments.mean, moments.std)
                                                     : flow::sdeStep(x, v, schedule, i, c.noiseLevel, c10::nullopt, next).logProb);
            x = next;
          } else {  // the last step is deterministic (its Gaussian is too sharp to train on)
            x = x + (schedule.sigmas[std::size_t(i + 1)] - schedule.sigmas[std::size_t(i)]) * v;
          }
          chunk.states.push_back(x);
        }
        chunk.images = codec->decode({x, grid}).clamp(-1, 1).cpu();
      }
      sampleSeconds += seconds(ts, Clock::now());
      std::vector<const RlPrompt*> chunkPrompts;
      for (std::int64_t s = mine; s < mine + chunk.size; ++s) chunkPrompts.push_back(&prompts[std::size_t(s / c.groupSize)]);
      pending.push_back(std::async(std::launch::async, [&, images = chunk.images, chunkPrompts] {
        const auto a = Clock::now();
        std::int64_t failures = 0;
        auto r = scoreChunk(images, chunkPrompts, failures);
        std::lock_guard<std::mutex> lock(scoreMutex);
        rewardFailures += failures;
        scoreSeconds += seconds(a, Clock::now());
        return r;
      }));
      chunks.push_back(std::move(chunk));
      if (stopRequested()) break;
    }
    const auto tw = Clock::now();
    for (std::size_t k = 0; k < pending.size(); ++k) {
      try {
        chunks[k].rewards = pending[k].get();
      } catch (const std::exception&) {
        chunks[k].failed = true;  // retried and failed: its groups are skipped and counted
      }
    }
    const double waitSeconds = seconds(tw, Clock::now());
    if (stopRequested()) {
      result.cancelled = true;
      break;
    }
    if (dist) gatherRewards(*dist, chunks, c.rolloutBatch, c.weights, rewardFailures);

    // --- Rewards and advantages.
    std::vector<double> totals(std::size_t(total), 0.0);
    std::vector<bool> skippedGroup(std::size_t(c.promptsPerEpoch), false);
    std::map<std::string, double> componentSum;
    std::map<std::string, std::vector<double>> components;  // per weighted reward, per sample
    for (const auto& [name, w] : c.weights) components[name].assign(std::size_t(total), 0.0);
    std::int64_t valid = 0, skippedSamples = 0;
    double totalSum = 0;
    for (const auto& chunk : chunks) {
      for (std::int64_t i = 0; i < c.rolloutBatch; ++i) {
        const auto s = chunk.first + i;
        const auto grp = std::size_t(s / c.groupSize);
        if (chunk.failed) {
          skippedGroup[grp] = true;
          continue;
        }
        double r = 0;
        bool finite = true;
        for (const auto& [name, w] : c.weights) {
          auto it = chunk.rewards[std::size_t(i)].find(name);
          const double value = it == chunk.rewards[std::size_t(i)].end() ? std::nan("") : it->second;
          finite = finite && std::isfinite(value);
          r += w * value;
          components[name][std::size_t(s)] = value;
        }
        if (!finite) {
          skippedGroup[grp] = true;
          ++skippedSamples;
          continue;
        }
        totals[std::size_t(s)] = r;
        totalSum += r;
        for (const auto& [name, value] : chunk.rewards[std::size_t(i)]) componentSum[name] += value;
        ++valid;
      }
    }
    std::int64_t skippedGroups = 0;
    for (bool s : skippedGroup) skippedGroups += s ? 1 : 0;
    result.skipped += skippedGroups;
    if (result.skipped > c.maxSkipped)
      throw Error("stopped: " + std::to_string(result.skipped) + " groups skipped (reward failures or non-finite rewards), over max_skipped " +
                      std::to_string(c.maxSkipped) + "; the last good checkpoint is " +
                      (result.checkpoint.empty() ? std::string("none") : result.checkpoint.string()),
                  ErrorCode::Generic);
    const auto adv = c.decoupled ? decoupledAdvantages(components, c.weights, c.groupSize, skippedGroup, c.advantageClip)
                                 : groupAdvantages(totals, c.groupSize, skippedGroup, c.globalStd, c.advantageClip);

    // --- Policy update, one optimiser step per rollout chunk (same batch size as sampling, so
    // the epoch's first update is exactly on-policy).
    const auto tu = Clock::now();
    g.dit->train();
    double lossSum = 0, normSum = 0;
    UpdateStats st;
    bool onPolicy = true;  // until the epoch's first optimiser step
    std::int64_t updates = 0;
    for (std::size_t k = 0; k < chunks.size(); ++k) {
      auto& chunk = chunks[k];
      // The loss is a mean over the whole chunk's kept samples. Each rank divides its slice's sum
      // by kept / world, so the ranks' mean (what averageGradients takes) is exactly that chunk
      // mean even when the slices keep different counts; in one process this is sum / kept.
      double kept = 0;
      for (std::int64_t i = 0; i < c.rolloutBatch; ++i) kept += adv.keep[std::size_t(chunk.first + i)] ? 1.0 : 0.0;
      if (kept == 0) continue;  // the same decision on every rank
      const double share = kept / world;
      auto a = at::zeros({chunk.size}, at::kFloat);
      auto keep = at::zeros({chunk.size}, at::kFloat);
      for (std::int64_t i = 0; i < chunk.size; ++i) {
        const auto s = std::size_t(chunk.first + chunk.offset + i);
        a[i] = adv.value[s];
        keep[i] = adv.keep[s] ? 1.0f : 0.0f;
      }
      a = a.to(device);
      keep = keep.to(device);
      optimiser.zeroGrad();
      if (lora) lora->refresh();
      auto cond = conditioningOf(prompts, c.groupSize, chunk.first + chunk.offset, chunk.size, device);
      model::TextCondition text, nullText;
      {
        torch::NoGradGuard ng;
        text = model::encodePrompts(g, cond.texts);
        if (c.guidance != 1.0) nullText = model::nullTextCondition(*g.text, *g.tokenizer, chunk.size);
      }
      const auto refTokens = model::encodeReferenceImages(g, *codec, cond.slots, grid);
      const auto cache = g.dit->encodeReferences(refTokens);  // with gradients (LoRA may touch them)
      std::optional<model::ReferenceCache> refCache;
      at::Tensor loss = at::zeros({}, at::TensorOptions().device(device));
      const auto trained = trainedSteps(c.seed, epoch, chunk.first, c.windowStart, c.trainedEnd(), c.trainSteps);
      const double trainedCount = double(trained.size());
      for (const std::int64_t j : trained) {
        const double sigma = schedule.sigmas[std::size_t(j)];
        const auto v = velocity(*g.dit, chunk.states[std::size_t(j)], sigma, text, cache, nullText);
        const auto step = flow::sdeStep(chunk.states[std::size_t(j)], v, schedule, j, c.noiseLevel, c10::nullopt,
                                        chunk.states[std::size_t(j + 1)]);
        const auto logRatio = step.logProb - chunk.logProbs[std::size_t(j)];
        const auto ratio = at::exp(logRatio);
        {
          torch::NoGradGuard ng;
          const auto r = ratio.detach().cpu();
          const auto finite = at::isfinite(r);
          st.nonFinite += (~finite).sum().item<double>();
          const auto mask = keep.cpu() > 0;
          const auto kr = r.masked_select(mask & finite);
          if (kr.numel() > 0) {
            st.ratioSum += kr.sum().item<double>();
            st.ratioCount += double(kr.numel());
            st.ratioMin = std::min(st.ratioMin, kr.min().item<double>());
            st.ratioMax = std::max(st.ratioMax, kr.max().item<double>());
            st.clip += ((kr - 1).abs() > c.clipRange).sum().item<double>();
            if (onPolicy) st.firstDeviation = std::max(st.firstDeviation, (kr - 1).abs().max().item<double>());
          }
        }
        const auto unclipped = -a * ratio;
        const auto clipped = -a * at::clamp(ratio, 1.0 - c.clipRange, 1.0 + c.clipRange);
        auto policy = (at::maximum(unclipped, clipped) * keep).sum() / share;
        at::Tensor kl = at::zeros({}, policy.options());
        if (measureKl) {
          at::Tensor vRef;
          {
            torch::NoGradGuard ng;
            if (lora) {
              const auto adapted = lora->currentWeights();
              lora->useBase();
              if (!refCache) refCache = g.dit->encodeReferences(refTokens);
              vRef = velocity(*g.dit, chunk.states[std::size_t(j)], sigma, text, *refCache, nullText);
              // The legacy path re-merged here, with gradients off: the next trained steps'
              // forwards then no longer reached the LoRA factors.
              if (c.legacyFirstStepGradient) lora->refresh();
              else lora->setWeights(adapted);
            } else {
              if (!refCache) refCache = reference->dit->encodeReferences(refTokens);
              vRef = velocity(*reference->dit, chunk.states[std::size_t(j)], sigma, text, *refCache, nullText);
            }
          }
          const auto refStep = flow::sdeStep(chunk.states[std::size_t(j)], vRef, schedule, j, c.noiseLevel, c10::nullopt,
                                             chunk.states[std::size_t(j + 1)]);
          // Measured only (kl_beta 0, a ceiling set): no gradient path through the KL.
          const auto mean = c.klBeta > 0 ? step.mean : step.mean.detach();
          kl = (((mean - refStep.mean).pow(2).flatten(1).mean(1) / (2 * step.std * step.std)) * keep).sum() / share;
        }
        loss = loss + (c.klBeta > 0 ? policy + c.klBeta * kl : policy) / trainedCount;
        st.kl += kl.item<double>() / trainedCount;
      }
      // The ranks' mean loss is the chunk's: a non-finite value on any rank skips the update on all.
      const double value = dist ? dist->average(loss.item<double>()) : loss.item<double>();
      if (!std::isfinite(value)) {
        ++result.skipped;
        continue;  // a non-finite objective: skip this update, count it
      }
      loss.backward();
      if (dist) dist->averageGradients(trainable);
      normSum += clipGradNorm(trainable, c.gradClip);
      optimiser.step(c.lr);
      ema.update(trainable);
      lossSum += value;
      ++updates;
      const bool checkNow = onPolicy;
      onPolicy = false;
      // Every rank's own first update is on-policy (it samples and updates the same slice), so
      // the check takes the worst rank; all ranks then stop together.
      if (checkNow && dist) {
        auto dev = at::zeros({dist->worldSize()}, at::kDouble);
        dev[dist->rank()] = st.firstDeviation;
        st.firstDeviation = dist->allGatherSum(dev).max().item<double>();
      }
      if (checkNow && c.selfCheck && st.firstDeviation > 1e-6)
        throw Error("Flow-GRPO self-check failed: the first update of epoch " + std::to_string(epoch) +
                        " is on-policy but max |ratio - 1| = " + std::to_string(st.firstDeviation),
                    ErrorCode::Generic);
    }
    if (dist) st.reduce(*dist);
    const double updateSeconds = seconds(tu, Clock::now());
    const double epochSeconds = seconds(t0, Clock::now());
    done += total;

    // --- Metrics and the group inspector.
    std::map<std::string, double> m;
    const double meanTotal = valid > 0 ? totalSum / double(valid) : 0.0;
    m["reward"] = meanTotal;
    for (const auto& [name, sum] : componentSum) {
      m["reward_" + name] = valid > 0 ? sum / double(valid) : 0.0;
      auto w = c.weights.find(name);
      if (w != c.weights.end()) m["weighted_" + name] = m["reward_" + name] * w->second;
    }
    m["loss"] = updates > 0 ? lossSum / double(updates) : 0.0;
    m["kl"] = updates > 0 ? st.kl / double(updates) : 0.0;
    m["grad_norm"] = updates > 0 ? normSum / double(updates) : 0.0;
    m["clip_fraction"] = st.ratioCount > 0 ? st.clip / st.ratioCount : 0.0;
    m["ratio_mean"] = st.ratioCount > 0 ? st.ratioSum / st.ratioCount : 1.0;
    m["ratio_min"] = st.ratioCount > 0 ? st.ratioMin : 1.0;
    m["ratio_max"] = st.ratioCount > 0 ? st.ratioMax : 1.0;
    m["ratio_first_update_max_dev"] = st.firstDeviation;
    m["zero_variance_share"] = adv.groups > 0 ? double(adv.zeroVarianceGroups) / double(adv.groups) : 0.0;
    m["skipped_groups"] = double(skippedGroups);
    m["skipped_samples"] = double(skippedSamples);
    m["reward_failures"] = double(rewardFailures);
    m["nonfinite_logprobs"] = st.nonFinite;
    m["time_sampling_share"] = epochSeconds > 0 ? sampleSeconds / epochSeconds : 0.0;
    m["time_scoring_wait_share"] = epochSeconds > 0 ? waitSeconds / epochSeconds : 0.0;
    m["time_scoring_worker_s"] = scoreSeconds;
    m["time_update_share"] = epochSeconds > 0 ? updateSeconds / epochSeconds : 0.0;
    m["samples_per_s"] = epochSeconds > 0 ? double(total) / epochSeconds : 0.0;
    // The epoch's subject count (every prompt of an epoch has the same): per-count curves.
    m["subjects"] = double(prompts.front().references.size());
    if (epoch == start) result.firstReward = meanTotal;
    result.lastReward = meanTotal;
    if (hooks.onMetrics) hooks.onMetrics(epoch + 1, c.epochs, m);
    if (!chunks.empty() && !chunks.front().failed) {
      // The first group's images may lie on several ranks: gather the first chunk's (every rank
      // joins, whatever its hooks), then rank 0 writes the inspector's data.
      auto firstImages = chunks.front().images;
      if (dist) {
        auto sizes = firstImages.sizes().vec();
        sizes[0] = c.rolloutBatch;
        auto whole = at::zeros(sizes, firstImages.options());
        whole.narrow(0, chunks.front().offset, chunks.front().size).copy_(firstImages);
        firstImages = dist->allGatherSum(whole);
      }
      if (primary && hooks.onGroup) {
        nlohmann::json group = {{"epoch", epoch + 1}, {"prompt", prompts.front().text}, {"samples", nlohmann::json::array()}};
        std::vector<at::Tensor> images;
        for (std::int64_t i = 0; i < c.groupSize && i < c.rolloutBatch; ++i) {
          group["samples"].push_back({{"components", chunks.front().rewards[std::size_t(i)]},
                                      {"total", totals[std::size_t(i)]},
                                      {"advantage", adv.value[std::size_t(i)]},
                                      {"kept", bool(adv.keep[std::size_t(i)])},
                                      {"seed", seeds[std::size_t(i)]}});
          images.push_back(firstImages[i]);
        }
        hooks.onGroup(epoch + 1, group, at::stack(images));
      }
    }
    if (c.klMax > 0 && m["kl"] > c.klMax) {
      // Every rank holds the same reduced KL, so all stop here together. This epoch's update is
      // dropped with the in-memory policy: the latest checkpoint is the last one written, from
      // an epoch at or under the ceiling.
      result.klStopEpoch = epoch + 1;
      result.klStopValue = m["kl"];
      break;
    }
    result.epoch = epoch + 1;
    if ((epoch + 1) % c.checkpointEvery == 0 || epoch + 1 == c.epochs) writeCheckpoint(epoch + 1);
  }
  if (result.klStopEpoch > 0) result.epoch = checkpointEpoch;
  if (result.cancelled && result.epoch > result.resumedFrom &&
      (result.checkpoint.empty() || result.checkpoint.filename() != checkpointName(result.epoch)))
    writeCheckpoint(result.epoch);
  result.seconds = seconds(runStart, Clock::now());
  result.samplesPerSecond = result.seconds > 0 ? double(done) / result.seconds : 0.0;
  g.dit->eval();
  return result;
}

}  // namespace psr::train
