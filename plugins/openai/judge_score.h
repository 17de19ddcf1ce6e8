#pragma once
// PSRBench's VLM-judge answer format, "[Thought]: ... [Score]: x" with x on a 0-10 scale.
#include <string>

namespace psr::openai {

/// A judge's verdict scaled to [0, 1].
struct JudgeScore {
  double score = 0.5;   ///< x / 10 clamped to [0, 1]; 0.5 (the public rule's 5) when unparsed
  bool parsed = false;  ///< false when the answer held no readable score
  std::string thought;  ///< the judge's reasoning, trimmed
};

/// Reads the last "[Score]: x" in `text`, tolerating case, spacing, missing brackets, markdown
/// emphasis, a full-width colon, decimals and an "x/N" fraction (scaled by N instead of 10).
JudgeScore parseJudgeScore(const std::string& text);

}  // namespace psr::openai
