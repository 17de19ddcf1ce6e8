#pragma once
// The built-in providers: the emoji world plays every model of the paper's pipeline, exactly,
// from the ground-truth scenes the stages carry. A learned detector and subject-feature scorer
// replace the ground-truth detector and the histogram scorer in later issues.
#include <memory>

#include "pipeline/providers.h"

namespace psr::world {
struct WorldCatalog;
class SceneRenderer;
}  // namespace psr::world

namespace psr::pipeline {

/// Provider name of every built-in emoji-world provider.
inline constexpr const char* kWorldProviderName = "emoji-world";

/// Prompt writer from the world's grammar: the T2I prompt of the group scene, and per subject a
/// reference scene (the identity alone in a different context) with its scene prompt.
class WorldPromptWriter : public PromptWriter {
 public:
  explicit WorldPromptWriter(const world::WorldCatalog& catalog) : catalog_(catalog) {}
  std::string name() const override { return kWorldProviderName; }
  GroupPrompts write(const GroupPlan& plan, const StageContext& ctx) override;

 private:
  const world::WorldCatalog& catalog_;
};

/// Text-to-image: renders the plan's group scene.
class WorldT2I : public T2IGenerator {
 public:
  explicit WorldT2I(std::shared_ptr<world::SceneRenderer> renderer, int size)
      : renderer_(std::move(renderer)), size_(size) {}
  std::string name() const override { return kWorldProviderName; }
  SceneImage generate(const GroupPlan& plan, const GroupPrompts& prompts, const StageContext& ctx) override;

 private:
  std::shared_ptr<world::SceneRenderer> renderer_;
  int size_;
};

/// Detector from ground truth: the renderer's exact box and mask of every subject of the
/// category, confidence 1.
class GroundTruthDetector : public Detector {
 public:
  explicit GroundTruthDetector(const world::WorldCatalog& catalog) : catalog_(catalog) {}
  std::string name() const override { return "ground-truth"; }
  std::vector<Detection> detect(const SceneImage& image, const std::string& category, const StageContext& ctx) override;

 private:
  const world::WorldCatalog& catalog_;
};

/// Single-subject generator: renders the subject prompt's reference scene (or, when the prompt
/// came without one, the world's reference scene of that subject).
class WorldSingleSubject : public SingleSubjectGenerator {
 public:
  WorldSingleSubject(const world::WorldCatalog& catalog, std::shared_ptr<world::SceneRenderer> renderer, int size)
      : catalog_(catalog), renderer_(std::move(renderer)), size_(size) {}
  std::string name() const override { return kWorldProviderName; }
  SceneImage generate(const SubjectCrop& crop, const StageContext& ctx) override;

 private:
  const world::WorldCatalog& catalog_;
  std::shared_ptr<world::SceneRenderer> renderer_;
  int size_;
};

/// Editor: applies the task's edit to the scene graph (scene_edits.h) and re-renders.
class WorldEditor : public Editor {
 public:
  WorldEditor(const world::WorldCatalog& catalog, std::shared_ptr<world::SceneRenderer> renderer, int size)
      : catalog_(catalog), renderer_(std::move(renderer)), size_(size) {}
  std::string name() const override { return kWorldProviderName; }
  SceneImage edit(const EditRequest& request, const StageContext& ctx) override;

 private:
  const world::WorldCatalog& catalog_;
  std::shared_ptr<world::SceneRenderer> renderer_;
  int size_;
};

/// Captioner: the world grammar's instruction for the edited scene.
class WorldCaptioner : public Captioner {
 public:
  explicit WorldCaptioner(const world::WorldCatalog& catalog) : catalog_(catalog) {}
  std::string name() const override { return kWorldProviderName; }
  std::string caption(const CaptionRequest& request, const StageContext& ctx) override;

 private:
  const world::WorldCatalog& catalog_;
};

/// A complete built-in set rendering at `size` pixels, sharing one renderer (so one thread).
/// The catalog must outlive the set.
ProviderSet worldProviders(const world::WorldCatalog& catalog, int size);

}  // namespace psr::pipeline
