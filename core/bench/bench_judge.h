#pragma once
// The runner's side of an external semantic judge (`psr bench run --judge NAME`): which scorer a
// run's semantic values come from, asking the judge about one stored output, the per-sample flags
// of unparsed answers, and the samples whose semantic value an earlier judge failure left missing.
//
// Where things are kept (no schema change): the scorer and the flags live in the run's JSON
// (bench_runs.config); judge values are stored under the metric "semantic" like the built-in
// scorer's. A label keeps one scorer (the runner refuses to continue it with another), so the
// report's columns never mix built-in and judge values within a label.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/semantic_judge.h"
#include "common/cancel.h"

namespace psr::store {
class Database;
class Workspace;
}  // namespace psr::store

namespace psr::bench {

struct SuiteItem;

/// Run config key naming the semantic scorer: "builtin" or "judge:<judge name>".
inline constexpr const char* kScorerKey = "semantic_scorer";
/// Run config key of the flagged samples: {"<sample id>": the judge's answer}.
inline constexpr const char* kUnparsedKey = "semantic_unparsed";

/// The scorer a run with `judge` (null: the built-in scorer) records.
std::string semanticScorer(const SemanticJudge* judge);
/// The scorer recorded in a run config; runs stored before judges existed used the built-in one.
std::string storedSemanticScorer(const nlohmann::json& config);

/// One judged sample: the verdict, or why there is none.
struct JudgeOutcome {
  SemanticJudgment judgment;
  std::string error;  ///< "" when judged; else "semantic judge: ..." (the value stays missing)
};

/// Asks `judge` about `png` for `item`. Errors (transport, refused image, cancellation) become
/// JudgeOutcome::error, so one sample's failure never stops the run.
JudgeOutcome judgeOutput(SemanticJudge& judge, const SuiteItem& item, std::string_view png,
                         const CancellationToken& cancel);

/// Records the flags of `judged` samples in run `runId`'s config: an unparsed answer is kept,
/// a parsed one clears an older flag. Call inside the transaction that stores their values.
void recordJudgeFlags(store::Database& db, std::int64_t runId,
                      const std::vector<std::pair<std::int64_t, const SemanticJudgment*>>& judged);

/// Sample ids flagged in run `runId` (unparsed answers now stored), ascending.
std::vector<std::int64_t> unparsedSamples(store::Database& db, std::int64_t runId);

/// Samples of run `runId` with an output image, PSR and aesthetic values but no semantic value
/// (the judge failed on them): sample id -> image blob. A re-run only asks the judge about these.
std::map<std::int64_t, std::string> unjudgedOutputs(store::Database& db, std::int64_t runId);

/// Judges one stored output of run `runId` and, in one transaction, stores its semantic value,
/// clears its error and records its flag, or stores the failure as its error. Returns the outcome.
JudgeOutcome fillSemantic(store::Workspace& ws, std::int64_t runId, const SuiteItem& item,
                          const std::string& imageBlob, SemanticJudge& judge, const CancellationToken& cancel);

}  // namespace psr::bench
