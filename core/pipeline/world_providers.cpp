#include "pipeline/world_providers.h"

#include "common/error.h"
#include "pipeline/consistency.h"
#include "pipeline/scene_edits.h"
#include "world/catalog.h"
#include "world/prompts.h"
#include "world/renderer.h"
#include "world/scene_sampler.h"

namespace psr::pipeline {
namespace {

const world::Scene& requireScene(const std::optional<world::Scene>& scene, const char* what) {
  if (!scene) {
    throw Error(std::string("the emoji-world ") + what +
                    " needs the ground-truth scene; pair it with emoji-world providers upstream",
                ErrorCode::InvalidArgument);
  }
  return *scene;
}

SceneImage rendered(world::SceneRenderer& renderer, world::Scene scene, std::uint64_t seed, int size) {
  world::Rendering r = renderer.render(scene, seed, size);
  return {std::move(r.image), std::move(scene), std::move(r.subjects)};
}

}  // namespace

GroupPrompts WorldPromptWriter::write(const GroupPlan& plan, const StageContext& ctx) {
  const world::Scene& group = requireScene(plan.scene, "prompt writer");
  world::Rng rng(ctx.seed);
  GroupPrompts out;
  out.t2iPrompt = world::t2iPrompt(group, catalog_, rng);
  for (std::size_t i = 0; i < group.subjects.size(); ++i) {
    world::Scene reference = world::makeReferenceScene(group, int(i), catalog_, rng);
    SubjectPrompt p;
    p.category = plan.categories.at(i);
    p.prompt = world::subjectScenePrompt(reference, catalog_, rng);
    p.scene = std::move(reference);
    out.subjects.push_back(std::move(p));
  }
  return out;
}

SceneImage WorldT2I::generate(const GroupPlan& plan, const GroupPrompts&, const StageContext& ctx) {
  return rendered(*renderer_, requireScene(plan.scene, "text-to-image generator"), ctx.seed, size_);
}

std::vector<Detection> GroundTruthDetector::detect(const SceneImage& image, const std::string& category,
                                                   const StageContext&) {
  const world::Scene& scene = requireScene(image.scene, "ground-truth detector");
  std::vector<Detection> out;
  for (std::size_t i = 0; i < scene.subjects.size() && i < image.truth.size(); ++i) {
    const world::Identity* id = catalog_.findIdentity(scene.subjects[i].identity);
    if (!id || catalog_.categoryOf(*id).noun != category || image.truth[i].box.empty()) continue;
    out.push_back({image.truth[i].box, 1.0, image.truth[i].mask});
  }
  return out;
}

SceneImage WorldSingleSubject::generate(const SubjectCrop& crop, const StageContext& ctx) {
  world::Rng rng(ctx.seed);
  world::Scene scene =
      crop.prompt.scene
          ? *crop.prompt.scene
          : world::makeReferenceScene(requireScene(crop.group, "single-subject generator"), crop.index, catalog_, rng);
  return rendered(*renderer_, std::move(scene), rng.next(), size_);
}

SceneImage WorldEditor::edit(const EditRequest& request, const StageContext& ctx) {
  world::Rng rng(ctx.seed);
  world::Scene edited = applyEdit(requireScene(request.source.scene, "editor"), request.task, catalog_, rng);
  return rendered(*renderer_, std::move(edited), rng.next(), size_);
}

std::string WorldCaptioner::caption(const CaptionRequest& request, const StageContext& ctx) {
  world::Rng rng(ctx.seed);
  return world::instruction(requireScene(request.after->scene, "captioner"), catalog_, rng);
}

ProviderSet worldProviders(const world::WorldCatalog& catalog, int size) {
  auto renderer = std::make_shared<world::SceneRenderer>(catalog);
  ProviderSet set;
  set.promptWriter = std::make_shared<WorldPromptWriter>(catalog);
  set.t2i = std::make_shared<WorldT2I>(renderer, size);
  set.detector = std::make_shared<GroundTruthDetector>(catalog);
  set.singleSubject = std::make_shared<WorldSingleSubject>(catalog, renderer, size);
  set.editor = std::make_shared<WorldEditor>(catalog, renderer, size);
  set.captioner = std::make_shared<WorldCaptioner>(catalog);
  set.scorer = std::make_shared<HistogramConsistencyScorer>();
  return set;
}

}  // namespace psr::pipeline
