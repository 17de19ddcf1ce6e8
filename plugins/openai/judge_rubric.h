#pragma once
// PSRBench's semantic-alignment judge over any ChatClient: a per-subset rubric, the generated
// image as a data URL, and "[Thought]: ... [Score]: x" answers scaled to 0-1. The public rule
// scores an unparseable answer 5 (0.5 here); the judge does the same but flags and counts it.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/cancel.h"
#include "openai/chat_client.h"
#include "openai/judge_score.h"

namespace psr::openai {

/// The rubric for a PSRBench subset ("attribute", "action", "background", "position",
/// "complex", "three", "four"; any case). Throws psr::Error(InvalidArgument) for another name.
std::string judgeRubric(const std::string& subset);

/// One image to judge.
struct JudgeRequest {
  std::string subset;
  std::string instruction;
  std::vector<std::uint8_t> png;  ///< the generated image, PNG-encoded
};

/// The verdict: the parsed score (0.5 and parsed == false when unreadable) and the raw answer.
struct JudgeVerdict {
  JudgeScore score;
  std::string answer;
};

/// Thread-safe when the client is. Give it a client configured with temperature 0.2
/// (OpenAiConfig's default), as the public PSRBench scripts use.
class VlmJudge {
 public:
  explicit VlmJudge(std::shared_ptr<ChatClient> client);

  /// Asks the model; transport errors propagate as psr::Error from the client.
  JudgeVerdict judge(const JudgeRequest& request, const CancellationToken& cancel);

  /// Answers that held no readable score so far.
  std::uint64_t unparsedCount() const { return unparsed_.load(); }

 private:
  std::shared_ptr<ChatClient> client_;
  std::atomic<std::uint64_t> unparsed_{0};
};

}  // namespace psr::openai
