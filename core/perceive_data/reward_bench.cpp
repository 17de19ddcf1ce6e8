#include "perceive_data/reward_bench.h"

#include <chrono>

#include <ATen/Parallel.h>
#include <nlohmann/json.hpp>

#include "perceive/image_ops.h"
#include "perceive_data/world_batches.h"
#include "world/prompts.h"
#include "world/scene_sampler.h"

namespace psr::perceive_data {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

/// Single-precision matmul throughput of this process's thread pool, in GFLOP/s (best of 5).
double matmulPeakGflops() {
  const std::int64_t n = 1024;
  const auto a = at::randn({n, n}), b = at::randn({n, n});
  auto c = at::matmul(a, b);
  double best = 0;
  for (int rep = 0; rep < 5; ++rep) {
    const auto start = Clock::now();
    int iters = 0;
    while (secondsSince(start) < 0.4) {
      c = at::matmul(a, b);
      ++iters;
    }
    best = std::max(best, 2.0 * double(n * n * n) * iters / secondsSince(start) / 1e9);
  }
  return best;
}

}  // namespace

nlohmann::json benchmarkReward(perceive::PerceptionModels& m, const world::WorldCatalog& catalog, const BenchSettings& s) {
  WorldBatchMaker maker(catalog, world::Split::Heldout, s.seed, 64);
  auto& rng = maker.rng();
  std::vector<world::Image> images, refs;
  std::vector<perceive::RewardRequest> requests;
  for (int b = 0; b < s.batch; ++b) {
    const auto scene = world::randomScene(catalog, rng, {2, world::Split::Heldout, 0.3, 0.3, true});
    perceive::RewardRequest r;
    for (int i = 0; i < 2; ++i) {
      r.categories.push_back(maker.index().categoryOf(catalog, scene.subjects[std::size_t(i)].identity));
      r.references.push_back(std::int64_t(refs.size()));
      refs.push_back(maker.renderer().render(world::makeReferenceScene(scene, i, catalog, rng), rng.next(), 64).image);
    }
    r.requirements = perceive::parseInstruction(world::instruction(scene, catalog, rng), r.categories, m.vocabulary);
    requests.push_back(r);
    images.push_back(maker.renderer().render(scene, rng.next(), 64).image);
  }
  const auto generated = stackImages(images), references = stackImages(refs);
  m.detector->resetWork();
  perceive::computeRewards(m, generated, references, requests);  // warm-up: allocator, caches
  const auto start = Clock::now();
  for (int i = 0; i < s.iterations; ++i) perceive::computeRewards(m, generated, references, requests);
  const double seconds = secondsSince(start);
  const double imagesPerSecond = double(s.batch) * s.iterations / seconds;
  // Per generated image: the locator on it and on its two references, the crop classifier on
  // every centre it classifies and the action reader on the kept ones (both counted by the
  // detector over the timed calls), four subject crops for PSR, one aesthetic pass.
  // Multiply-adds count as two FLOPs.
  const auto work = m.detector->work();
  const double calls = double(s.batch) * (s.iterations + 1);  // the warm-up call counts too
  const double classifiedCrops = double(work.classified) / calls, actionCrops = double(work.actionsRead) / calls;
  const auto& classifier = *m.detector->classifier();
  const double flops = 2.0 * (3.0 * m.detector->macsPerImage() +
                              classifiedCrops * (classifier.macsPerCrop() - classifier.actionReaderMacsPerCrop()) +
                              actionCrops * classifier.actionReaderMacsPerCrop() + 4.0 * m.features->macsPerCrop() +
                              m.aesthetic->macsPerImage());
  const double peak = matmulPeakGflops();
  const double achieved = flops * imagesPerSecond / 1e9;
  return {{"batch", s.batch},
          {"iterations", s.iterations},
          {"threads", at::get_num_threads()},
          {"images_per_s", imagesPerSecond},
          {"target_images_per_s", 100},
          {"flops_per_image", flops},
          {"classified_crops_per_image", classifiedCrops},
          {"action_crops_per_image", actionCrops},
          {"achieved_gflops", achieved},
          {"matmul_peak_gflops", peak},
          {"fraction_of_peak", peak > 0 ? achieved / peak : 0.0}};
}

}  // namespace psr::perceive_data
