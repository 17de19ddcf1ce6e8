#pragma once
// `psr bench report`: what the stored benchmark values say. Per model, subset and metric the mean
// with a bootstrap 95 % interval over samples and seed replicates; the overall mean (every subset
// weighs the same); differences between models with "within noise" where the intervals overlap,
// and paired differences over the samples (and seeds) both models scored;
// the worst samples per subset; and a self-contained HTML page (inline SVG radar charts, images as
// base64 PNG data URLs). Also the grouped query behind the Bench panel.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace psr::store {
class Database;
class Workspace;
}  // namespace psr::store

namespace psr::bench {

struct ReportOptions {
  std::string suite = "builtin";
  std::vector<std::string> models;  ///< labels; empty = every label run on the suite (first run first)
  /// More suites pooled with `suite`: each model's values of every suite together, paired over
  /// (suite, item), for power no single suite has. Every model must have run on every suite with
  /// the same seed replicates; without `models`, the labels run on all of them.
  std::vector<std::string> pool;
  int bootstrap = 1000;
  std::uint64_t seed = 20260;       ///< of the bootstrap
  int worst = 3;                    ///< worst samples per model and subset
};

/// The report as JSON: {"suite", "models", "subsets", "metrics", "results": {label: {"seeds",
/// "samples", "failed", "cost", "semantic_scorer" ("builtin" or "judge:<name>"), "semantic_unparsed"
/// (judge answers without a score, stored as 0.5), "subsets": {subset: {metric: {mean, lo, hi, samples, values}}},
/// "overall": {metric: ...}}}, "differences": [{a, b, subset, metric, diff, within_noise, paired:
/// {mean, lo, hi, samples, values, seeds}, paired_significant, paired_by_category: {mean, lo, hi, se, df,
/// robust, se_independent, se_robust, df_robust, items, categories} (or {mean, items, categories,
/// reason} when not estimable), paired_by_category_significant}] (paired: a - b per sample, and per
/// common seed when the runs share seeds, bootstrapped like the means; significant = excludes 0;
/// paired_by_category: the same items' 95 % interval that lets items sharing a subject category be
/// correlated, cluster_intervals.h - wider wherever subjects carry an effect),
/// "worst": {label: {subset: [{sample_id, instruction, psr, semantic, aesthetic, score,
/// image_blob, reference_blobs}]}}, "errors": {label: [{seed, sample_id, subset, error}]}}.
/// Pooled (`pool` not empty): "suite" is the suites' names joined by " + ", "pooled_suites" lists
/// them, and worst samples and errors say their "suite".
/// Throws NotFound when the suite has no runs of the requested models.
nlohmann::json benchReport(store::Workspace& workspace, const ReportOptions& options);

/// The report as one self-contained HTML page (no external resource): tables, a radar chart per
/// metric as inline SVG, the worst samples with their references and outputs embedded.
std::string benchReportHtml(store::Workspace& workspace, const nlohmann::json& report);

/// One radar chart (inline SVG): one axis per subset, one polygon per model, values in [0, 1].
std::string radarSvg(const std::string& title, const std::vector<std::string>& axes,
                     const std::vector<std::pair<std::string, std::vector<double>>>& series);

/// Standard padded base64 (for data URLs).
std::string base64(std::string_view bytes);

/// One cell of the Bench panel's grid: mean of a metric on a subset for a model (all seeds).
struct CellMean {
  std::string label, subset, metric;
  double mean = 0;
  long long values = 0;
};

/// Per label x subset x metric means of the given labels (all when empty) on a suite: the query
/// behind the Bench panel, read from the trigger-maintained sums in bench_cells (schema v5).
std::vector<CellMean> panelMeans(store::Database& db, const std::string& suite, const std::vector<std::string>& labels);

}  // namespace psr::bench
