#pragma once
// The VLM judge as the benchmark's semantic scorer (`psr bench run --judge openai`): adapts
// VlmJudge to core's bench::SemanticJudge so the runner needs no HTTP or plugin code.
#include <memory>
#include <string>

#include "bench/semantic_judge.h"
#include "openai/judge_rubric.h"

namespace psr::openai {

/// Thread-safe when the client is.
class OpenAiSemanticJudge final : public bench::SemanticJudge {
 public:
  /// `model` names the judge in stored runs: "openai:<model>".
  OpenAiSemanticJudge(std::shared_ptr<ChatClient> client, std::string model);
  std::string name() const override { return "openai:" + model_; }
  bench::SemanticJudgment judge(const std::string& subset, const std::string& instruction,
                                const std::vector<std::uint8_t>& png, const CancellationToken& cancel) override;

 private:
  VlmJudge judge_;
  std::string model_;
};

}  // namespace psr::openai
