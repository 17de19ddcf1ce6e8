#include "bench/bench_report.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <tuple>

#include "bench/bench_grids.h"
#include "bench/bench_judge.h"
#include "bench/bench_runner.h"
#include "bench/bench_stats.h"
#include "bench/bench_suite.h"
#include "common/error.h"
#include "pipeline/subset.h"
#include "store/workspace.h"

namespace psr::bench {

using nlohmann::json;

namespace {

constexpr double kPi = 3.14159265358979323846;

json intervalJson(const Interval& i) {
  return {{"mean", i.mean}, {"lo", i.lo}, {"hi", i.hi}, {"samples", i.samples}, {"values", i.values}};
}

json categoryJson(const ClusterInterval& i) {
  if (!i.valid) return {{"mean", i.mean}, {"items", i.items}, {"categories", i.clusters}, {"reason", i.reason}};
  return {{"mean", i.mean},          {"lo", i.lo},           {"hi", i.hi},
          {"se", i.se},              {"df", i.df},           {"robust", i.robustTaken},
          {"se_independent", i.seIndependent}, {"se_robust", i.seRobust}, {"df_robust", i.dfRobust},
          {"items", i.items},        {"categories", i.clusters}};
}

Interval intervalFrom(const json& j) {
  Interval i;
  i.mean = j.value("mean", 0.0);
  i.lo = j.value("lo", 0.0);
  i.hi = j.value("hi", 0.0);
  i.samples = j.value("samples", 0LL);
  i.values = j.value("values", 0LL);
  return i;
}

/// Everything stored for one label on the suite (or the pooled suites).
struct ModelData {
  std::vector<int> seeds;                              // sorted; the same on every pooled suite
  std::vector<std::map<int, std::int64_t>> runOfSeed;  // per suite: seed -> run id
  LabelValues values;                     // subset -> metric -> sample -> value per seed
  json errors = json::array();
  double generateSeconds = 0, scoreSeconds = 0;
  long long timed = 0;
  std::set<std::string> scorers;  // semantic scorers of its runs (one, unless stored before the rule)
  long long unparsed = 0;         // judge answers without a readable score (stored as 0.5)
};

std::string htmlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string fmt(double v, int digits = 3) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

const char* kPalette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                          "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

const char* metricTitle(const std::string& m) {
  if (m == "psr") return "Subject consistency (PSR, official)";
  if (m == "semantic") return "Semantic alignment";
  if (m == "aesthetic") return "Aesthetic preference";
  return "?";
}

}  // namespace

std::string base64(std::string_view bytes) {
  static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = (unsigned(std::uint8_t(bytes[i])) << 16) | (unsigned(std::uint8_t(bytes[i + 1])) << 8) |
                       unsigned(std::uint8_t(bytes[i + 2]));
    out += table[(v >> 18) & 63];
    out += table[(v >> 12) & 63];
    out += table[(v >> 6) & 63];
    out += table[v & 63];
  }
  if (i < bytes.size()) {
    unsigned v = unsigned(std::uint8_t(bytes[i])) << 16;
    if (i + 1 < bytes.size()) v |= unsigned(std::uint8_t(bytes[i + 1])) << 8;
    out += table[(v >> 18) & 63];
    out += table[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? table[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::vector<CellMean> panelMeans(store::Database& db, const std::string& suite, const std::vector<std::string>& labels) {
  // bench_cells holds per (run, subset, metric) sums that triggers keep in step with
  // bench_results, so this reads runs x 21 rows instead of every stored value.
  std::string sql =
      "SELECT r.label, c.subset, c.metric, sum(c.total), sum(c.n) "
      "FROM bench_runs r JOIN bench_cells c ON c.run_id = r.id WHERE r.suite = ?";
  if (!labels.empty()) {
    sql += " AND r.label IN (";
    for (std::size_t i = 0; i < labels.size(); ++i) sql += i ? ", ?" : "?";
    sql += ")";
  }
  sql += " GROUP BY r.label, c.subset, c.metric";
  auto q = db.prepare(sql);
  q.bind(1, std::string_view(suite));
  for (std::size_t i = 0; i < labels.size(); ++i) q.bind(int(i) + 2, std::string_view(labels[i]));
  std::vector<CellMean> out;
  while (q.step()) {
    const long long n = q.columnInt(4);
    if (n <= 0) continue;
    out.push_back({q.columnText(0), q.columnText(1), q.columnText(2), q.columnDouble(3) / double(n), n});
  }
  return out;
}

json benchReport(store::Workspace& ws, const ReportOptions& o) {
  auto& db = ws.db();
  std::vector<std::string> names{o.suite};
  for (const auto& name : o.pool) {
    if (std::find(names.begin(), names.end(), name) != names.end())
      throw Error("suite '" + name + "' is named twice; pooling needs distinct suites", ErrorCode::InvalidArgument);
    names.push_back(name);
  }
  const bool pooled = names.size() > 1;
  std::vector<std::optional<Suite>> suites;
  for (const auto& name : names) suites.push_back(findSuite(ws, name));
  auto labelsOn = [&](const std::string& name) {
    std::vector<std::string> found;
    auto q = db.prepare("SELECT label FROM bench_runs WHERE suite = ? GROUP BY label ORDER BY min(id)");
    q.bind(1, std::string_view(name));
    while (q.step()) found.push_back(q.columnText(0));
    return found;
  };
  // Labels in the order asked, else in the order first run (pooled: those run on every suite).
  std::vector<std::string> labels = o.models;
  if (labels.empty()) {
    labels = labelsOn(names[0]);
    for (std::size_t k = 1; k < names.size(); ++k) {
      const auto other = labelsOn(names[k]);
      labels.erase(std::remove_if(labels.begin(), labels.end(),
                                  [&](const std::string& l) { return std::find(other.begin(), other.end(), l) == other.end(); }),
                   labels.end());
    }
  }
  if (labels.empty()) {
    throw Error(pooled ? std::string("no model was run on every pooled suite") :
                "no benchmark runs on suite '" + o.suite + "'; run one with `psr bench run --model NAME --suite " +
                    o.suite + "`",
                ErrorCode::NotFound);
  }
  std::map<std::string, ModelData> data;
  for (const auto& label : labels) {
    ModelData& d = data[label];
    d.runOfSeed.resize(names.size());
    for (std::size_t k = 0; k < names.size(); ++k) {
      std::vector<int> seeds;
      auto runs = db.prepare("SELECT id, seed, config FROM bench_runs WHERE suite = ? AND label = ? ORDER BY seed");
      runs.bind(1, std::string_view(names[k])).bind(2, std::string_view(label));
      while (runs.step()) {
        seeds.push_back(int(runs.columnInt(1)));
        d.runOfSeed[k][int(runs.columnInt(1))] = runs.columnInt(0);
        const auto config = json::parse(runs.columnText(2), nullptr, false);
        d.scorers.insert(storedSemanticScorer(config.is_object() ? config : json::object()));
        if (config.is_object() && config.contains(kUnparsedKey)) d.unparsed += (long long)config[kUnparsedKey].size();
      }
      if (seeds.empty()) {
        throw Error("model '" + label + "' has no runs on suite '" + names[k] + "'", ErrorCode::NotFound);
      }
      if (k == 0) d.seeds = seeds;
      for (int seed : d.seeds) {
        if (!d.runOfSeed[k].count(seed)) continue;  // other seeds than the first suite's: refused below
        auto outputs = db.prepare(
            "SELECT o.sample_id, o.error, o.generate_s, o.score_s, i.subset FROM bench_outputs o "
            "LEFT JOIN bench_items i ON i.sample_id = o.sample_id AND i.suite_id = ? WHERE o.run_id = ?");
        outputs.bind(1, suites[k] ? suites[k]->id : std::int64_t(-1)).bind(2, d.runOfSeed[k][seed]);
        while (outputs.step()) {
          if (!outputs.columnIsNull(1)) {
            json error = {{"seed", seed},
                          {"sample_id", outputs.columnInt(0)},
                          {"subset", outputs.columnIsNull(4) ? std::string() : outputs.columnText(4)},
                          {"error", outputs.columnText(1)}};
            if (pooled) error["suite"] = names[k];
            d.errors.push_back(error);
          } else {
            d.generateSeconds += outputs.columnDouble(2);
            d.scoreSeconds += outputs.columnDouble(3);
            ++d.timed;
          }
        }
      }
    }
    // Also refuses a label whose seed replicates differ between the pooled suites.
    d.values = loadPooledLabelValues(db, names, label);
  }

  std::vector<std::string> subsets;
  for (auto s : pipeline::kAllSubsets) {
    for (const auto& label : labels) {
      if (data[label].values.has(pipeline::subsetName(s))) {
        subsets.push_back(pipeline::subsetName(s));
        break;
      }
    }
  }

  std::string joined;
  for (const auto& name : names) joined += (joined.empty() ? "" : " + ") + name;
  json report = {{"suite", joined}, {"models", labels}, {"subsets", subsets}, {"metrics", kMetrics},
                 {"bootstrap", {{"rounds", o.bootstrap}, {"seed", o.seed}, {"over", "samples and seeds"}}},
                 {"category_intervals",
                  {{"level", 0.95},
                   {"method", "paired differences averaged over seeds per item; variance max(independent, "
                              "multi-membership cluster-robust over shared subject categories); Student t with "
                              "Satterthwaite df of the variance taken"}}}};
  if (pooled) {
    report["pooled_suites"] = json::array();
    for (std::size_t k = 0; k < names.size(); ++k) {
      json info = {{"name", names[k]}};
      if (suites[k]) {
        info.update({{"source", suites[k]->source}, {"split", suites[k]->split}, {"seed", suites[k]->seed},
                     {"items", suites[k]->items.size()}});
      }
      report["pooled_suites"].push_back(info);
    }
  } else if (const auto& suite = suites[0]) {
    report["suite_info"] = {{"source", suite->source}, {"split", suite->split}, {"seed", suite->seed},
                            {"items", suite->items.size()}};
  }
  json results = json::object();
  std::map<std::string, std::map<std::string, std::map<std::string, Interval>>> cells;  // label, subset|"overall", metric
  for (const auto& label : labels) {
    ModelData& d = data[label];
    std::string scorer;
    for (const auto& sc : d.scorers) scorer += (scorer.empty() ? "" : ", ") + sc;
    json r = {{"seeds", d.seeds}, {"failed", d.errors.size()}, {kScorerKey, scorer}, {kUnparsedKey, d.unparsed}};
    json subs = json::object();
    json overall = json::object();
    std::set<std::int64_t> samples;
    for (std::size_t m = 0; m < kMetrics.size(); ++m) {
      const auto& metric = kMetrics[m];
      overall[metric] = nullptr;  // null: nothing scored yet
      for (const auto& [col, interval] : labelIntervals(d.values, metric, m, subsets, o.bootstrap, o.seed)) {
        cells[label][col][metric] = interval;
        if (col == kOverall) overall[metric] = interval.values ? intervalJson(interval) : json(nullptr);
        else subs[col][metric] = intervalJson(interval);
      }
      for (const auto& subset : subsets) {
        for (const auto& entry : d.values.rows(subset, metric)) samples.insert(entry.first);
      }
    }
    r["subsets"] = subs;
    r["samples"] = samples.size();
    r["overall"] = overall;
    const double gen = d.timed ? d.generateSeconds / double(d.timed) : 0.0;
    const double score = d.timed ? d.scoreSeconds / double(d.timed) : 0.0;
    r["cost"] = {{"generate_s_per_sample", gen},
                 {"eval_s_per_sample_without_generation", score},
                 {"eval_s_per_sample_with_generation", gen + score},
                 {"samples_timed", d.timed}};
    results[label] = r;
  }
  report["results"] = results;

  // Differences between every pair of models, in the order given: the difference of the means
  // with "within noise" where the marginal intervals overlap, and the paired difference over the
  // samples (and seeds) both scored, whose interval resolves far smaller steps between related
  // models than two overlapping marginal intervals can.
  json diffs = json::array();
  // Subject categories of every sample (pooled like the values), for the category-robust intervals:
  // a category's identities (vendors) nest in it, so clustering by category also covers them.
  const SampleClusters categories = loadSampleCategories(db, names);
  ClusterDesigns designs;
  std::vector<std::string> columns = subsets;
  columns.push_back("overall");
  for (std::size_t a = 0; a < labels.size(); ++a) {
    for (std::size_t b = a + 1; b < labels.size(); ++b) {
      for (std::size_t m = 0; m < kMetrics.size(); ++m) {
        const auto& metric = kMetrics[m];
        int commonSeeds = 0;
        const auto paired = pairedIntervals(data[labels[a]].values, data[labels[b]].values, metric, m, subsets,
                                            o.bootstrap, o.seed, &commonSeeds);
        const auto byCategory = pairedClusterIntervals(data[labels[a]].values, data[labels[b]].values, metric,
                                                        subsets, categories, designs);
        for (const auto& col : columns) {
          const auto& ca = cells[labels[a]];
          const auto& cb = cells[labels[b]];
          if (!ca.count(col) || !cb.count(col)) continue;
          const Interval& ia = ca.at(col).at(metric);
          const Interval& ib = cb.at(col).at(metric);
          if (ia.values == 0 || ib.values == 0) continue;
          json entry = {{"a", labels[a]}, {"b", labels[b]}, {"subset", col}, {"metric", metric},
                        {"diff", ia.mean - ib.mean}, {"within_noise", withinNoise(ia, ib)}};
          const auto found = paired.find(col);
          const Interval p = found == paired.end() ? Interval{} : found->second;
          if (p.values > 0) {
            entry["paired"] = intervalJson(p);
            entry["paired"]["seeds"] = commonSeeds;  // 0: per-sample means over each model's own seeds
            entry["paired_significant"] = excludesZero(p);
            const auto cat = byCategory.find(col);
            if (cat != byCategory.end()) {
              entry["paired_by_category"] = categoryJson(cat->second);
              if (cat->second.valid)
                entry["paired_by_category_significant"] = cat->second.lo > 0 || cat->second.hi < 0;
            }
          }
          diffs.push_back(entry);
        }
      }
    }
  }
  report["differences"] = diffs;

  // Worst samples: lowest mean of the three metrics (averaged over seeds) per model and subset.
  json worst = json::object();
  std::map<std::int64_t, const SuiteItem*> itemById;  // by sample key (pooled: k·kSuiteStride + id)
  for (std::size_t k = 0; k < suites.size(); ++k) {
    if (!suites[k]) continue;
    for (const auto& item : suites[k]->items) itemById[(pooled ? std::int64_t(k) * kSuiteStride : 0) + item.id] = &item;
  }
  for (const auto& label : labels) {
    ModelData& d = data[label];
    json perSubset = json::object();
    for (const auto& subset : subsets) {
      if (!d.values.has(subset)) continue;
      std::vector<std::pair<double, std::int64_t>> ranked;
      std::map<std::int64_t, std::array<double, 3>> means;
      for (const auto& [sample, row] : d.values.rows(subset, "psr")) {
        std::array<double, 3> m{};
        bool complete = true;
        for (std::size_t k = 0; k < 3; ++k) {
          const auto& rows = d.values.rows(subset, kMetrics[k]);
          const auto it = rows.find(sample);
          double s = 0;
          int n = 0;
          if (it != rows.end()) {
            for (double v : it->second) {
              if (std::isfinite(v)) {
                s += v;
                ++n;
              }
            }
          }
          if (n == 0) complete = false;
          m[k] = n ? s / n : 0.0;
        }
        if (!complete) continue;
        means[sample] = m;
        ranked.push_back({(m[0] + m[1] + m[2]) / 3.0, sample});
      }
      std::sort(ranked.begin(), ranked.end());
      json list = json::array();
      for (std::size_t i = 0; i < ranked.size() && int(i) < o.worst; ++i) {
        const auto sample = ranked[i].second;
        const std::size_t k = pooled ? std::size_t(sample / kSuiteStride) : 0;
        const std::int64_t id = pooled ? sample % kSuiteStride : sample;
        json entry = {{"sample_id", id}, {"score", ranked[i].first}, {"psr", means[sample][0]},
                      {"semantic", means[sample][1]}, {"aesthetic", means[sample][2]}};
        if (pooled) entry["suite"] = names[k];
        // The output of the lowest seed that has one.
        for (int seed : d.seeds) {
          auto img = db.prepare("SELECT image_blob FROM bench_outputs WHERE run_id = ? AND sample_id = ?");
          img.bind(1, d.runOfSeed[k][seed]).bind(2, id);
          if (img.step() && !img.columnIsNull(0)) {
            entry["image_blob"] = img.columnText(0);
            entry["seed"] = seed;
            break;
          }
        }
        if (const auto it = itemById.find(sample); it != itemById.end()) {
          entry["instruction"] = it->second->instruction;
          entry["reference_blobs"] = it->second->referenceBlobs;
          json cats = json::array();
          for (const auto& c : it->second->categories) cats.push_back(c.noun);
          entry["categories"] = cats;
        }
        list.push_back(entry);
      }
      perSubset[subset] = list;
    }
    worst[label] = perSubset;
  }
  report["worst"] = worst;
  json errors = json::object();
  for (const auto& label : labels) errors[label] = data[label].errors;
  report["errors"] = errors;
  return report;
}

std::string radarSvg(const std::string& title, const std::vector<std::string>& axes,
                     const std::vector<std::pair<std::string, std::vector<double>>>& series) {
  const double cx = 190, cy = 185, radius = 130;
  const std::size_t n = std::max<std::size_t>(axes.size(), 1);
  auto point = [&](std::size_t i, double v) {
    const double angle = -kPi / 2 + 2 * kPi * double(i) / double(n);
    v = std::clamp(std::isfinite(v) ? v : 0.0, 0.0, 1.0);
    return std::make_pair(cx + radius * v * std::cos(angle), cy + radius * v * std::sin(angle));
  };
  std::ostringstream svg;
  const int legendHeight = int(series.size()) * 16;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"radar\" width=\"380\" height=\"" << 360 + legendHeight
      << "\" viewBox=\"0 0 380 " << 360 + legendHeight << "\" role=\"img\" aria-label=\"" << htmlEscape(title)
      << "\">\n";
  svg << "<text x=\"190\" y=\"18\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">" << htmlEscape(title)
      << "</text>\n";
  for (double ring : {0.25, 0.5, 0.75, 1.0}) {
    svg << "<polygon fill=\"none\" stroke=\"#ccc\" stroke-width=\"1\" points=\"";
    for (std::size_t i = 0; i < n; ++i) {
      const auto [x, y] = point(i, ring);
      svg << fmt(x, 1) << ',' << fmt(y, 1) << ' ';
    }
    svg << "\"/>\n";
    const auto [lx, ly] = point(0, ring);
    svg << "<text x=\"" << fmt(lx + 3, 1) << "\" y=\"" << fmt(ly + 4, 1) << "\" font-size=\"9\" fill=\"#999\">"
        << fmt(ring, 2) << "</text>\n";
  }
  for (std::size_t i = 0; i < axes.size(); ++i) {
    const auto [x, y] = point(i, 1.0);
    const auto [tx, ty] = point(i, 1.14);
    svg << "<line x1=\"" << cx << "\" y1=\"" << cy << "\" x2=\"" << fmt(x, 1) << "\" y2=\"" << fmt(y, 1)
        << "\" stroke=\"#ccc\"/>\n";
    svg << "<text x=\"" << fmt(tx, 1) << "\" y=\"" << fmt(ty + 4, 1) << "\" text-anchor=\"middle\" font-size=\"11\">"
        << htmlEscape(axes[i]) << "</text>\n";
  }
  for (std::size_t s = 0; s < series.size(); ++s) {
    const char* colour = kPalette[s % 10];
    svg << "<polygon fill=\"" << colour << "\" fill-opacity=\"0.12\" stroke=\"" << colour
        << "\" stroke-width=\"2\" points=\"";
    for (std::size_t i = 0; i < axes.size(); ++i) {
      const auto [x, y] = point(i, i < series[s].second.size() ? series[s].second[i] : 0.0);
      svg << fmt(x, 1) << ',' << fmt(y, 1) << ' ';
    }
    svg << "\"><title>" << htmlEscape(series[s].first) << "</title></polygon>\n";
    svg << "<rect x=\"20\" y=\"" << 352 + 16 * s << "\" width=\"10\" height=\"10\" fill=\"" << colour << "\"/>"
        << "<text x=\"36\" y=\"" << 361 + 16 * s << "\" font-size=\"11\">" << htmlEscape(series[s].first)
        << "</text>\n";
  }
  svg << "</svg>";
  return svg.str();
}

std::string benchReportHtml(store::Workspace& ws, const json& report) {
  const auto labels = report.at("models").get<std::vector<std::string>>();
  const auto subsets = report.at("subsets").get<std::vector<std::string>>();
  const auto& results = report.at("results");
  auto dataUrl = [&](const std::string& blob) -> std::string {
    if (blob.empty()) return {};
    try {
      return "data:image/png;base64," + base64(ws.blobs().read(blob));
    } catch (const std::exception&) {
      return {};
    }
  };
  auto img = [&](const std::string& blob, const std::string& alt) {
    const auto url = dataUrl(blob);
    if (url.empty()) return std::string("<span class=\"missing\">(missing)</span>");
    return "<img src=\"" + url + "\" alt=\"" + htmlEscape(alt) + "\" width=\"96\" height=\"96\">";
  };
  std::ostringstream h;
  h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>PSR Studio benchmark: "
    << htmlEscape(report.at("suite").get<std::string>()) << "</title>\n<style>\n"
    << "body{font-family:system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0 20px}"
    << "td,th{border:1px solid #ddd;padding:4px 8px;text-align:right;font-variant-numeric:tabular-nums}"
    << "th{background:#f4f4f4}td.l,th.l{text-align:left}.ci{color:#888;font-size:85%}"
    << ".noise{background:#eee;color:#666;border-radius:3px;padding:1px 5px;font-size:85%}"
    << ".sig{background:#dff0d8;color:#2b542c;border-radius:3px;padding:1px 5px;font-size:85%}"
    << ".charts{display:flex;flex-wrap:wrap;gap:12px}img{image-rendering:pixelated;border:1px solid #ccc;margin:2px}"
    << ".missing{color:#a00}\n</style></head><body>\n";
  h << "<h1>Benchmark report: suite " << htmlEscape(report.at("suite").get<std::string>()) << "</h1>\n";
  if (report.contains("suite_info")) {
    const auto& si = report["suite_info"];
    h << "<p>Source " << htmlEscape(si.value("source", "")) << ", split " << htmlEscape(si.value("split", ""))
      << ", " << si.value("items", 0) << " items, suite seed " << si.value("seed", 0) << ". ";
  } else {
    h << "<p>";
  }
  h << "Means with bootstrap 95&nbsp;% intervals (" << report["bootstrap"].value("rounds", 0)
    << " rounds over samples and seeds). Overall = mean of the subset means.</p>\n";

  h << "<h2>Radar charts</h2>\n<div class=\"charts\">\n";
  for (const auto& metric : kMetrics) {
    std::vector<std::pair<std::string, std::vector<double>>> series;
    for (const auto& label : labels) {
      std::vector<double> v;
      for (const auto& s : subsets) {
        const auto& subs = results[label]["subsets"];
        v.push_back(subs.contains(s) ? subs[s][metric].value("mean", 0.0) : 0.0);
      }
      series.push_back({label, v});
    }
    std::vector<std::string> axes;
    for (const auto& s : subsets) axes.push_back(pipeline::subsetTitle(pipeline::parseSubset(s)));
    h << radarSvg(metricTitle(metric), axes, series) << "\n";
  }
  h << "</div>\n";

  for (const auto& metric : kMetrics) {
    h << "<h2>" << metricTitle(metric) << "</h2>\n<table><tr><th class=\"l\">model</th>";
    for (const auto& s : subsets) h << "<th>" << pipeline::subsetTitle(pipeline::parseSubset(s)) << "</th>";
    h << "<th>Overall</th><th>samples</th><th>seeds</th><th>failed</th></tr>\n";
    for (const auto& label : labels) {
      const auto& r = results[label];
      h << "<tr><td class=\"l\">" << htmlEscape(label) << "</td>";
      auto cell = [&](const json& j) {
        if (!j.is_object()) {
          h << "<td>–</td>";
          return;
        }
        const auto i = intervalFrom(j);
        h << "<td>" << fmt(i.mean) << " <span class=\"ci\">[" << fmt(i.lo) << ", " << fmt(i.hi) << "]</span></td>";
      };
      for (const auto& s : subsets) {
        if (r["subsets"].contains(s)) cell(r["subsets"][s][metric]);
        else h << "<td>–</td>";
      }
      cell(r["overall"][metric]);
      h << "<td>" << r.value("samples", 0) << "</td><td>" << r["seeds"].size() << "</td><td>" << r.value("failed", 0)
        << "</td></tr>\n";
    }
    h << "</table>\n";
    if (metric == "semantic") {
      // Judge values are only comparable with values of the same judge: say whose they are.
      h << "<p>Scored by:";
      for (const auto& label : labels) {
        const auto& r = results[label];
        h << " " << htmlEscape(label) << " — " << htmlEscape(r.value(kScorerKey, std::string("builtin")));
        if (r.value(kUnparsedKey, 0LL) > 0) h << " (" << r.value(kUnparsedKey, 0LL) << " unparsed answers scored 0.5)";
        h << ";";
      }
      h << "</p>\n";
    }
  }

  if (labels.size() > 1) {
    h << "<h2>Differences (overall)</h2>\n<p>Beyond noise: the paired 95&nbsp;% interval of a − b excludes 0 (without "
         "a paired interval: the two marginal intervals do not overlap).</p>\n"
         "<table><tr><th class=\"l\">a</th><th class=\"l\">b</th>";
    for (const auto& metric : kMetrics) h << "<th>" << metric << " a − b</th>";
    h << "</tr>\n";
    std::map<std::pair<std::string, std::string>, std::map<std::string, json>> overall;
    for (const auto& d : report["differences"]) {
      if (d["subset"] == "overall") overall[{d["a"].get<std::string>(), d["b"].get<std::string>()}][d["metric"].get<std::string>()] = d;
    }
    for (const auto& [pair, byMetric] : overall) {
      h << "<tr><td class=\"l\">" << htmlEscape(pair.first) << "</td><td class=\"l\">" << htmlEscape(pair.second)
        << "</td>";
      for (const auto& metric : kMetrics) {
        if (!byMetric.count(metric)) {
          h << "<td>–</td>";
          continue;
        }
        const auto& d = byMetric.at(metric);
        // The paired verdict where there is one (as in the Bench panel): two overlapping marginal
        // intervals can hide a step the paired interval resolves.
        const bool noise = d.contains("paired_significant") ? !d["paired_significant"].get<bool>()
                                                            : d.value("within_noise", true);
        h << "<td>" << (d.value("diff", 0.0) >= 0 ? "+" : "") << fmt(d.value("diff", 0.0)) << " <span class=\""
          << (noise ? "noise\">within noise" : "sig\">beyond noise") << "</span></td>";
      }
      h << "</tr>\n";
    }
    h << "</table>\n";
    // Paired differences per subset: a - b over the samples (and seeds) both scored.
    std::map<std::tuple<std::string, std::string, std::string>, std::map<std::string, json>> paired;
    for (const auto& d : report["differences"]) {
      if (!d.contains("paired")) continue;
      paired[{d["a"].get<std::string>(), d["b"].get<std::string>(), d["metric"].get<std::string>()}]
            [d["subset"].get<std::string>()] = d;
    }
    if (!paired.empty()) {
      h << "<h2>Paired differences</h2>\n<p>a − b per suite item (and per seed both runs share), with bootstrap "
        << "95&nbsp;% intervals; <span class=\"sig\">*</span> marks an interval that excludes 0. Below it "
        << "(cat) the category-robust 95&nbsp;% interval, which lets items sharing a subject category be "
        << "correlated.</p>\n"
        << "<table><tr><th class=\"l\">a − b</th><th class=\"l\">metric</th>";
      for (const auto& sub : subsets) h << "<th>" << pipeline::subsetTitle(pipeline::parseSubset(sub)) << "</th>";
      h << "<th>Overall</th></tr>\n";
      for (const auto& [key, bySubset] : paired) {
        h << "<tr><td class=\"l\">" << htmlEscape(std::get<0>(key)) << " − " << htmlEscape(std::get<1>(key))
          << "</td><td class=\"l\">" << htmlEscape(std::get<2>(key)) << "</td>";
        std::vector<std::string> cols = subsets;
        cols.push_back("overall");
        for (const auto& col : cols) {
          if (!bySubset.count(col)) {
            h << "<td>–</td>";
            continue;
          }
          const auto& d = bySubset.at(col);
          const auto i = intervalFrom(d["paired"]);
          h << "<td>" << (i.mean >= 0 ? "+" : "") << fmt(i.mean) << " <span class=\"ci\">[" << fmt(i.lo) << ", "
            << fmt(i.hi) << "]</span>" << (d.value("paired_significant", false) ? " <span class=\"sig\">*</span>" : "");
          if (d.contains("paired_by_category") && d["paired_by_category"].contains("lo")) {
            const auto& id = d["paired_by_category"];
            h << "<br><span class=\"ci\" title=\"category-robust 95 % interval\">cat [" << fmt(id["lo"].get<double>())
              << ", " << fmt(id["hi"].get<double>()) << "]</span>"
              << (d.value("paired_by_category_significant", false) ? " <span class=\"sig\">*</span>" : "");
          }
          h << "</td>";
        }
        h << "</tr>\n";
      }
      h << "</table>\n";
    }
  }

  h << "<h2>Worst samples per subset</h2>\n";
  for (const auto& label : labels) {
    if (!report["worst"].contains(label)) continue;
    h << "<h3>" << htmlEscape(label) << "</h3>\n<table><tr><th class=\"l\">subset</th><th class=\"l\">instruction</th>"
      << "<th class=\"l\">references</th><th class=\"l\">output</th><th>PSR</th><th>semantic</th><th>aesthetic</th></tr>\n";
    for (const auto& [subset, list] : report["worst"][label].items()) {
      for (const auto& e : list) {
        h << "<tr><td class=\"l\">" << htmlEscape(subset) << " #" << e.value("sample_id", 0) << "</td><td class=\"l\">"
          << htmlEscape(e.value("instruction", "")) << "</td><td class=\"l\">";
        if (e.contains("reference_blobs")) {
          for (const auto& b : e["reference_blobs"]) h << img(b.get<std::string>(), "reference");
        }
        h << "</td><td class=\"l\">" << img(e.value("image_blob", ""), "output") << "</td><td>"
          << fmt(e.value("psr", 0.0)) << "</td><td>" << fmt(e.value("semantic", 0.0)) << "</td><td>"
          << fmt(e.value("aesthetic", 0.0)) << "</td></tr>\n";
      }
    }
    h << "</table>\n";
  }

  bool anyErrors = false;
  for (const auto& label : labels) anyErrors = anyErrors || !report["errors"][label].empty();
  if (anyErrors) {
    h << "<h2>Items that could not be scored</h2>\n<table><tr><th class=\"l\">model</th><th>seed</th>"
      << "<th class=\"l\">subset</th><th>sample</th><th class=\"l\">error</th></tr>\n";
    for (const auto& label : labels) {
      for (const auto& e : report["errors"][label]) {
        h << "<tr><td class=\"l\">" << htmlEscape(label) << "</td><td>" << e.value("seed", 0) << "</td><td class=\"l\">"
          << htmlEscape(e.value("subset", "")) << "</td><td>" << e.value("sample_id", 0) << "</td><td class=\"l\">"
          << htmlEscape(e.value("error", "")) << "</td></tr>\n";
      }
    }
    h << "</table>\n";
  }
  h << "</body></html>\n";
  return h.str();
}

}  // namespace psr::bench
