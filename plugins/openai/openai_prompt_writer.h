#pragma once
// The paper's stage-1 LLM role over a chat model: categories and task → the group's
// text-to-image prompt and one scene prompt per subject.
#include <memory>
#include <string>

#include "openai/chat_client.h"
#include "pipeline/providers.h"

namespace psr::openai {

/// Asks for {"t2i_prompt": "...", "subject_prompts": ["...", ...]} and reads it from the answer
/// (bare, fenced or inside prose). Writes text only: the prompts carry no scene graph. Safe to
/// share between threads when the client is (OpenAiClient is).
class OpenAiPromptWriter final : public pipeline::PromptWriter {
 public:
  /// `model` names the provider in the samples' provenance: "openai:<model>".
  OpenAiPromptWriter(std::shared_ptr<ChatClient> client, std::string model);
  std::string name() const override { return "openai:" + model_; }
  /// Throws psr::Error(Corrupt) for an answer without the JSON object, a missing or empty field
  /// or a subject prompt count other than the plan's category count; client errors pass through.
  pipeline::GroupPrompts write(const pipeline::GroupPlan& plan, const pipeline::StageContext& ctx) override;

 private:
  std::shared_ptr<ChatClient> client_;
  std::string model_;
};

}  // namespace psr::openai
