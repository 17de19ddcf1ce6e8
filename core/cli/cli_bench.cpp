// `psr bench`: the benchmark (docs/benchmark.md). Suites frozen in the workspace, runs of models
// and reference points (oracle, blind:NAME) stored per sample, reports with bootstrap intervals,
// PSRBench import/export. `bench run --judge NAME` takes semantic alignment from a plugin's judge.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

#include <ATen/Parallel.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "bench/bench_psrbench.h"
#include "bench/bench_report.h"
#include "bench/bench_runner.h"
#include "bench/bench_suite.h"
#include "bench/semantic_judge.h"
#include "cli/cli_context.h"
#include "cli/exit_codes.h"
#include "cli/interrupt_guard.h"
#include "cli/plugin_providers.h"
#include "common/error.h"
#include "common/logging.h"
#include "common/paths.h"
#include "common/sampling_defaults.h"
#include "perceive/perception_models.h"
#include "perceive_data/perception_paths.h"
#include "plugin/plugin_loader.h"
#include "store/workspace.h"
#include "world/catalog.h"

namespace psr::cli {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

void progressLine(long long done, long long total) {
  std::cerr << json{{"done", done}, {"total", total}}.dump() << std::endl;
}

void writeText(const std::string& file, const std::string& text) {
  const fs::path tmp = file + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) throw Error("cannot write " + tmp.string(), ErrorCode::Io);
  }
  std::error_code ec;
  fs::rename(tmp, file, ec);
  if (ec) throw Error("cannot write " + file + ": " + ec.message(), ErrorCode::Io);
}

// ---- suite ---------------------------------------------------------------------------------

struct SuiteArgs {
  std::string name = bench::kBuiltinSuite, split = "heldout";
  int samples = 50, seenSamples = bench::kSeenSamples, size = 64;
  std::uint64_t seed = 20260;
  bool json = false;
};

int runSuiteCreate(CliContext& ctx, const SuiteArgs& a) {
  auto ws = ctx.openWorkspace();
  const auto catalog = world::WorldCatalog::load(*ws);
  if (a.split != "heldout" && a.split != "train") throw Error("--split must be heldout or train", ErrorCode::InvalidArgument);
  json created = json::array();
  const auto start = std::chrono::steady_clock::now();
  bench::SuiteOptions o;
  o.name = a.name;
  o.samples = a.samples;
  o.seed = a.seed;
  o.imageSize = a.size;
  o.split = a.split == "train" ? world::Split::Train : world::Split::Heldout;
  const auto suite = bench::createSuite(*ws, catalog, o);
  created.push_back({{"name", suite.name}, {"items", suite.items.size()}, {"split", suite.split}, {"seed", suite.seed}});
  if (a.name == bench::kBuiltinSuite && a.seenSamples > 0 && !bench::findSuite(*ws, bench::kSeenSuite)) {
    bench::SuiteOptions seen = o;
    seen.name = bench::kSeenSuite;
    seen.samples = a.seenSamples;
    seen.seed = a.seed + 1;
    seen.split = world::Split::Train;
    const auto s = bench::createSuite(*ws, catalog, seen);
    created.push_back({{"name", s.name}, {"items", s.items.size()}, {"split", s.split}, {"seed", s.seed}});
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (a.json) {
    std::cout << json{{"created", created}, {"seconds", seconds}}.dump(2) << '\n';
  } else {
    for (const auto& c : created)
      std::cout << "created suite " << c["name"].get<std::string>() << ": " << c["items"] << " items ("
                << c["split"].get<std::string>() << " identities, seed " << c["seed"] << ")\n";
  }
  return kExitOk;
}

int runSuiteList(CliContext& ctx, bool asJson) {
  auto ws = ctx.openWorkspace();
  const auto suites = bench::listSuites(*ws);
  if (asJson) {
    std::cout << suites.dump(2) << '\n';
    return kExitOk;
  }
  std::printf("%-28s %-9s %-8s %6s %7s %5s\n", "suite", "source", "split", "items", "errors", "runs");
  for (const auto& s : suites) {
    std::printf("%-28s %-9s %-8s %6lld %7lld %5lld\n", s["name"].get<std::string>().c_str(),
                s["source"].get<std::string>().c_str(), s["split"].get<std::string>().c_str(),
                s["items"].get<long long>(), s["item_errors"].get<long long>(), s["runs"].get<long long>());
  }
  return kExitOk;
}

// ---- run -----------------------------------------------------------------------------------

/// What `--judge` calls the built-in semantic scorer.
constexpr const char* kBuiltinScorer = "builtin";

struct RunArgs {
  std::string model, label, suite = bench::kBuiltinSuite, perceptionDir, out;
  std::string judge = kBuiltinScorer, judgeConfig;
  std::vector<std::string> subsets;
  int seeds = 1, firstSeed = 0, batch = 8, threads = 0;
  std::int64_t steps = 20;
  double guidance = kDefaultGuidance;
  bool restart = false, json = false;
};

/// The suite a --suite argument means: a stored name, the built-in suites (created on first use),
/// or a PSRBench folder (imported on first use as "psrbench:<folder>").
bench::Suite suiteFor(store::Workspace& ws, perceive::PerceptionModels& perception, const std::string& arg) {
  if (auto s = bench::findSuite(ws, arg)) return std::move(*s);
  if (arg == bench::kBuiltinSuite || arg == bench::kSeenSuite) {
    const auto catalog = world::WorldCatalog::load(ws);
    std::cerr << "psr: creating the built-in benchmark suites (first run)\n";
    bench::ensureBuiltinSuites(ws, catalog);
    return bench::loadSuite(ws, arg);
  }
  if (fs::is_directory(arg)) {
    bench::PsrBenchImportOptions o;
    o.dir = arg;
    const auto imported = bench::importPsrBench(ws, perception, o);
    return bench::loadSuite(ws, imported["suite"].get<std::string>());
  }
  return bench::loadSuite(ws, arg);  // throws NotFound with the commands to make one
}

/// The plugin judge `--judge` names, or null for the built-in scorer.
std::shared_ptr<bench::SemanticJudge> selectedJudge(const RunArgs& a) {
  if (a.judge == kBuiltinScorer) {
    if (!a.judgeConfig.empty()) logger()->warn("--judge-config is not used: the built-in semantic scorer takes no settings");
    return nullptr;
  }
  const auto dirs = pluginDirs();
  plugin::Registry registry(logger());
  plugin::loadPlugins(dirs, registry);
  return pluginProvider<bench::SemanticJudge>(registry, a.judge, "--judge",
                                              providerConfig(a.judgeConfig, "--judge-config", "judge"), dirs,
                                              kBuiltinScorer);
}

void printRun(const json& r) {
  std::printf("%s on %s: %lld computed, %lld already stored, %lld failed\n", r["label"].get<std::string>().c_str(),
              r["suite"].get<std::string>().c_str(), r["computed"].get<long long>(), r["skipped"].get<long long>(),
              r["failed"].get<long long>());
  if (r.contains("judge")) {
    const auto& j = r["judge"];
    std::printf("semantic alignment by %s: %lld judged now, %lld without a verdict (re-run to ask again), "
                "%lld unparsed answers stored (scored 0.5)\n",
                r.value("semantic_scorer", "?").c_str(), j["judged"].get<long long>(), j["failed"].get<long long>(),
                j["unparsed"].get<long long>());
  }
  for (const auto& run : r["runs"]) {
    for (const auto& e : run["errors"]) {
      std::printf("  seed %d sample %lld (%s): %s\n", run["seed"].get<int>(), e["sample_id"].get<long long>(),
                  e["subset"].get<std::string>().c_str(), e["error"].get<std::string>().c_str());
    }
  }
  const auto& c = r["cost"];
  if (c["samples_timed"].get<long long>() > 0) {
    std::printf("cost per sample: %.3f s generation + %.3f s evaluation = %.3f s (350-sample suite ~ %.0f s)\n",
                c["generate_s_per_sample"].get<double>(), c["eval_s_per_sample_without_generation"].get<double>(),
                c["eval_s_per_sample_with_generation"].get<double>(), c["suite_350_s_estimate"].get<double>());
  }
  std::printf("%-12s %8s %8s %8s\n", "subset", "psr", "semantic", "aesthetic");
  for (const auto& [subset, m] : r["means"].items()) {
    std::printf("%-12s %8.3f %8.3f %8.3f\n", subset.c_str(), m.value("psr", 0.0), m.value("semantic", 0.0),
                m.value("aesthetic", 0.0));
  }
}

int runRun(CliContext& ctx, const RunArgs& a) {
  if (a.threads > 0) at::set_num_threads(a.threads);
  auto judge = selectedJudge(a);  // first: a wrong --judge fails before any model loads
  auto ws = ctx.openWorkspace();
  auto perception = perceive::PerceptionModels::load(perceive_data::perceptionModelsDir(a.perceptionDir));
  const auto suite = suiteFor(*ws, perception, a.suite);
  bench::RunOptions o;
  o.judge = std::move(judge);
  o.model = a.model;
  o.label = a.label;
  o.subsets = bench::parseSubsets(a.subsets);
  o.seeds = a.seeds;
  o.firstSeed = a.firstSeed;
  o.steps = a.steps;
  o.guidance = a.guidance;
  o.batch = a.batch;
  o.restart = a.restart;
  o.progress = progressLine;
  InterruptGuard guard(o.cancel);
  json report;
  try {
    report = bench::runBench(*ws, suite, perception, o);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::Cancelled) throw;
    const json stopped = {{"cancelled", true}, {"label", a.label.empty() ? a.model : a.label}, {"suite", suite.name},
                          {"message", "stopped; every finished batch is stored, run the same command to resume"}};
    if (a.json) std::cout << stopped.dump(2) << '\n';
    else std::cerr << "psr: stopped; every finished batch is stored, run the same command to resume\n";
    return kExitCancelled;
  }
  if (!a.out.empty()) writeText(a.out, report.dump(2) + "\n");
  if (a.json) std::cout << report.dump(2) << '\n';
  else printRun(report);
  return kExitOk;
}

// ---- report --------------------------------------------------------------------------------

struct ReportArgs {
  std::string suite = bench::kBuiltinSuite, html, out;
  std::vector<std::string> models, pool;
  int bootstrap = 1000, worst = 3;
  bool json = false;
};

/// "  cat [lo, hi] *": the category-robust interval of a paired difference, when the report has one.
void printCategoryInterval(const json& d) {
  if (!d.contains("paired_by_category") || !d["paired_by_category"].contains("lo")) return;
  const auto& cat = d["paired_by_category"];
  std::printf("  cat [%+.3f, %+.3f]%s", cat["lo"].get<double>(), cat["hi"].get<double>(),
              d.value("paired_by_category_significant", false) ? " *" : "");
}

void printReport(const json& r) {
  const auto subsets = r["subsets"].get<std::vector<std::string>>();
  for (const auto& metric : bench::kMetrics) {
    std::printf("\n%s\n%-22s", metric.c_str(), "model");
    for (const auto& s : subsets) std::printf(" %-10.10s", s.c_str());
    std::printf(" %-24s\n", "overall [95% CI]");
    for (const auto& label : r["models"]) {
      const auto& res = r["results"][label.get<std::string>()];
      std::printf("%-22.22s", label.get<std::string>().c_str());
      for (const auto& s : subsets) {
        if (res["subsets"].contains(s)) std::printf(" %-10.3f", res["subsets"][s][metric]["mean"].get<double>());
        else std::printf(" %-10s", "-");
      }
      const auto& o = res["overall"][metric];
      if (o.is_object())
        std::printf(" %.3f [%.3f, %.3f]\n", o["mean"].get<double>(), o["lo"].get<double>(), o["hi"].get<double>());
      else
        std::printf(" -\n");
    }
  }
  bool header = false;
  for (const auto& d : r["differences"]) {
    if (d["subset"] != "overall") continue;
    if (!header) std::printf("\ndifferences (overall)\n");
    header = true;
    std::printf("%-18.18s - %-18.18s %-10s %+.3f %s", d["a"].get<std::string>().c_str(),
                d["b"].get<std::string>().c_str(), d["metric"].get<std::string>().c_str(), d["diff"].get<double>(),
                d["within_noise"].get<bool>() ? "(within noise)" : "");
    if (d.contains("paired")) {
      const auto& p = d["paired"];
      std::printf("  paired %+.3f [%+.3f, %+.3f]%s", p["mean"].get<double>(), p["lo"].get<double>(),
                  p["hi"].get<double>(), d.value("paired_significant", false) ? " *" : "");
      printCategoryInterval(d);
    }
    std::printf("\n");
  }
  // Per-subset paired differences: where a small step between related models shows.
  header = false;
  for (const auto& d : r["differences"]) {
    if (d["subset"] == "overall" || !d.contains("paired")) continue;
    if (!header)
      std::printf("\npaired differences per subset (a - b [95%% CI], * excludes 0; cat: category-robust 95%% CI)\n");
    header = true;
    const auto& p = d["paired"];
    std::printf("%-18.18s - %-18.18s %-10s %-12.12s %+.3f [%+.3f, %+.3f]%s", d["a"].get<std::string>().c_str(),
                d["b"].get<std::string>().c_str(), d["metric"].get<std::string>().c_str(),
                d["subset"].get<std::string>().c_str(), p["mean"].get<double>(), p["lo"].get<double>(),
                p["hi"].get<double>(), d.value("paired_significant", false) ? " *" : "");
    printCategoryInterval(d);
    std::printf("\n");
  }
}

int runReport(CliContext& ctx, const ReportArgs& a) {
  auto ws = ctx.openWorkspace();
  bench::ReportOptions o;
  o.suite = a.suite;
  o.models = a.models;
  o.pool = a.pool;
  o.bootstrap = a.bootstrap;
  o.worst = a.worst;
  const auto report = bench::benchReport(*ws, o);
  if (!a.html.empty()) writeText(a.html, bench::benchReportHtml(*ws, report));
  if (!a.out.empty()) writeText(a.out, report.dump(2) + "\n");
  if (a.json) std::cout << report.dump(2) << '\n';
  else printReport(report);
  if (!a.html.empty() && !a.json) std::printf("\nHTML report: %s\n", a.html.c_str());
  return kExitOk;
}

int runCost(CliContext& ctx, const ReportArgs& a) {
  auto ws = ctx.openWorkspace();
  bench::ReportOptions o;
  o.suite = a.suite;
  o.models = a.models;
  o.pool = a.pool;
  o.bootstrap = 0;
  o.worst = 0;
  const auto report = bench::benchReport(*ws, o);
  json out = json::object();
  for (const auto& label : report["models"]) out[label.get<std::string>()] = report["results"][label.get<std::string>()]["cost"];
  if (a.json) {
    std::cout << json{{"suite", report["suite"]}, {"cost", out}}.dump(2) << '\n';
    return kExitOk;
  }
  std::printf("%-24s %14s %16s %16s %8s\n", "model", "generate s/it", "evaluate s/it", "total s/it", "samples");
  for (const auto& [label, c] : out.items()) {
    std::printf("%-24.24s %14.4f %16.4f %16.4f %8lld\n", label.c_str(), c["generate_s_per_sample"].get<double>(),
                c["eval_s_per_sample_without_generation"].get<double>(),
                c["eval_s_per_sample_with_generation"].get<double>(), c["samples_timed"].get<long long>());
  }
  return kExitOk;
}

// ---- PSRBench ------------------------------------------------------------------------------

struct ImportArgs {
  std::string dir, results, name, label, perceptionDir;
  int expectSize = 0, batch = 8, threads = 0;
  bool replace = false, json = false;
};

int runImport(CliContext& ctx, const ImportArgs& a) {
  if (a.threads > 0) at::set_num_threads(a.threads);
  auto ws = ctx.openWorkspace();
  auto perception = perceive::PerceptionModels::load(perceive_data::perceptionModelsDir(a.perceptionDir));
  bench::PsrBenchImportOptions o;
  o.dir = a.dir;
  o.results = a.results;
  o.name = a.name;
  o.label = a.label;
  o.replace = a.replace;
  o.run.expectSize = a.expectSize;
  o.run.batch = a.batch;
  o.run.progress = progressLine;
  InterruptGuard guard(o.run.cancel);
  json report;
  try {
    report = bench::importPsrBench(*ws, perception, o);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::Cancelled) throw;
    std::cerr << "psr: stopped; the suite and every finished batch are stored, run the same command to resume\n";
    return kExitCancelled;
  }
  if (a.json) {
    std::cout << report.dump(2) << '\n';
    return kExitOk;
  }
  std::printf("imported %s: %lld items, %lld usable\n", report["suite"].get<std::string>().c_str(),
              report["items"].get<long long>(), report["usable"].get<long long>());
  for (const auto& [file, state] : report["files"].items()) {
    if (state != "ok") std::printf("  %s: %s\n", file.c_str(), state.get<std::string>().c_str());
  }
  for (const auto& e : report["item_errors"]) {
    std::printf("  %s item %lld: %s\n", e["file"].get<std::string>().c_str(), e["index"].get<long long>(),
                e["error"].get<std::string>().c_str());
  }
  if (report.contains("run")) printRun(report["run"]);
  return kExitOk;
}

struct ExportArgs {
  std::string out, suite = bench::kBuiltinSuite, model;
  int seed = 0;
  bool json = false;
};

int runExport(CliContext& ctx, const ExportArgs& a) {
  auto ws = ctx.openWorkspace();
  bench::PsrBenchExportOptions o;
  o.outDir = a.out;
  o.suite = a.suite;
  o.model = a.model;
  o.seed = a.seed;
  const auto report = bench::exportPsrBenchSuite(*ws, o);
  if (a.json) std::cout << report.dump(2) << '\n';
  else
    std::printf("wrote %lld items (%lld references, %lld results) to %s\n", report["items"].get<long long>(),
                report["references"].get<long long>(), report["results"].get<long long>(), a.out.c_str());
  return kExitOk;
}

}  // namespace

void addBenchCommands(CLI::App& app, CliContext& ctx) {
  auto* bench = app.add_subcommand("bench", "Benchmark: seven subsets x three dimensions, PSRBench interop");
  bench->require_subcommand(1);

  auto* suite = bench->add_subcommand("suite", "Benchmark suites frozen in the workspace");
  suite->require_subcommand(1);
  {
    auto a = std::make_shared<SuiteArgs>();
    auto* create = suite->add_subcommand("create", "Generate and freeze a suite (builtin: also the seen-identity sanity suite)");
    create->add_option("--name", a->name, "Suite name");
    create->add_option("--samples", a->samples, "Samples per subset");
    create->add_option("--seed", a->seed, "Seed (same seed and world: same suite)");
    create->add_option("--split", a->split, "Identities: heldout (default) or train");
    create->add_option("--seen-samples", a->seenSamples, "Samples per subset of builtin-seen (0: skip)");
    create->add_option("--size", a->size, "Reference and oracle render size in pixels");
    create->add_flag("--json", a->json, "Print JSON");
    create->callback([&ctx, a] { ctx.action = [&ctx, a] { return runSuiteCreate(ctx, *a); }; });
  }
  {
    auto asJson = std::make_shared<bool>(false);
    auto* list = suite->add_subcommand("list", "Stored suites");
    list->add_flag("--json", *asJson, "Print JSON");
    list->callback([&ctx, asJson] { ctx.action = [&ctx, asJson] { return runSuiteList(ctx, *asJson); }; });
  }
  {
    auto name = std::make_shared<std::string>();
    auto* del = suite->add_subcommand("delete", "Delete a suite and every run on it");
    del->add_option("name", *name, "Suite name")->required();
    del->callback([&ctx, name] {
      ctx.action = [&ctx, name] {
        auto ws = ctx.openWorkspace();
        if (!bench::deleteSuite(*ws, *name)) throw Error("no suite named '" + *name + "'", ErrorCode::NotFound);
        std::cout << "deleted suite " << *name << '\n';
        return int(kExitOk);
      };
    });
  }

  {
    auto a = std::make_shared<RunArgs>();
    auto* run = bench->add_subcommand("run", "Generate and score every sample of a suite (resumable)");
    run->add_option("--model", a->model, "base, sft, rl, a checkpoint folder, a training run, oracle or blind:NAME")
        ->required();
    run->add_option("--label", a->label, "Name the values are stored under (default: --model)");
    run->add_option("--suite", a->suite, "builtin, builtin-seen, a stored suite or a PSRBench folder");
    run->add_option("--subsets", a->subsets, "Subsets (attribute action background position complex three four; default all)");
    run->add_option("--seeds", a->seeds, "Seed replicates");
    run->add_option("--first-seed", a->firstSeed, "First seed replicate");
    run->add_option("--steps", a->steps, "Sampling steps");
    run->add_option("--guidance", a->guidance, "CFG scale");
    run->add_option("--batch", a->batch, "Samples per generation call");
    run->add_option("--threads", a->threads, "Intra-op threads (0 = all cores)");
    run->add_option("--perception-models", a->perceptionDir, "Perception models folder");
    run->add_option("--out", a->out, "Also write the JSON here");
    run->add_option("--judge", a->judge,
                    "Semantic alignment scorer: builtin (default) or a plugin's judge, e.g. openai (a VLM)");
    run->add_option("--judge-config", a->judgeConfig,
                    "JSON settings of the judge (openai: base_url, model, ...), or a file with a \"judge\" section");
    run->add_flag("--restart", a->restart, "Drop the stored values of this label first");
    run->add_flag("--json", a->json, "Print JSON");
    run->callback([&ctx, a] { ctx.action = [&ctx, a] { return runRun(ctx, *a); }; });
  }

  for (const bool cost : {false, true}) {
    auto a = std::make_shared<ReportArgs>();
    auto* report = cost ? bench->add_subcommand("cost", "Evaluation seconds per sample, with and without generation")
                        : bench->add_subcommand("report", "Means with bootstrap intervals, differences, worst samples");
    report->add_option("--suite", a->suite, "Suite");
    report->add_option("--models", a->models, "Labels to compare (default: all run on the suite)");
    report->add_option("--pool", a->pool,
                       "More suites to pool with --suite: values together, paired over (suite, item); every model "
                       "needs runs with the same seeds on each");
    report->add_flag("--json", a->json, "Print JSON");
    if (!cost) {
      report->add_option("--html", a->html, "Write a self-contained HTML report here");
      report->add_option("--out", a->out, "Also write the JSON here");
      report->add_option("--bootstrap", a->bootstrap, "Bootstrap rounds");
      report->add_option("--worst", a->worst, "Worst samples per model and subset");
      report->callback([&ctx, a] { ctx.action = [&ctx, a] { return runReport(ctx, *a); }; });
    } else {
      report->callback([&ctx, a] { ctx.action = [&ctx, a] { return runCost(ctx, *a); }; });
    }
  }

  {
    auto a = std::make_shared<ImportArgs>();
    auto* imp = bench->add_subcommand("import-psrbench", "Freeze a PSRBench-layout folder as a suite and score its results");
    imp->add_option("dir", a->dir, "Folder with Attribute.json ... Four.json")->required();
    imp->add_option("--results", a->results, "Results file (result paths per subset and item)");
    imp->add_option("--name", a->name, "Suite name (default psrbench:<folder>)");
    imp->add_option("--label", a->label, "Label of the results (default external:<folder>)");
    imp->add_option("--expect-size", a->expectSize, "Refuse result images not of this side in pixels");
    imp->add_option("--batch", a->batch, "Images per scoring call");
    imp->add_option("--threads", a->threads, "Intra-op threads (0 = all cores)");
    imp->add_option("--perception-models", a->perceptionDir, "Perception models folder");
    imp->add_flag("--replace", a->replace, "Replace a stored suite of that name");
    imp->add_flag("--json", a->json, "Print JSON");
    imp->callback([&ctx, a] { ctx.action = [&ctx, a] { return runImport(ctx, *a); }; });
  }
  {
    auto a = std::make_shared<ExportArgs>();
    auto* exp = bench->add_subcommand("export-psrbench", "Write a suite (and a model's outputs) in the PSRBench layout");
    exp->add_option("out", a->out, "Output folder")->required();
    exp->add_option("--suite", a->suite, "Suite");
    exp->add_option("--model", a->model, "Label whose outputs become result_path");
    exp->add_option("--seed", a->seed, "Seed replicate of those outputs");
    exp->add_flag("--json", a->json, "Print JSON");
    exp->callback([&ctx, a] { ctx.action = [&ctx, a] { return runExport(ctx, *a); }; });
  }
}

}  // namespace psr::cli
