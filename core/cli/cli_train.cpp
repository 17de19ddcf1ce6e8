// `psr train sft --config JOB.json`: the SFT trainer with its data source, progress on stderr,
// metrics/checkpoints in the workspace, SIGINT = save and stop (exit 130), automatic resume.
#include <fstream>

#include <ATen/ATen.h>
#include <iostream>
#include <optional>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/cli_context.h"
#include "cli/exit_codes.h"
#include "cli/interrupt_guard.h"
#include "cli/json_file.h"
#include "common/error.h"
#include "model/checkpoint.h"
#include "store/workspace.h"
#include "perceive_data/perception_paths.h"
#include "train/distributed.h"
#include "train/grpo_trainer.h"
#include "train/shard_source.h"
#include "train/sft_trainer.h"
#include "train_data/generator_io.h"
#include "pipeline/subset_mix.h"
#include "train_data/rl_world.h"
#include "train_data/run_log.h"
#include "train_data/world_source.h"
#include "world/catalog.h"

namespace psr::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct SftArgs {
  std::string config, out;
  std::int64_t steps = 0, jobId = 0;
  bool json = false;
};

json readJobFile(const fs::path& file) { return readJsonFile(file, "job spec"); }

std::vector<fs::path> shardPaths(const json& shards, const fs::path& base) {
  std::vector<fs::path> paths;
  auto add = [&](const json& p) {
    if (!p.is_string()) throw Error("job spec: data.shards must be a path or a list of paths", ErrorCode::InvalidArgument);
    fs::path path = p.get<std::string>();
    paths.push_back(path.is_absolute() ? path : base / path);
  };
  if (shards.is_array()) for (const auto& p : shards) add(p);
  else add(shards);
  return paths;
}

int runSftCommand(CliContext& ctx, const SftArgs& a) {
  const fs::path jobFile = a.config;
  auto spec = readJobFile(jobFile);
  if (a.steps > 0) spec["steps"] = a.steps;
  if (!a.out.empty()) spec["out"] = a.out;
  auto config = train::SftConfig::fromJson(spec);
  auto ws = ctx.openWorkspace();
  if (config.out.empty()) config.out = config.name;
  if (config.out.is_relative()) config.out = ws->runsDir() / config.out;
  // Relative paths in a spec (init, shards) are under the workspace folder, so shipped specs
  // work in any workspace; base/sft/rl name the shipped models.
  if (!config.init.empty()) {
    const auto s = config.init.string();
    if (config.init.is_relative() && s != "base" && s != "sft" && s != "rl") config.init = ws->dir() / config.init;
    config.init = train_data::resolveGenerator(config.init.string());
  }

  // Data: shards (paths relative to the workspace) or renders of the workspace's world.
  std::unique_ptr<train::SampleSource> source;
  std::unique_ptr<world::WorldCatalog> catalog;
  if (config.data.contains("shards")) {
    source = std::make_unique<train::ShardSource>(shardPaths(config.data["shards"], ws->dir()),
                                                  config.references, config.seed);
  } else if (config.data.contains("world")) {
    catalog = std::make_unique<world::WorldCatalog>(world::WorldCatalog::load(*ws));
    const int size = config.model ? int(config.model->codec.image_size) : 64;
    source = std::make_unique<train_data::WorldSource>(
        *catalog, train_data::WorldSourceOptions::fromJson(config.data["world"], config.steps, size), config.references,
        config.seed);
  } else {
    throw Error("job spec: data must contain \"shards\" or \"world\"", ErrorCode::InvalidArgument);
  }

  auto record = config.toJson();
  record["data_source"] = source->describe();
  fs::create_directories(config.out);
  if (train::environmentRank() == 0) std::ofstream(config.out / "job.json", std::ios::trunc) << record.dump(2) << '\n';
  // Under data parallelism (RANK/WORLD_SIZE) rank 0 alone records the job in the workspace.
  const bool primary = train::environmentRank() == 0;
  std::optional<train_data::RunLog> log;
  if (primary) log.emplace(*ws, "sft", record, config.device, a.jobId);

  train::SftHooks hooks;
  InterruptGuard guard(hooks.cancel);
  std::ofstream metricsFile;
  if (primary) metricsFile.open(config.out / "metrics.jsonl", std::ios::app);
  hooks.onMetrics = [&](std::int64_t step, std::int64_t steps, const std::map<std::string, double>& values) {
    json line = {{"done", step}, {"total", steps}};
    for (const auto& [k, v] : values) line[k] = v;
    std::cerr << line.dump() << std::endl;
    metricsFile << line.dump() << '\n' << std::flush;
    if (log) log->metrics(step, values);
  };
  hooks.onSamples = [&](std::int64_t step, const at::Tensor& grid) {
    char name[32];
    std::snprintf(name, sizeof name, "step-%07lld.png", static_cast<long long>(step));
    train_data::writeModelImage(config.out / "samples" / name, grid);
  };
  hooks.onCheckpoint = [&](std::int64_t step, const fs::path& dir) {
    if (log) log->checkpoint(config.name, record, step, dir);
    std::cerr << json{{"event", "checkpoint"}, {"step", step}, {"path", dir.string()}}.dump() << std::endl;
  };
  train::SftResult result;
  try {
    result = train::runSft(config, *source, hooks);
  } catch (const Error& e) {
    if (log) log->finish("failed", exitCodeFor(e.code()), e.what());
    throw;
  } catch (const std::exception& e) {
    if (log) log->finish("failed", kExitError, e.what());
    throw;
  }
  const int code = result.cancelled ? kExitCancelled : kExitOk;
  // A stopped run saved a checkpoint: it is paused, and resuming continues from there.
  if (log) log->finish(result.cancelled ? "paused" : "finished", code,
             result.cancelled ? "stopped at step " + std::to_string(result.step) + " (checkpoint saved)" : "");
  auto report = result.toJson();
  report["job_id"] = log ? log->jobId() : 0;
  report["out"] = config.out.string();
  if (a.json) std::cout << report.dump(2) << '\n';
  else
    std::cout << (result.cancelled ? "stopped" : "finished") << " at step " << result.step << "; checkpoint "
              << result.checkpoint.string() << '\n';
  return code;
}

struct RlArgs {
  std::string config, out, perceptionDir;
  std::int64_t epochs = 0, jobId = 0;
  bool json = false;
};

int runRlCommand(CliContext& ctx, const RlArgs& a) {
  auto spec = readJobFile(a.config);
  if (a.epochs > 0) spec["epochs"] = a.epochs;
  if (!a.out.empty()) spec["out"] = a.out;
  auto config = train::RlConfig::fromJson(spec);
  auto ws = ctx.openWorkspace();
  if (config.out.empty()) config.out = config.name;
  if (config.out.is_relative()) config.out = ws->runsDir() / config.out;
  {
    const auto s = config.init.string();
    if (config.init.is_relative() && s != "base" && s != "sft" && s != "rl") config.init = ws->dir() / config.init;
    config.init = train_data::resolveGenerator(config.init.string());
  }
  if (!config.data.contains("world"))
    throw Error("job spec: RL prompts come from {\"world\": {\"subjects\": {...}}}", ErrorCode::InvalidArgument);
  const auto catalog = world::WorldCatalog::load(*ws);
  const auto& w = config.data["world"];
  const auto mix = train::ReferenceMix::fromJson(w.value("subjects", json{{"2", 0.9}, {"3", 0.05}, {"4", 0.05}}));
  const auto probe = model::loadGenerator(config.init);
  train_data::WorldPrompts prompts(catalog, mix, config.seed, int(probe.config.codec.image_size), probe.config.reference_crop);
  if (w.contains("tasks")) {
    if (w.contains("subjects"))
      throw Error("job spec: data.world takes \"subjects\" (generic scenes) or \"tasks\" (the seven task types), "
                  "not both: a task fixes its subject count",
                  ErrorCode::InvalidArgument);
    prompts.drawTasks(pipeline::SubsetMix::fromJson(w["tasks"]));
  }
  auto perception = perceive::PerceptionModels::load(perceive_data::perceptionModelsDir(a.perceptionDir));
  train_data::PerceptionReward reward(perception);

  auto record = config.toJson();
  record["prompt_source"] = prompts.describe();
  // Under data parallelism (RANK/WORLD_SIZE) rank 0 alone writes the run folder and workspace rows.
  const bool primary = train::environmentRank() == 0;
  fs::create_directories(config.out / "groups");
  if (primary) std::ofstream(config.out / "job.json", std::ios::trunc) << record.dump(2) << '\n';
  std::optional<train_data::RunLog> log;
  if (primary) log.emplace(*ws, "rl", record, config.device, a.jobId);
  train::RlHooks hooks;
  InterruptGuard guard(hooks.cancel);
  std::ofstream metricsFile;
  if (primary) metricsFile.open(config.out / "metrics.jsonl", std::ios::app);
  hooks.onMetrics = [&](std::int64_t epoch, std::int64_t epochs, const std::map<std::string, double>& values) {
    json line = {{"done", epoch}, {"total", epochs}};
    for (const auto& [k, v] : values) line[k] = v;
    std::cerr << line.dump() << std::endl;
    if (!log) return;
    metricsFile << line.dump() << '\n' << std::flush;
    log->metrics(epoch, values);
  };
  hooks.onGroup = [&](std::int64_t epoch, const json& group, const at::Tensor& images) {
    char name[32];
    std::snprintf(name, sizeof name, "epoch-%07lld", static_cast<long long>(epoch));
    std::ofstream(config.out / "groups" / (std::string(name) + ".json"), std::ios::trunc) << group.dump(2) << '\n';
    train_data::writeModelImage(config.out / "groups" / (std::string(name) + ".png"), at::cat(images.unbind(0), 2));
  };
  hooks.onCheckpoint = [&](std::int64_t epoch, const fs::path& dir) {
    if (log) log->checkpoint(config.name, record, epoch, dir);
    std::cerr << json{{"event", "checkpoint"}, {"step", epoch}, {"path", dir.string()}}.dump() << std::endl;
  };
  train::RlResult result;
  try {
    result = train::runRl(config, prompts, reward, hooks);
  } catch (const Error& e) {
    if (log) log->finish("failed", exitCodeFor(e.code()), e.what());
    throw;
  } catch (const std::exception& e) {
    if (log) log->finish("failed", kExitError, e.what());
    throw;
  }
  // One place decides how the run ends in the workspace: paused (stopped with a checkpoint), finished, or
  // finished early by the KL ceiling.
  const int code = result.cancelled ? kExitCancelled : kExitOk;
  const std::string state = result.cancelled ? "paused" : "finished";
  std::string message = result.cancelled ? "stopped at epoch " + std::to_string(result.epoch) + " (checkpoint saved)" : "";
  if (result.klStopEpoch > 0) {
    char kl[64];
    std::snprintf(kl, sizeof kl, "KL %.3g over kl_max %.3g", result.klStopValue, config.klMax);
    message = "stopped at epoch " + std::to_string(result.klStopEpoch) + ": " + kl;
    std::cerr << json{{"event", "kl_stop"}, {"epoch", result.klStopEpoch}, {"kl", result.klStopValue}, {"kl_max", config.klMax}}.dump()
              << std::endl;
    if (result.checkpoint.empty()) {
      // Nothing usable: a failure, not a finish. Resuming would stop at the same epoch again.
      message += "; no checkpoint was written yet (checkpoint_every " + std::to_string(config.checkpointEvery) +
                 "); raise kl_max or lower lr";
      if (log) log->finish("failed", kExitError, message);
      throw Error(message, ErrorCode::Generic);
    }
    message += "; the run's model is its epoch-" + std::to_string(result.epoch) +
               " checkpoint (a resume stops there again: raise kl_max to go on)";
    std::cerr << message << std::endl;
  }
  if (log) log->finish(state, code, message);
  auto report = result.toJson();
  report["job_id"] = log ? log->jobId() : 0;
  report["out"] = config.out.string();
  if (a.json) std::cout << report.dump(2) << '\n';
  else if (result.klStopEpoch > 0)
    std::cout << "stopped by kl_max at epoch " << result.klStopEpoch << "; checkpoint " << result.checkpoint.string() << " (epoch "
              << result.epoch << ")\n";
  else
    std::cout << (result.cancelled ? "stopped" : "finished") << " at epoch " << result.epoch << "; checkpoint "
                 << result.checkpoint.string() << '\n';
  return code;
}

}  // namespace

void addTrainCommands(CLI::App& app, CliContext& ctx) {
  auto* train = app.add_subcommand("train", "Train generators: SFT and Flow-GRPO RL");
  train->require_subcommand(1);
  auto* sft = train->add_subcommand("sft", "Flow-matching SFT (full or LoRA) from a JSON job spec; resumes from the run's newest checkpoint");
  auto sa = std::make_shared<SftArgs>();
  sft->add_option("--config", sa->config, "Job spec JSON")->required();
  sft->add_option("--out", sa->out, "Run folder (overrides the spec's out; a relative path is under the workspace's runs/)");
  sft->add_option("--steps", sa->steps, "Total steps (overrides the spec)");
  sft->add_option("--job-id", sa->jobId, "The workspace job row this run belongs to (set by the studio)");
  sft->add_flag("--json", sa->json, "Print the result as JSON");
  sft->callback([&ctx, sa] { ctx.action = [&ctx, sa] { return runSftCommand(ctx, *sa); }; });
  auto* rl = train->add_subcommand("rl", "Flow-GRPO with the pairwise subject-consistency reward from a JSON job spec; resumes");
  auto ra = std::make_shared<RlArgs>();
  rl->add_option("--config", ra->config, "Job spec JSON")->required();
  rl->add_option("--out", ra->out, "Run folder (overrides the spec's out; a relative path is under the workspace's runs/)");
  rl->add_option("--epochs", ra->epochs, "Total epochs (overrides the spec)");
  rl->add_option("--perception-models", ra->perceptionDir, "Perception models folder");
  rl->add_option("--job-id", ra->jobId, "The workspace job row this run belongs to (set by the studio)");
  rl->add_flag("--json", ra->json, "Print the result as JSON");
  rl->callback([&ctx, ra] { ctx.action = [&ctx, ra] { return runRlCommand(ctx, *ra); }; });
}

}  // namespace psr::cli
