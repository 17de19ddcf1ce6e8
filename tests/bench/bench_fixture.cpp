#include "bench_fixture.h"

#include <ATen/ATen.h>

#include "perceive/checkpoint_io.h"
#include "perceive_data/world_vocabulary.h"
#include "pipeline_fixture.h"

using namespace psr;

BenchWorld makeBenchWorld(const std::filesystem::path& dir) {
  BenchWorld w;
  w.ws = makePipelineWorkspace(dir);
  w.catalog = std::make_unique<world::WorldCatalog>(world::WorldCatalog::load(*w.ws));
  w.perception = std::make_unique<perceive::PerceptionModels>(tinyPerception(*w.catalog));
  return w;
}

perceive::PerceptionModels tinyPerception(const world::WorldCatalog& catalog) {
  at::manual_seed(3);
  const auto index = perceive_data::worldIndex(catalog);
  perceive::PerceptionModels m;
  m.vocabulary = index.vocabulary;
  m.detector = perceive::GroundingDetector(perceive::GroundingDetectorOptions()
                                               .width(8)
                                               .classifier_width(8)
                                               .categories(std::int64_t(m.vocabulary.categories.size()))
                                               .accessories(std::int64_t(m.vocabulary.accessories.size()))
                                               .actions(std::int64_t(m.vocabulary.actions.size()))
                                               .backgrounds(std::int64_t(m.vocabulary.backgrounds.size())));
  m.features = perceive::SubjectFeatures(perceive::SubjectFeaturesOptions().width(8).dim(16));
  m.aesthetic = perceive::Aesthetic(perceive::AestheticOptions().width(8));
  m.detector->eval();
  m.features->eval();
  m.aesthetic->eval();
  return m;
}

void saveTinyPerception(const perceive::PerceptionModels& m, const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  // Full precision: the CLI must score exactly what the in-process models score.
  perceive::saveCheckpoint(dir / "detector.safetensors", *m.detector,
                           {"detector", m.detector->options.toJson(), {{"vocabulary", m.vocabulary.toJson()}}}, false);
  perceive::saveCheckpoint(dir / "features.safetensors", *m.features,
                           {"features", m.features->options.toJson(), nlohmann::json::object()}, false);
  perceive::saveCheckpoint(dir / "aesthetic.safetensors", *m.aesthetic,
                           {"aesthetic", m.aesthetic->options.toJson(), nlohmann::json::object()}, false);
}
