// `psr data synth|export|stats|bench`: the two-stage data pipeline and its exports.
#include <csignal>
#include <chrono>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <optional>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/cli_context.h"
#include "cli/interrupt_guard.h"
#include "cli/exit_codes.h"
#include "cli/plugin_providers.h"
#include "common/error.h"
#include "common/logging.h"
#include "common/paths.h"
#include "pipeline/dataset_stats.h"
#include "pipeline/export_psrbench.h"
#include "pipeline/export_shards.h"
#include "pipeline/grounded_prompt_writer.h"
#include "pipeline/sample_writer.h"
#include "pipeline/synthesize.h"
#include "pipeline/world_providers.h"
#include "plugin/plugin_loader.h"
#include "store/workspace.h"
#include "world/catalog.h"

namespace psr::cli {
namespace {

using nlohmann::json;

/// A stderr progress line, redrawn at most five times a second.
ProgressFn throttledProgress(bool enabled) {
  if (!enabled) return {};
  auto last = std::make_shared<std::chrono::steady_clock::time_point>();
  return [last](const Progress& p) {
    const auto now = std::chrono::steady_clock::now();
    if (p.done < p.total && now - *last < std::chrono::milliseconds(200)) return;
    *last = now;
    std::cerr << "\rsynth: " << p.done << "/" << p.total << " samples, " << p.message << "   " << std::flush;
  };
}

void printSynthReport(const pipeline::SynthReport& r) {
  const json j = r.toJson();
  std::cout << "run " << r.runId << " (" << r.dataset << "): " << r.state << ", " << r.produced << "/" << r.count
            << " samples in " << r.attempted << " attempts\n";
  if (!r.message.empty()) std::cout << "  " << r.message << "\n";
  std::cout << "  by subset:";
  for (const auto& [subset, n] : r.bySubset) std::cout << " " << subset << "=" << n;
  std::cout << "\n  rejects:";
  if (r.rejects.empty()) std::cout << " none";
  for (const auto& [reason, n] : r.rejects) std::cout << " " << reason << "=" << n;
  std::cout << std::fixed << std::setprecision(1) << "\n  " << r.producedNow << " new samples in " << r.seconds
            << " s = " << j["samples_per_s"].get<double>() << " samples/s (" << j["samples_per_cpu_s"].get<double>()
            << " per CPU second)\n  stage share:";
  for (const auto& [stage, share] : j["stage_share"].items())
    std::cout << " " << stage << "=" << share.get<double>() * 100 << "%";
  std::cout << std::setprecision(3) << "\n  insert/render time ratio: " << j["insert_to_render"].get<double>() << "\n";
}

struct SynthArgs {
  std::string subset, split = "train", dataset = "synthetic";
  std::string promptWriter = pipeline::kWorldProviderName, captioner = pipeline::kWorldProviderName;
  std::string providerConfig;
  long long count = 0, resume = 0;
  std::uint64_t seed = 0;
  int batch = 64, size = 64, threads = 2, writers = 2;
  pipeline::FilterThresholds filters;
  bool json = false;
};

pipeline::SynthSpec specOf(const SynthArgs& a) {
  pipeline::SynthSpec spec;
  if (a.resume == 0) {
    if (a.subset != "all") spec.subset = pipeline::parseSubset(a.subset);
    if (a.split != "train" && a.split != "heldout") {
      throw Error("--split must be train or heldout, got '" + a.split + "'", ErrorCode::InvalidArgument);
    }
    spec.split = a.split == "heldout" ? world::Split::Heldout : world::Split::Train;
  }
  spec.count = a.count;
  spec.seed = a.seed;
  spec.batchSize = a.batch;
  spec.imageSize = a.size;
  spec.dataset = a.dataset;
  spec.filters = a.filters;
  spec.threads = a.threads;
  spec.blobWriters = a.writers;
  spec.resumeRun = a.resume;
  return spec;
}

/// The built-in emoji-world providers with the named plugin prompt writer and captioner in place
/// of the world's. The plugin providers are made once and shared by the worker threads (so one
/// rate limit covers the run); the LLM's prompts keep the world's scenes (GroundedPromptWriter)
/// so the renderer-backed stages downstream still have their ground truth.
pipeline::ProviderFactory selectedProviders(const SynthArgs& a, const world::WorldCatalog& catalog, int imageSize) {
  const auto dirs = pluginDirs();
  plugin::Registry registry(logger());
  plugin::loadPlugins(dirs, registry);
  std::shared_ptr<pipeline::PromptWriter> writer;
  std::shared_ptr<pipeline::Captioner> captioner;
  if (a.promptWriter != pipeline::kWorldProviderName) {
    writer = pluginProvider<pipeline::PromptWriter>(registry, a.promptWriter, "--prompt-writer",
                                                    providerConfig(a.providerConfig, "--provider-config", "prompt_writer"),
                                                    dirs, pipeline::kWorldProviderName);
  }
  if (a.captioner != pipeline::kWorldProviderName) {
    captioner = pluginProvider<pipeline::Captioner>(registry, a.captioner, "--captioner",
                                                    providerConfig(a.providerConfig, "--provider-config", "captioner"),
                                                    dirs, pipeline::kWorldProviderName);
  }
  return [&catalog, imageSize, writer, captioner] {
    pipeline::ProviderSet set = pipeline::worldProviders(catalog, imageSize);
    if (writer) set.promptWriter = std::make_shared<pipeline::GroundedPromptWriter>(writer, set.promptWriter);
    if (captioner) set.captioner = captioner;
    return set;
  };
}

void addSynth(CLI::App& data, CliContext& ctx) {
  auto a = std::make_shared<SynthArgs>();
  auto* synth =
      data.add_subcommand("synth", "Synthesise (references, instruction, target) samples with the two-stage pipeline");
  synth->add_option("--subset", a->subset, "attribute, action, background, position, complex, three, four or all");
  synth->add_option("--count", a->count, "Samples to produce (accepted by the filters)");
  synth->add_option("--split", a->split, "Identities of this split only: train or heldout");
  synth->add_option("--seed", a->seed, "Run seed; sample N depends only on (seed, N)");
  synth->add_option("--dataset", a->dataset, "Dataset name (created when missing)");
  synth->add_option("--resume", a->resume, "Continue synthesis run RUN after its last committed batch");
  synth->add_option("--batch-size", a->batch, "Samples per transaction");
  synth->add_option("--size", a->size, "Image size in pixels");
  synth->add_option("--threads", a->threads, "Worker threads making candidates");
  synth->add_option("--blob-writers", a->writers, "Threads writing blob files");
  synth->add_option("--min-consistency", a->filters.minConsistency, "Reject below this per-subject consistency (0-1)");
  synth->add_option("--min-detector-confidence", a->filters.minDetectorConfidence,
                    "Reject below this per-subject detector confidence (0-1)");
  synth->add_option("--max-copy-paste", a->filters.maxCopyPaste,
                    "Reject above this reference-to-target copy-paste similarity (0-1)");
  synth->add_option("--prompt-writer", a->promptWriter,
                    "Prompt writer (LLM): emoji-world (built-in) or a plugin's, e.g. openai");
  synth->add_option("--captioner", a->captioner,
                    "Captioner (MLLM): emoji-world (built-in) or a plugin's, e.g. openai");
  synth->add_option("--provider-config", a->providerConfig,
                    "JSON settings of the plugin providers: one object for both, or "
                    "{\"prompt_writer\": {...}, \"captioner\": {...}}");
  synth->add_flag("--json", a->json, "Print the report as JSON");
  synth->callback([&ctx, a] {
    ctx.action = [&ctx, a] {
      if (a->resume == 0 && a->subset.empty())
        throw Error("--subset is required (or --resume RUN)", ErrorCode::InvalidArgument);
      if (a->resume == 0 && a->count <= 0) {
        throw Error("--count must be a positive number of samples, got " + std::to_string(a->count),
                    ErrorCode::InvalidArgument);
      }
      if (a->resume != 0 && (!a->subset.empty() || a->count != 0)) {
        throw Error("--resume continues a run with its stored spec; leave out --subset and --count",
                    ErrorCode::InvalidArgument);
      }
      auto spec = specOf(*a);
      if (a->json) setConsoleLogLevel(spdlog::level::warn);
      auto ws = ctx.openWorkspace();
      // Outlives the run: the providers' factory refers to it.
      std::optional<world::WorldCatalog> catalog;
      if (a->promptWriter != pipeline::kWorldProviderName || a->captioner != pipeline::kWorldProviderName) {
        const int imageSize = a->resume == 0
                                  ? spec.imageSize
                                  : pipeline::SynthSpec::fromJson(pipeline::loadRun(ws->db(), a->resume).spec).imageSize;
        catalog = world::WorldCatalog::load(*ws);
        spec.providers = selectedProviders(*a, *catalog, imageSize);
      } else if (!a->providerConfig.empty()) {
        logger()->warn("--provider-config is not used: the built-in emoji-world providers take no settings");
      }
      CancellationToken cancel;
      InterruptGuard guard(cancel);
      const auto report = pipeline::synthesize(*ws, spec, throttledProgress(!a->json), cancel);
      if (!a->json) std::cerr << "\n";
      if (a->json) {
        std::cout << report.toJson().dump(2) << "\n";
      } else {
        printSynthReport(report);
      }
      if (report.state == "cancelled") return int(kExitCancelled);
      return report.state == "finished" ? int(kExitOk) : int(kExitError);
    };
  });
}

void addExports(CLI::App& data, CliContext& ctx) {
  auto* exp = data.add_subcommand("export", "Export a dataset: training shards or the PSRBench layout");
  exp->require_subcommand(1);

  auto so = std::make_shared<pipeline::ShardExportOptions>();
  auto shardSplit = std::make_shared<std::string>("train");
  auto* shards = exp->add_subcommand("shards", "Write safetensors training shards (uint8 images, text, metadata)");
  shards->add_option("--out", so->outDir, "Output folder")->required();
  shards->add_option("--dataset", so->dataset, "Dataset name");
  shards->add_option("--split", *shardSplit, "train, heldout or all");
  shards->add_option("--shard-size", so->shardSize, "Samples per shard");
  shards->callback([&ctx, so, shardSplit] {
    ctx.action = [&ctx, so, shardSplit] {
      if (*shardSplit != "train" && *shardSplit != "heldout" && *shardSplit != "all") {
        throw Error("--split must be train, heldout or all", ErrorCode::InvalidArgument);
      }
      so->split = *shardSplit == "all" ? "" : *shardSplit;
      auto ws = ctx.openWorkspace();
      const auto r = pipeline::exportShards(*ws, *so);
      std::cout << json{{"out", so->outDir.string()}, {"shards", r.shards}, {"samples", r.samples}}.dump() << "\n";
      return int(kExitOk);
    };
  });

  auto po = std::make_shared<pipeline::PsrBenchExportOptions>();
  auto* bench = exp->add_subcommand("psrbench", "Write the official PSRBench layout (<Subset>.json + subjects/)");
  bench->add_option("--out", po->outDir, "Output folder")->required();
  bench->add_option("--dataset", po->dataset, "Dataset name");
  bench->add_option("--split", po->split, "train or heldout (default heldout, as the benchmark uses)");
  bench->add_option("--per-subset", po->perSubset, "Items per subset (0: all; PSRBench has 50)");
  bench->callback([&ctx, po] {
    ctx.action = [&ctx, po] {
      auto ws = ctx.openWorkspace();
      const auto r = pipeline::exportPsrBench(*ws, *po);
      std::cout << json{{"out", po->outDir.string()}, {"items", r.itemsBySubset}, {"images", r.images}}.dump() << "\n";
      return int(kExitOk);
    };
  });
}

void addStats(CLI::App& data, CliContext& ctx) {
  auto asJson = std::make_shared<bool>(false);
  auto* stats = data.add_subcommand("stats", "Samples by subset and split, reviews, rejects of the last runs");
  stats->add_flag("--json", *asJson, "Print machine-readable JSON");
  stats->callback([&ctx, asJson] {
    ctx.action = [&ctx, asJson] {
      auto ws = ctx.openWorkspace();
      const json s = pipeline::datasetStats(ws->db());
      std::cout << (*asJson ? s.dump(2) : pipeline::formatDatasetStats(s)) << "\n";
      return int(kExitOk);
    };
  });
}

}  // namespace

void addDataCommands(CLI::App& app, CliContext& ctx) {
  auto* data = app.add_subcommand("data", "The data pipeline: synthesis, exports, statistics");
  data->require_subcommand(1);
  addSynth(*data, ctx);
  addExports(*data, ctx);
  addStats(*data, ctx);
}

}  // namespace psr::cli
