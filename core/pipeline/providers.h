#pragma once
// One abstract class per role of the paper's data pipeline. The built-in emoji-world providers
// (world_providers.h) implement all of them; plugins register others through
// plugin::Registry::add<PromptWriter>(...) and friends. A provider object is used by one thread
// at a time: the runner asks a ProviderFactory for one set per worker thread.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "pipeline/stages.h"

namespace psr::pipeline {

/// Common base: every provider names itself for the samples' provenance.
class Provider {
 public:
  virtual ~Provider() = default;
  /// Stable name recorded per stage in each sample ("emoji-world", "openai:gpt-4o", ...).
  virtual std::string name() const = 0;
};

/// LLM role: categories and task → a T2I prompt for the group and one scene prompt per subject.
class PromptWriter : public Provider {
 public:
  virtual GroupPrompts write(const GroupPlan& plan, const StageContext& ctx) = 0;
};

/// Text-to-image role: the group prompt (and, in the emoji world, the scene) → the multi-subject image.
class T2IGenerator : public Provider {
 public:
  virtual SceneImage generate(const GroupPlan& plan, const GroupPrompts& prompts, const StageContext& ctx) = 0;
};

/// Open-vocabulary detector role: image + category phrase → boxes, best first.
class Detector : public Provider {
 public:
  virtual std::vector<Detection> detect(const SceneImage& image, const std::string& category,
                                        const StageContext& ctx) = 0;
};

/// Single-subject personalisation role: a subject crop + its scene prompt → the subject alone in
/// that new scene. The result becomes the sample's reference image.
class SingleSubjectGenerator : public Provider {
 public:
  virtual SceneImage generate(const SubjectCrop& crop, const StageContext& ctx) = 0;
};

/// Image-editing role (stage 2 "re-editing"): applies the task type to the stage-1 image.
class Editor : public Provider {
 public:
  virtual SceneImage edit(const EditRequest& request, const StageContext& ctx) = 0;
};

/// Multimodal LLM role: before/after images + task + categories → the sample's instruction.
class Captioner : public Provider {
 public:
  virtual std::string caption(const CaptionRequest& request, const StageContext& ctx) = 0;
};

/// Subject consistency between a reference crop and a target crop, 0 (different) to 1 (same).
class ConsistencyScorer : public Provider {
 public:
  virtual double score(const MaskedCrop& reference, const MaskedCrop& target) = 0;
};

/// One provider per role, used by one worker thread.
struct ProviderSet {
  std::shared_ptr<PromptWriter> promptWriter;
  std::shared_ptr<T2IGenerator> t2i;
  std::shared_ptr<Detector> detector;
  std::shared_ptr<SingleSubjectGenerator> singleSubject;
  std::shared_ptr<Editor> editor;
  std::shared_ptr<Captioner> captioner;
  std::shared_ptr<ConsistencyScorer> scorer;

  /// Throws InvalidArgument naming the first missing role.
  void requireComplete() const;
};

/// Makes a fresh provider set; called once per worker thread.
using ProviderFactory = std::function<ProviderSet()>;

}  // namespace psr::pipeline
