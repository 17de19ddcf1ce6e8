#include "train_data/rl_world.h"

#include <ATen/ATen.h>
#include <optional>

#include "perceive/semantic_scorer.h"
#include "perceive_data/image_tensor.h"
#include "perceive_data/world_vocabulary.h"
#include "pipeline/scene_edits.h"
#include "train/step_rng.h"
#include "train_data/reference_crop.h"
#include "world/prompts.h"
#include "world/renderer.h"
#include "world/rng.h"
#include "world/scene_sampler.h"

namespace psr::train_data {

struct WorldPrompts::Impl {
  const world::WorldCatalog& catalog;
  train::ReferenceMix mix;
  std::optional<pipeline::SubsetMix> tasks;
  std::uint64_t seed;
  int size;
  bool crop;
  world::SceneRenderer renderer;
  perceive_data::WorldIndex index;
  Impl(const world::WorldCatalog& c, train::ReferenceMix m, std::uint64_t s, int sz, bool cr)
      : catalog(c), mix(std::move(m)), seed(s), size(sz), crop(cr), renderer(c), index(perceive_data::worldIndex(c)) {}
};

WorldPrompts::WorldPrompts(const world::WorldCatalog& catalog, train::ReferenceMix mix, std::uint64_t seed, int size,
                           bool cropReferences)
    : impl_(std::make_unique<Impl>(catalog, std::move(mix), seed, size, cropReferences)) {}
WorldPrompts::~WorldPrompts() = default;

void WorldPrompts::drawTasks(pipeline::SubsetMix tasks) {
  for (const auto& [subset, weight] : tasks.weights)
    if (weight > 0) pipeline::checkCatalogServes(subset, world::Split::Train, impl_->catalog);
  impl_->tasks = std::move(tasks);
}

std::vector<train::RlPrompt> WorldPrompts::prompts(std::int64_t epoch, std::int64_t count) {
  train::StepRng stepRng(impl_->seed, std::uint64_t(epoch), 11);
  // One draw per epoch either way: every prompt of an epoch has the same number of references.
  const double u = stepRng.uniform();
  const bool planned = impl_->tasks.has_value();
  const pipeline::Subset task = planned ? impl_->tasks->pick(u) : pipeline::Subset::Attribute;
  const int subjects = planned ? pipeline::subsetSubjects(task) : impl_->mix.pick(u, {1, 2, 3, 4});
  std::vector<train::RlPrompt> out;
  for (std::int64_t p = 0; p < count; ++p) {
    world::Rng rng(stepRng.next());
    world::Scene scene;
    if (planned) {  // RL never sees held-out identities
      scene = pipeline::applyEdit(pipeline::planGroupScene(task, world::Split::Train, impl_->catalog, rng), task,
                                  impl_->catalog, rng);
    } else {
      world::SceneRequest req;
      req.subjects = subjects;
      req.split = world::Split::Train;
      scene = world::randomScene(impl_->catalog, rng, req);
    }
    train::RlPrompt prompt;
    prompt.text = world::instruction(scene, impl_->catalog, rng);
    std::vector<std::int64_t> categories;
    for (int k = 0; k < int(scene.subjects.size()); ++k) {
      const auto ref = impl_->renderer.render(world::makeReferenceScene(scene, k, impl_->catalog, rng), rng.next(), impl_->size);
      prompt.references.push_back(perceive_data::imageToTensor(ref.image).to(at::kFloat).div(127.5).sub(1.0));
      if (impl_->crop)
        prompt.modelReferences.push_back(ref.subjects.empty() ? prompt.references.back()
                                                              : cropToSubject(prompt.references.back(), ref.subjects.front().box));
      categories.push_back(impl_->index.categoryOf(impl_->catalog, scene.subjects[std::size_t(k)].identity));
    }
    prompt.meta = {{"categories", categories}, {"instruction", prompt.text}};
    if (planned) prompt.meta["task"] = pipeline::subsetName(task);
    out.push_back(std::move(prompt));
  }
  return out;
}

nlohmann::json WorldPrompts::describe() const {
  nlohmann::json j = {{"kind", "world"}, {"split", "train"}, {"seed", impl_->seed}, {"reference_crop", impl_->crop}};
  if (impl_->tasks)
    j["tasks"] = impl_->tasks->toJson();
  else
    j["subjects"] = impl_->mix.toJson();
  return j;
}

std::vector<train::RewardComponents> PerceptionReward::score(const at::Tensor& images,
                                                             const std::vector<const train::RlPrompt*>& prompts) {
  std::vector<perceive::RewardRequest> requests;
  std::vector<at::Tensor> refRows;
  for (const auto* p : prompts) {
    perceive::RewardRequest r;
    r.categories = p->meta.at("categories").get<std::vector<std::int64_t>>();
    for (const auto& ref : p->references) {
      r.references.push_back(std::int64_t(refRows.size()));
      refRows.push_back(ref);
    }
    r.requirements = perceive::parseInstruction(p->meta.at("instruction").get<std::string>(), r.categories, models_.vocabulary);
    requests.push_back(std::move(r));
  }
  auto unit = [](const at::Tensor& t) { return t.add(1.0).div(2.0).clamp(0, 1); };
  const auto results = perceive::computeRewards(models_, unit(images), unit(at::stack(refRows)), requests);
  std::vector<train::RewardComponents> out;
  for (const auto& r : results) out.push_back({{"psr", r.psr.psr}, {"semantic", r.semantic.score}, {"aesthetic", r.aesthetic}});
  return out;
}

}  // namespace psr::train_data
