#pragma once
// An external semantic-alignment judge for `psr bench run --judge NAME` (docs/benchmark.md): a
// plugin registers one as `registry->add<psr::bench::SemanticJudge>(name, factory)` (the openai
// plugin wraps its VLM judge). Header-only and free of LibTorch, HTTP and the world, so a plugin
// can implement it by linking psr_core alone.
#include <cstdint>
#include <string>
#include <vector>

#include "common/cancel.h"

namespace psr::bench {

/// One verdict on 0-1. An answer without a readable score is not an error: it scores what the
/// public rule gives it (0.5 for PSRBench's "5") with parsed = false, so the run flags and counts it.
struct SemanticJudgment {
  double score = 0.5;
  bool parsed = false;
  std::string answer;  ///< the judge's raw answer, kept for flagged samples
};

/// Implementations must be callable from the runner's thread while another thread cancels.
class SemanticJudge {
 public:
  virtual ~SemanticJudge() = default;

  /// What produces the scores, e.g. "openai:qwen2.5-vl". The runner stores it with every run
  /// and refuses to continue a label with another judge, so one label never mixes scorers.
  virtual std::string name() const = 0;

  /// Judges `png` (the stored output image, PNG-encoded) against `instruction` with the rubric
  /// of `subset` ("attribute" ... "four"). Throws psr::Error when no verdict came back
  /// (timeout, server error after retries, refused connection): the runner leaves that
  /// sample's semantic value missing for a re-run. ErrorCode::Cancelled soon after `cancel` fires.
  virtual SemanticJudgment judge(const std::string& subset, const std::string& instruction,
                                 const std::vector<std::uint8_t>& png, const CancellationToken& cancel) = 0;
};

}  // namespace psr::bench
