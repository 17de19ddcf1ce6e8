// `psr eval generator`: quality of a generator on held-out identities against its
// reference-blind and oracle reference points (docs/generator.md).
#include <chrono>
#include <fstream>
#include <iostream>

#include <ATen/ATen.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/cli_context.h"
#include "cli/exit_codes.h"
#include "cli/interrupt_guard.h"
#include "common/error.h"
#include "common/sampling_defaults.h"
#include "perceive_data/perception_paths.h"
#include "store/workspace.h"
#include "train_data/eval_compare.h"
#include "train_data/generator_eval.h"
#include "train_data/generator_io.h"
#include "train_data/reference_gain.h"
#include "world/catalog.h"

namespace psr::cli {
namespace {

using nlohmann::json;

struct EvalGeneratorArgs {
  std::string model = "sft", perceptionDir, out;
  std::vector<int> subjects{2, 3, 4};
  int samples = 50, threads = 0, batch = 16;
  std::uint64_t seed = 20260;
  std::int64_t steps = 20;
  double guidance = kDefaultGuidance;
  bool json = false, crop = false, whole = false, train = false;
};

void printSummary(const json& report) {
  std::printf("%-12s %-22s %-22s %-22s %-24s %s\n", "subjects", "PSR model", "PSR blind", "PSR oracle",
              "normalised consistency", "ref. change");
  for (const auto& [name, s] : report["subsets"].items()) {
    auto cell = [](const json& j) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.3f [%.3f, %.3f]", j["mean"].get<double>(), j["lo"].get<double>(),
                    j["hi"].get<double>());
      return std::string(buf);
    };
    std::printf("%-12s %-22s %-22s %-22s %-24s %.4f\n", name.c_str(), cell(s["model"]["psr"]).c_str(),
                cell(s["blind"]["psr"]).c_str(), cell(s["oracle"]["psr"]).c_str(),
                cell(s["normalized_consistency"]).c_str(), s["reference_change_mean_abs"]["mean"].get<double>());
  }
}

int runEvalGenerator(CliContext& ctx, const EvalGeneratorArgs& a) {
  if (a.threads > 0) at::set_num_threads(a.threads);
  auto ws = ctx.openWorkspace();
  const auto catalog = world::WorldCatalog::load(*ws);
  const auto modelDir = train_data::resolveGenerator(a.model);
  auto generator = model::loadGenerator(modelDir);
  auto perception = perceive::PerceptionModels::load(perceive_data::perceptionModelsDir(a.perceptionDir));
  train_data::GeneratorEvalSettings s;
  s.subjectCounts = a.subjects;
  s.samples = a.samples;
  s.seed = a.seed;
  s.steps = a.steps;
  s.guidance = a.guidance;
  s.batch = a.batch;
  s.heldout = !a.train;
  // A model trained on cropped references is measured as `psr generate` runs it: references
  // cut at the detector's box. --crop-references uses the renderer's boxes instead.
  using Crop = train_data::GeneratorEvalSettings::Crop;
  if (a.crop && a.whole) throw Error("--crop-references and --whole-references exclude each other", ErrorCode::InvalidArgument);
  s.crop = a.crop ? Crop::Truth : a.whole || !generator.config.reference_crop ? Crop::Whole : Crop::Detector;
  InterruptGuard guard(s.cancel);
  s.progress = [](long long done, long long total) {
    std::cerr << json{{"done", done}, {"total", total}}.dump() << std::endl;
  };
  const auto start = std::chrono::steady_clock::now();
  auto report = train_data::evaluateGenerator(generator, catalog, perception, s);
  report["model"] = a.model;
  report["model_path"] = modelDir.string();
  report["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!a.out.empty()) std::ofstream(a.out, std::ios::trunc) << report.dump(2) << '\n';
  if (a.json) std::cout << report.dump(2) << '\n';
  else printSummary(report);
  return kExitOk;
}

struct CompareArgs {
  std::vector<std::string> reports;  // A B [A2 B2 ...]
  bool json = false;
};

json readReport(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error("cannot read " + path, ErrorCode::NotFound);
  try {
    return json::parse(in);
  } catch (const json::exception& e) {
    throw Error(path + " is not a JSON report: " + e.what(), ErrorCode::InvalidArgument);
  }
}

int runCompare(const CompareArgs& a) {
  if (a.reports.size() < 2 || a.reports.size() % 2 != 0)
    throw Error("eval compare takes pairs of reports: A.json B.json [A2.json B2.json ...], got " +
                    std::to_string(a.reports.size()) + " file(s)",
                ErrorCode::InvalidArgument);
  std::vector<std::pair<json, json>> pairs;
  for (std::size_t i = 0; i < a.reports.size(); i += 2) pairs.emplace_back(readReport(a.reports[i]), readReport(a.reports[i + 1]));
  const auto report = train_data::compareEvalReportPairs(pairs);
  if (a.json) {
    std::cout << report.dump(2) << '\n';
    return kExitOk;
  }
  std::printf("A = %s, B = %s; A - B, mean [paired 95%% interval], * = interval excludes 0", report["a"].get<std::string>().c_str(),
              report["b"].get<std::string>().c_str());
  if (pairs.size() > 1) std::printf("; %zu pairs pooled (seeds %s)", pairs.size(), report["seeds"].dump().c_str());
  std::printf("\n");
  std::printf("%-12s %-28s %-28s %-28s %s\n", "subjects", "normalised consistency", "PSR", "semantic", "aesthetic");
  for (const auto& [name, s] : report["subsets"].items()) {
    auto cell = [](const json& j) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%+.3f [%+.3f, %+.3f]%s", j["mean"].get<double>(), j["lo"].get<double>(),
                    j["hi"].get<double>(), j["excludes_zero"].get<bool>() ? " *" : "");
      return std::string(buf);
    };
    std::printf("%-12s %-28s %-28s %-28s %s\n", name.c_str(), cell(s["normalized_consistency"]).c_str(),
                cell(s["psr"]).c_str(), cell(s["semantic"]).c_str(), cell(s["aesthetic"]).c_str());
  }
  return kExitOk;
}

struct ReferenceGainArgs {
  std::string model = "sft";
  train_data::ReferenceGainSettings settings;
  bool train = false, json = false;
  int threads = 0;
};

void printGain(const json& report) {
  std::printf("%-8s %-6s %-34s %s\n", "task", "t", "image loss with / without (gain)", "subject-pixel loss with / without (gain) [95% CI of difference]");
  for (const auto& [task, perT] : report["tasks"].items())
    for (const auto& [t, r] : perT.items()) {
      const auto& im = r["image"];
      const auto& su = r["subject"];
      std::printf("%-8s %-6s %.4f / %.4f (%+.3f)          %.4f / %.4f (%+.3f) [%+.4f, %+.4f]\n", task.c_str(), t.c_str(),
                  im["with_references"].get<double>(), im["without_references"].get<double>(), im["gain"].get<double>(),
                  su["with_references"].get<double>(), su["without_references"].get<double>(), su["gain"].get<double>(),
                  su["difference"]["lo"].get<double>(), su["difference"]["hi"].get<double>());
    }
}

int runReferenceGain(CliContext& ctx, ReferenceGainArgs a) {
  if (a.threads > 0) at::set_num_threads(a.threads);
  auto ws = ctx.openWorkspace();
  const auto catalog = world::WorldCatalog::load(*ws);
  const auto modelDir = train_data::resolveGenerator(a.model);
  auto generator = model::loadGenerator(modelDir);
  a.settings.heldout = !a.train;
  const auto start = std::chrono::steady_clock::now();
  auto report = train_data::measureReferenceGain(generator, catalog, a.settings);
  report["model"] = a.model;
  report["model_path"] = modelDir.string();
  report["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (a.json) std::cout << report.dump(2) << '\n';
  else printGain(report);
  return kExitOk;
}

}  // namespace

void addEvalCommands(CLI::App& app, CliContext& ctx) {
  auto* eval = app.add_subcommand("eval", "Measure models");
  eval->require_subcommand(1);
  auto* gen = eval->add_subcommand("generator", "Generator quality on held-out identities vs reference-blind and oracle");
  auto a = std::make_shared<EvalGeneratorArgs>();
  gen->add_option("--model", a->model, "base, sft, rl, a checkpoint folder or a training run");
  gen->add_option("--subjects", a->subjects, "Subject counts to evaluate (2 3 4)");
  gen->add_option("--samples", a->samples, "Scenes per subject count");
  gen->add_option("--seed", a->seed, "Seed of the scenes and the noise");
  gen->add_option("--steps", a->steps, "Sampling steps");
  gen->add_option("--guidance", a->guidance, "CFG scale");
  gen->add_option("--batch", a->batch, "Images per generation call");
  gen->add_option("--perception-models", a->perceptionDir, "Perception models folder");
  gen->add_option("--threads", a->threads, "Intra-op threads (0 = all cores)");
  gen->add_option("--out", a->out, "Also write the JSON report here");
  gen->add_flag("--crop-references", a->crop,
                "Give the model its references cut to their subject at the renderer's box (default for a model "
                "trained on cropped references: the detector's box, as psr generate)");
  gen->add_flag("--whole-references", a->whole, "Give the model its references whole, whatever it was trained on");
  gen->add_flag("--train-split", a->train,
                "Train-split identities instead of held-out ones (a memorisation check: compare the blind PSR)");
  gen->add_flag("--json", a->json, "Print JSON");
  gen->callback([&ctx, a] { ctx.action = [&ctx, a] { return runEvalGenerator(ctx, *a); }; });

  auto* cmp = eval->add_subcommand("compare", "Two `eval generator` reports of the same scenes (or several such pairs, pooled), A - B with paired intervals");
  auto c = std::make_shared<CompareArgs>();
  cmp->add_option("reports", c->reports,
                  "A.json B.json: reports of models A and B (psr eval generator --out) with the same seed, samples, "
                  "steps, guidance and split; more pairs of other seeds (A2.json B2.json ...) are pooled")
      ->required();
  cmp->add_flag("--json", c->json, "Print JSON");
  cmp->callback([&ctx, c] { ctx.action = [c] { return runCompare(*c); }; });

  auto* gain = eval->add_subcommand("reference-gain",
                                    "Reference-use probe: denoising loss with vs without the references (no sampling)");
  auto g = std::make_shared<ReferenceGainArgs>();
  gain->add_option("--model", g->model, "base, sft, rl, a checkpoint folder or a training run");
  gain->add_option("--tasks", g->settings.tasks, "World tasks: copy single multi");
  gain->add_option("--t", g->settings.timesteps, "Noise levels (0..1)");
  gain->add_option("--samples", g->settings.samples, "Scenes per task");
  gain->add_option("--batch", g->settings.batch, "Scenes per forward");
  gain->add_option("--seed", g->settings.seed, "Seed of the scenes and the noise");
  gain->add_flag("--train-split", g->train, "Train-split identities instead of held-out ones");
  gain->add_flag("--crop-references", g->settings.cropReferences, "References cut to their subject");
  gain->add_option("--threads", g->threads, "Intra-op threads (0 = all cores)");
  gain->add_flag("--json", g->json, "Print JSON");
  gain->callback([&ctx, g] { ctx.action = [&ctx, g] { return runReferenceGain(ctx, *g); }; });
}

}  // namespace psr::cli
