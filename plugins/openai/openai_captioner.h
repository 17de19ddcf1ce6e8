#pragma once
// The paper's stage-2 MLLM role over a chat model: (before, after) images, task and categories
// → the sample's instruction, which names the categories and never describes looks.
#include <memory>
#include <string>
#include <vector>

#include "openai/chat_client.h"
#include "pipeline/providers.h"

namespace psr::openai {

/// Sends both images as PNG data URLs and takes the answer, stripped of surrounding whitespace
/// and quotes, as the instruction. Safe to share between threads when the client is.
class OpenAiCaptioner final : public pipeline::Captioner {
 public:
  /// `model` names the provider in the samples' provenance: "openai:<model>".
  OpenAiCaptioner(std::shared_ptr<ChatClient> client, std::string model);
  std::string name() const override { return "openai:" + model_; }
  /// Throws psr::Error(InvalidArgument) for a request without both images, psr::Error(Corrupt)
  /// for an empty answer or one that leaves out a category; client errors pass through.
  std::string caption(const pipeline::CaptionRequest& request, const pipeline::StageContext& ctx) override;

 private:
  std::shared_ptr<ChatClient> client_;
  std::string model_;
};

/// `answer` without surrounding whitespace and matching quotes (", ', `, “ ”, ‘ ’), repeatedly.
std::string strippedAnswer(std::string answer);

/// The categories `text` does not name: case-insensitive whole words, plurals ("crabs",
/// "boxes") included.
std::vector<std::string> missingCategories(const std::string& text, const std::vector<std::string>& categories);

}  // namespace psr::openai
