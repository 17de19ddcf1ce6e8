// `psr perceive train|eval|bench`: the perception models (detector, subject features, aesthetic)
// trained and measured on the emoji world.
#include <ATen/Parallel.h>
#include <csignal>
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/cli_context.h"
#include "cli/interrupt_guard.h"
#include "cli/exit_codes.h"
#include "common/error.h"
#include "perceive/perception_models.h"
#include "perceive_data/perception_eval.h"
#include "perceive_data/perception_paths.h"
#include "perceive_data/perception_training.h"
#include "perceive_data/reward_bench.h"
#include "store/workspace.h"
#include "world/catalog.h"

namespace psr::cli {
namespace {

using nlohmann::json;

struct TrainArgs {
  std::string model, out, modelsDir, init;
  int steps = 0, batch = 0, threads = 2;
  double learningRate = 2e-3, actionChance = 0.6;
  std::uint64_t seed = 1;
  bool json = false;
};

int runTrain(CliContext& ctx, const TrainArgs& a) {
  const auto which = perceive_data::parsePerceptionModel(a.model);
  auto ws = ctx.openWorkspace();
  const auto catalog = world::WorldCatalog::load(*ws);
  perceive_data::TrainSettings s;
  s.steps = a.steps;
  s.batch = a.batch;
  s.seed = a.seed;
  s.learningRate = a.learningRate;
  s.actionChance = a.actionChance;
  if (!a.init.empty()) s.init = a.init;
  s.threads = a.threads;
  s.out = a.out.empty() ? perceive_data::perceptionCheckpoint(perceive_data::perceptionModelsDir(a.modelsDir), a.model)
                        : std::filesystem::path(a.out);
  s.progress = [&](int step, int steps, double loss) {
    std::cerr << "\r" << a.model << " step " << step << "/" << steps << " loss " << loss << std::flush;
  };
  InterruptGuard guard(s.cancel);  // SIGINT: save what it has and stop
  const auto report = perceive_data::trainPerceptionModel(which, catalog, s);
  std::cerr << "\n";
  if (a.json) {
    std::cout << report.toJson().dump(2) << "\n";
  } else {
    std::cout << report.model << ": " << report.steps << " steps in " << report.seconds << " s, loss "
              << report.firstLoss << " -> " << report.lastLoss << ", " << report.parameters << " parameters, "
              << report.checkpoint.string() << " (" << report.checkpointBytes << " bytes)"
              << (report.cancelled ? " [interrupted]" : "") << "\n";
  }
  return report.cancelled ? int(kExitCancelled) : int(kExitOk);
}

struct EvalArgs {
  std::string modelsDir;
  std::uint64_t seed = 20260;
  int threads = 2, batch = 64, iterations = 5;
  std::vector<std::string> only;
  bool json = false;
};

int runEval(CliContext& ctx, const EvalArgs& a) {
  at::set_num_threads(std::max(1, a.threads));
  auto ws = ctx.openWorkspace();
  const auto catalog = world::WorldCatalog::load(*ws);
  auto models = perceive::PerceptionModels::load(perceive_data::perceptionModelsDir(a.modelsDir));
  perceive_data::EvalSettings settings;
  settings.seed = a.seed;
  settings.only = {a.only.begin(), a.only.end()};
  auto report = perceive_data::evaluatePerception(models, catalog, settings);
  bool allPass = true;
  for (const auto& t : report["targets"]) allPass = allPass && t["pass"].get<bool>();
  report["all_pass"] = allPass;
  if (a.json) {
    std::cout << report.dump(2) << "\n";
  } else {
    for (const auto& t : report["targets"]) {
      std::cout << (t["pass"].get<bool>() ? "pass " : "FAIL ") << t["name"].get<std::string>() << " "
                << t["value"].get<double>() << " (target " << t["target"].get<double>() << ")\n";
    }
    std::cout << report["details"].dump(2) << "\n";
  }
  return kExitOk;
}

int runBench(CliContext& ctx, const EvalArgs& a) {
  at::set_num_threads(std::max(1, a.threads));
  auto ws = ctx.openWorkspace();
  const auto catalog = world::WorldCatalog::load(*ws);
  auto models = perceive::PerceptionModels::load(perceive_data::perceptionModelsDir(a.modelsDir));
  perceive_data::BenchSettings settings;
  settings.batch = a.batch;
  settings.iterations = a.iterations;
  const auto report = perceive_data::benchmarkReward(models, catalog, settings);
  if (a.json) {
    std::cout << report.dump(2) << "\n";
  } else {
    std::cout << "full reward: " << report["images_per_s"].get<double>() << " images/s (batch " << a.batch << ", "
              << report["threads"].get<int>() << " threads; target 100)\n"
              << "achieved " << report["achieved_gflops"].get<double>() << " GFLOP/s of a "
              << report["matmul_peak_gflops"].get<double>() << " GFLOP/s matmul peak\n";
  }
  return kExitOk;
}

}  // namespace

void addPerceiveCommands(CLI::App& app, CliContext& ctx) {
  auto* perceive = app.add_subcommand("perceive", "Perception models: detector, subject features, aesthetic scorer");
  perceive->require_subcommand(1);

  auto* train = perceive->add_subcommand("train", "Train one perception model on emoji-world renders");
  auto ta = std::make_shared<TrainArgs>();
  train->add_option("model", ta->model, "detector, features or aesthetic")->required();
  train->add_option("--steps", ta->steps, "Optimiser steps (default per model)");
  train->add_option("--batch", ta->batch, "Batch size (default per model)");
  train->add_option("--seed", ta->seed, "Seed of the data and the initialisation");
  train->add_option("--threads", ta->threads, "Intra-op threads");
  train->add_option("--lr", ta->learningRate, "Peak learning rate (warm-up, then cosine decay to 5 %)");
  train->add_option("--init", ta->init, "Continue from this checkpoint of the same model (use a new --seed for new data)");
  train->add_option("--out", ta->out, "Checkpoint file (default: <models>/<model>.safetensors)");
  train->add_option("--models", ta->modelsDir, "Perception models folder");
  train->add_option("--action-chance", ta->actionChance, "Detector: share of subjects doing an action (default 0.6)")
      ->check(CLI::Range(0.0, 1.0));
  train->add_flag("--json", ta->json, "Print the training report as JSON");
  train->callback([&ctx, ta] { ctx.action = [&ctx, ta] { return runTrain(ctx, *ta); }; });

  auto* eval = perceive->add_subcommand("eval", "Measure every quality target on held-out identities");
  auto ea = std::make_shared<EvalArgs>();
  eval->add_option("--models", ea->modelsDir, "Perception models folder");
  eval->add_option("--seed", ea->seed, "Seed of the evaluation renders");
  eval->add_option("--threads", ea->threads, "Intra-op threads");
  eval->add_option("--only", ea->only, "Measure only these parts: detector features aesthetic semantic psr");
  eval->add_flag("--json", ea->json, "Print JSON");
  eval->callback([&ctx, ea] { ctx.action = [&ctx, ea] { return runEval(ctx, *ea); }; });

  auto* bench = perceive->add_subcommand("bench", "Full reward images/s on 64x64 two-subject renders");
  auto ba = std::make_shared<EvalArgs>();
  bench->add_option("--models", ba->modelsDir, "Perception models folder");
  bench->add_option("--batch", ba->batch, "Images per reward call");
  bench->add_option("--iterations", ba->iterations, "Timed reward calls");
  bench->add_option("--threads", ba->threads, "Intra-op threads");
  bench->add_flag("--json", ba->json, "Print JSON");
  bench->callback([&ctx, ba] { ctx.action = [&ctx, ba] { return runBench(ctx, *ba); }; });
}

}  // namespace psr::cli
