#pragma once
// Pairs a prompt writer that writes only text (an LLM) with one that knows the ground truth (the
// emoji world's), so the world's renderer-backed providers downstream keep their scenes.
#include <memory>

#include "pipeline/providers.h"

namespace psr::pipeline {

/// The T2I prompt and subject prompts of `text`, each subject prompt carrying the scene that
/// `scenes` planned for it. Both are asked with the same context, so the scenes are those of a
/// run with `scenes` alone. Named after `text`: the samples' provenance says who wrote the prompts.
class GroundedPromptWriter final : public PromptWriter {
 public:
  GroundedPromptWriter(std::shared_ptr<PromptWriter> text, std::shared_ptr<PromptWriter> scenes)
      : text_(std::move(text)), scenes_(std::move(scenes)) {}
  std::string name() const override { return text_->name(); }
  /// Throws psr::Error(Corrupt) when the two disagree on the number of subject prompts.
  GroupPrompts write(const GroupPlan& plan, const StageContext& ctx) override;

 private:
  std::shared_ptr<PromptWriter> text_;
  std::shared_ptr<PromptWriter> scenes_;
};

}  // namespace psr::pipeline
