#include "bench/bench_judge.h"

#include <algorithm>
#include <exception>

#include "bench/bench_suite.h"
#include "store/workspace.h"

namespace psr::bench {

using nlohmann::json;

namespace {

/// Flagged answers are kept for a person to read; a runaway answer is cut here.
constexpr std::size_t kMaxStoredAnswer = 2000;

json readConfig(store::Database& db, std::int64_t runId) {
  auto q = db.prepare("SELECT config FROM bench_runs WHERE id = ?");
  q.bind(1, runId);
  if (!q.step()) return json::object();
  auto config = json::parse(q.columnText(0), nullptr, false);
  return config.is_object() ? config : json::object();
}

}  // namespace

std::string semanticScorer(const SemanticJudge* judge) { return judge ? "judge:" + judge->name() : "builtin"; }

std::string storedSemanticScorer(const json& config) {
  const auto it = config.find(kScorerKey);
  return it != config.end() && it->is_string() ? it->get<std::string>() : std::string("builtin");
}

JudgeOutcome judgeOutput(SemanticJudge& judge, const SuiteItem& item, std::string_view png,
                         const CancellationToken& cancel) {
  JudgeOutcome out;
  if (cancel.isCancelled()) {
    out.error = "semantic judge: cancelled";
    return out;
  }
  try {
    out.judgment = judge.judge(pipeline::subsetName(item.subset), item.instruction,
                               std::vector<std::uint8_t>(png.begin(), png.end()), cancel);
  } catch (const std::exception& e) {
    out.error = std::string("semantic judge: ") + e.what();
  }
  return out;
}

void recordJudgeFlags(store::Database& db, std::int64_t runId,
                      const std::vector<std::pair<std::int64_t, const SemanticJudgment*>>& judged) {
  if (judged.empty()) return;
  json config = readConfig(db, runId);
  json flags = config.value(kUnparsedKey, json::object());
  if (!flags.is_object()) flags = json::object();
  for (const auto& [sample, judgment] : judged) {
    const std::string key = std::to_string(sample);
    if (judgment->parsed) flags.erase(key);
    else flags[key] = judgment->answer.substr(0, kMaxStoredAnswer);
  }
  if (flags.empty()) config.erase(kUnparsedKey);
  else config[kUnparsedKey] = flags;
  // The answer is arbitrary text from a server: replace invalid UTF-8 rather than fail the dump.
  const std::string text = config.dump(-1, ' ', false, json::error_handler_t::replace);
  db.prepare("UPDATE bench_runs SET config = ? WHERE id = ?").bind(1, std::string_view(text)).bind(2, runId).run();
}

std::vector<std::int64_t> unparsedSamples(store::Database& db, std::int64_t runId) {
  std::vector<std::int64_t> out;
  const json flags = readConfig(db, runId).value(kUnparsedKey, json::object());
  if (!flags.is_object()) return out;
  for (const auto& [key, answer] : flags.items()) out.push_back(std::stoll(key));
  std::sort(out.begin(), out.end());
  return out;
}

std::map<std::int64_t, std::string> unjudgedOutputs(store::Database& db, std::int64_t runId) {
  std::map<std::int64_t, std::string> out;
  auto q = db.prepare(
      "SELECT o.sample_id, o.image_blob FROM bench_outputs o WHERE o.run_id = ?1 AND o.image_blob IS NOT NULL "
      "AND (SELECT count(DISTINCT metric) FROM bench_results r WHERE r.run_id = ?1 AND r.sample_id = o.sample_id "
      "     AND r.metric IN ('psr', 'aesthetic')) = 2 "
      "AND NOT EXISTS (SELECT 1 FROM bench_results r WHERE r.run_id = ?1 AND r.sample_id = o.sample_id "
      "                AND r.metric = 'semantic')");
  q.bind(1, runId);
  while (q.step()) out[q.columnInt(0)] = q.columnText(1);
  return out;
}

JudgeOutcome fillSemantic(store::Workspace& ws, std::int64_t runId, const SuiteItem& item,
                          const std::string& imageBlob, SemanticJudge& judge, const CancellationToken& cancel) {
  JudgeOutcome out;
  try {
    const std::string png = ws.blobs().read(imageBlob);
    out = judgeOutput(judge, item, png, cancel);
  } catch (const std::exception& e) {
    out.error = std::string("semantic judge: cannot read the stored output: ") + e.what();
  }
  // A stop is not the sample's failure: leave it as it was for the next run.
  if (!out.error.empty()) cancel.throwIfCancelled();
  auto& db = ws.db();
  store::Transaction tx(db);
  if (out.error.empty()) {
    db.prepare("INSERT INTO bench_results(run_id, subset, sample_id, metric, value) VALUES (?, ?, ?, 'semantic', ?)")
        .bind(1, runId)
        .bind(2, std::string_view(pipeline::subsetName(item.subset)))
        .bind(3, item.id)
        .bind(4, out.judgment.score)
        .run();
    db.prepare("UPDATE bench_outputs SET error = NULL WHERE run_id = ? AND sample_id = ?").bind(1, runId).bind(2, item.id).run();
    recordJudgeFlags(db, runId, {{item.id, &out.judgment}});
  } else {
    db.prepare("UPDATE bench_outputs SET error = ? WHERE run_id = ? AND sample_id = ?")
        .bind(1, std::string_view(out.error))
        .bind(2, runId)
        .bind(3, item.id)
        .run();
  }
  tx.commit();
  return out;
}

}  // namespace psr::bench
