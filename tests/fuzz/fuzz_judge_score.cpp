// The VLM judge's "[Thought]: ... [Score]: x" answers.
#include <cmath>

#include "fuzz_common.h"
#include "openai/judge_score.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(fuzzText(data, size));
  const auto score = psr::openai::parseJudgeScore(text);
  PSR_FUZZ_CHECK(std::isfinite(score.score) && score.score >= 0.0 && score.score <= 1.0);
  PSR_FUZZ_CHECK(score.parsed || score.score == 0.5);
  PSR_FUZZ_CHECK(score.thought.size() <= text.size());
  PSR_FUZZ_CHECK(text.find(score.thought) != std::string::npos);
  return 0;
}
