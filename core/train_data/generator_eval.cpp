#include "train_data/generator_eval.h"

#include <algorithm>
#include <map>
#include <numeric>

#include <ATen/ATen.h>

#include "model/generation.h"
#include "perceive_data/copy_leakage.h"
#include "perceive/semantic_scorer.h"
#include "perceive_data/image_tensor.h"
#include "perceive_data/world_vocabulary.h"
#include "train_data/patch_roughness.h"
#include "train_data/reference_crop.h"
#include "world/prompts.h"
#include "world/renderer.h"
#include "world/rng.h"
#include "world/scene_sampler.h"

namespace psr::train_data {

using nlohmann::json;

namespace {

double mean(const std::vector<double>& v) {
  return v.empty() ? 0.0 : std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
}

at::Tensor toModel(const world::Image& image) {
  return perceive_data::imageToTensor(image).to(at::kFloat).div(127.5).sub(1.0);
}

at::Tensor toUnit(const at::Tensor& modelRange) { return modelRange.add(1.0).div(2.0).clamp(0, 1); }

/// Bootstrap interval of (mean(m) − mean(b)) / (mean(o) − mean(b)) over paired samples.
json normalisedInterval(const std::vector<double>& m, const std::vector<double>& b, const std::vector<double>& o,
                        int rounds, std::uint64_t seed) {
  auto ratio = [](double mm, double bb, double oo) { return std::abs(oo - bb) < 1e-9 ? 0.0 : (mm - bb) / (oo - bb); };
  const double point = ratio(mean(m), mean(b), mean(o));
  world::Rng rng(seed);
  std::vector<double> stats;
  const auto n = m.size();
  for (int r = 0; r < rounds && n > 0; ++r) {
    double sm = 0, sb = 0, so = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const auto k = rng.below(n);
      sm += m[k];
      sb += b[k];
      so += o[k];
    }
    stats.push_back(ratio(sm / double(n), sb / double(n), so / double(n)));
  }
  std::sort(stats.begin(), stats.end());
  const auto at = [&](double q) { return stats.empty() ? point : stats[std::size_t(q * double(stats.size() - 1))]; };
  return {{"mean", point}, {"lo", at(0.025)}, {"hi", at(0.975)}, {"n", n}};
}

}  // namespace

json meanWithInterval(const std::vector<double>& values, int rounds, std::uint64_t seed) {
  world::Rng rng(seed);
  std::vector<double> means;
  for (int r = 0; r < rounds && !values.empty(); ++r) {
    double s = 0;
    for (std::size_t i = 0; i < values.size(); ++i) s += values[rng.below(values.size())];
    means.push_back(s / double(values.size()));
  }
  std::sort(means.begin(), means.end());
  const double m = mean(values);
  const auto at = [&](double q) { return means.empty() ? m : means[std::size_t(q * double(means.size() - 1))]; };
  return {{"mean", m}, {"lo", at(0.025)}, {"hi", at(0.975)}, {"n", values.size()}};
}

json evaluateGenerator(model::Generator& generator, const world::WorldCatalog& catalog,
                       perceive::PerceptionModels& perception, const GeneratorEvalSettings& s) {
  const auto index = perceive_data::worldIndex(catalog);
  world::SceneRenderer renderer(catalog);
  const auto size = generator.config.codec.image_size;
  json out = json::object();
  out["settings"] = {{"samples", s.samples}, {"seed", s.seed}, {"steps", s.steps}, {"guidance", s.guidance},
                     {"split", s.heldout ? "heldout" : "train"}, {"psr_mode", "official"}, {"reference_crop", s.crop == GeneratorEvalSettings::Crop::Whole   ? "whole"
                                         : s.crop == GeneratorEvalSettings::Crop::Truth ? "truth"
                                                                                          : "detector"}};
  const long long total = (long long)s.samples * (long long)s.subjectCounts.size();
  long long done = 0;
  json subsets = json::object();
  for (int count : s.subjectCounts) {
    world::Rng rng(s.seed + std::uint64_t(count) * 1000003ull);
    // Per kind (model, blind, oracle): each sample's PSR, semantic, aesthetic.
    std::map<std::string, std::vector<double>> psr, sem, aes, rough;
    std::vector<double> change;  // mean |model − blind| per sample, in [0, 2] pixel units
    // Copy-paste check over the subjects whose look the instruction changes: 1 = leaked.
    std::map<std::string, std::vector<double>> leaked;
    std::map<std::string, std::vector<double>> cropDistance;
    for (int first = 0; first < s.samples; first += s.batch) {
      s.cancel.throwIfCancelled();
      const int n = std::min(s.batch, s.samples - first);
      std::vector<at::Tensor> oracle;
      std::vector<std::vector<at::Tensor>> refSlots(static_cast<std::size_t>(count));
      std::vector<std::string> prompts;
      std::vector<perceive::RewardRequest> requests;
      std::vector<at::Tensor> refRows;
      std::vector<std::vector<bool>> changed;  // per sample and subject: an action or accessory asked
      for (int i = 0; i < n; ++i) {
        world::SceneRequest req;
        req.subjects = count;
        req.split = s.heldout ? world::Split::Heldout : world::Split::Train;
        auto scene = world::randomScene(catalog, rng, req);
        const auto text = world::instruction(scene, catalog, rng);
        prompts.push_back(text);
        oracle.push_back(toModel(renderer.render(scene, rng.next(), int(size)).image));
        perceive::RewardRequest request;
        for (int k = 0; k < count; ++k) {
          const auto rendered = renderer.render(world::makeReferenceScene(scene, k, catalog, rng), rng.next(), int(size));
          auto ref = toModel(rendered.image);
          auto seen = ref;
          if (s.crop == GeneratorEvalSettings::Crop::Truth && !rendered.subjects.empty())
            seen = cropToSubject(ref, rendered.subjects.front().box);
          else if (s.crop == GeneratorEvalSettings::Crop::Detector)
            seen = cropToDetectedSubjects(*perception.detector, {ref}).front();
          refSlots[std::size_t(k)].push_back(seen);
          request.references.push_back(std::int64_t(refRows.size()));
          refRows.push_back(ref);
          request.categories.push_back(index.categoryOf(catalog, scene.subjects[std::size_t(k)].identity));
        }
        request.requirements = perceive::parseInstruction(text, request.categories, index.vocabulary);
        requests.push_back(request);
        changed.emplace_back();
        for (const auto& sub : scene.subjects) changed.back().push_back(!sub.action.empty() || !sub.accessories.empty());
      }
      model::GenerationRequest gr;
      gr.prompts = prompts;
      for (std::uint64_t i = 0; i < std::uint64_t(n); ++i) gr.seeds.push_back(s.seed + std::uint64_t(first) + i);
      gr.steps = s.steps;
      gr.guidance = s.guidance;
      for (auto& slot : refSlots) gr.references.push_back(at::stack(slot));
      const auto withRefs = model::generateImages(generator, gr);
      gr.references.clear();
      const auto blind = model::generateImages(generator, gr);
      const auto refs = toUnit(at::stack(refRows));
      const std::map<std::string, at::Tensor> images = {
          {"model", withRefs}, {"blind", blind}, {"oracle", at::stack(oracle)}};
      std::map<std::string, std::vector<std::vector<double>>> distances;
      std::map<std::string, std::vector<perceive::RewardResult>> scored;
      for (const auto& [kind, batch] : images) {
        const auto unit = toUnit(batch);
        for (double r : patchRoughness(unit, generator.config.codec.patch)) rough[kind].push_back(r);
        scored[kind] = perceive::computeRewards(perception, unit, refs, requests);
        for (const auto& r : scored[kind]) {
          psr[kind].push_back(r.psr.psr);
          sem[kind].push_back(r.semantic.score);
          aes[kind].push_back(r.aesthetic);
        }
        distances[kind] = perceive_data::referenceCropDistances(unit, refs, scored[kind], requests);
      }
      for (int i = 0; i < n; ++i) {
        for (int k = 0; k < count; ++k) {
          if (!changed[std::size_t(i)][std::size_t(k)]) continue;
          const double yardstick = distances["oracle"][std::size_t(i)][std::size_t(k)];
          for (const char* kind : {"model", "blind"}) {
            const double d = distances[kind][std::size_t(i)][std::size_t(k)];
            leaked[kind].push_back(perceive_data::leaks(d, scored[kind][std::size_t(i)].psr.subjects[std::size_t(k)].found, yardstick) ? 1.0 : 0.0);
            cropDistance[kind].push_back(d);
          }
          cropDistance["oracle"].push_back(yardstick);
        }
      }
      const auto diff = (withRefs - blind).abs().flatten(1).mean(1);
      for (int i = 0; i < n; ++i) change.push_back(diff[i].item<double>());
      done += n;
      if (s.progress) s.progress(done, total);
    }
    json subset = json::object();
    for (const char* kind : {"model", "blind", "oracle"}) {
      subset[kind] = {{"psr", meanWithInterval(psr[kind], s.bootstrap, s.seed + 1)},
                      {"semantic", meanWithInterval(sem[kind], s.bootstrap, s.seed + 2)},
                      {"aesthetic", meanWithInterval(aes[kind], s.bootstrap, s.seed + 3)},
                      {"patch_roughness", meanWithInterval(rough[kind], s.bootstrap, s.seed + 8)}};
    }
    // Grain inside the codec's patches relative to the world's renders (1 = as smooth).
    subset["patch_roughness_ratio"] = mean(rough["oracle"]) > 0 ? mean(rough["model"]) / mean(rough["oracle"]) : 0.0;
    subset["normalized_consistency"] = normalisedInterval(psr["model"], psr["blind"], psr["oracle"], s.bootstrap, s.seed + 4);
    subset["reference_change_mean_abs"] = meanWithInterval(change, s.bootstrap, s.seed + 5);
    json leakage = {{"rule", "changed subject found, crop |gen - ref| < 0.5 x |oracle - ref| (32 px crops)"},
                    {"changed_subjects", cropDistance["oracle"].size()}};
    for (const char* kind : {"model", "blind"}) {
      leakage[kind] = {{"rate", meanWithInterval(leaked[kind], s.bootstrap, s.seed + 6)},
                       {"crop_distance", meanWithInterval(cropDistance[kind], s.bootstrap, s.seed + 7)}};
    }
    leakage["oracle"] = {{"crop_distance", meanWithInterval(cropDistance["oracle"], s.bootstrap, s.seed + 7)}};
    subset["copy_paste_leakage"] = leakage;
    // Every sample's scores: two reports of the same scenes compare pairwise (train_data/eval_compare.h).
    json perSample = json::object();
    for (const auto& [metric, byKind] : {std::pair{"psr", &psr}, {"semantic", &sem}, {"aesthetic", &aes}})
      for (const char* kind : {"model", "blind", "oracle"}) perSample[metric][kind] = (*byKind)[kind];
    subset["per_sample"] = perSample;
    subsets[std::to_string(count) + "_subjects"] = subset;
  }
  out["subsets"] = subsets;
  return out;
}

}  // namespace psr::train_data
