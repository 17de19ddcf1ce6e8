#include "openai/openai_semantic_judge.h"

#include <utility>

namespace psr::openai {

OpenAiSemanticJudge::OpenAiSemanticJudge(std::shared_ptr<ChatClient> client, std::string model)
    : judge_(std::move(client)), model_(std::move(model)) {}

bench::SemanticJudgment OpenAiSemanticJudge::judge(const std::string& subset, const std::string& instruction,
                                                   const std::vector<std::uint8_t>& png,
                                                   const CancellationToken& cancel) {
  const auto verdict = judge_.judge({subset, instruction, png}, cancel);
  return {verdict.score.score, verdict.score.parsed, verdict.answer};
}

}  // namespace psr::openai
