// `psr world stats|sample|render|bench`: the emoji world's catalog, scenes and renderer.
#include <atomic>
#include <exception>
#include <chrono>
#include <fstream>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/cli_context.h"
#include "cli/json_file.h"
#include "cli/exit_codes.h"
#include "common/error.h"
#include "store/workspace.h"
#include "world/catalog.h"
#include "world/image_codec.h"
#include "world/prompts.h"
#include "world/renderer.h"
#include "world/scene_sampler.h"

namespace psr::cli {
namespace {

using nlohmann::json;

world::Scene readScene(const std::string& file) { return world::sceneFromText(readTextFile(file, "scene")); }

void writeText(const std::string& file, const std::string& text) {
  std::ofstream out(file, std::ios::trunc);
  out << text;
  if (!out) throw Error("cannot write " + file, ErrorCode::Io);
}

json boxesJson(const world::Rendering& r) {
  json out = json::array();
  for (const auto& s : r.subjects) out.push_back({{"box", {s.box.x0, s.box.y0, s.box.x1, s.box.y1}}, {"area", s.area}});
  return out;
}

/// One synthesised sample: a random target scene, one reference scene per subject, the prompts.
void synthesiseOne(const world::WorldCatalog& c, world::SceneRenderer& r, world::Rng& rng, int subjects, int size) {
  const auto target = world::randomScene(c, rng, {subjects, std::nullopt, 0.4, 0.4, true});
  r.render(target, rng.next(), size);
  world::instruction(target, c, rng);
  world::t2iPrompt(target, c, rng);
  for (int i = 0; i < subjects; ++i) {
    const auto ref = world::makeReferenceScene(target, i, c, rng);
    r.render(ref, rng.next(), size);
    world::subjectScenePrompt(ref, c, rng);
  }
}

}  // namespace

void addWorldCommands(CLI::App& app, CliContext& ctx) {
  auto* world = app.add_subcommand("world", "The emoji world: catalog, scenes, rendering");
  world->require_subcommand(1);

  auto* stats = world->add_subcommand("stats", "Count vendors, categories, identities, splits and props");
  auto asJson = std::make_shared<bool>(false);
  stats->add_flag("--json", *asJson, "Print machine-readable JSON");
  stats->callback([&ctx, asJson] {
    ctx.action = [&ctx, asJson] {
      auto ws = ctx.openWorkspace();
      const auto s = world::worldStats(ws->db());
      if (*asJson) {
        std::cout << s.toJson().dump(2) << "\n";
      } else {
        std::cout << "vendors: " << s.vendors << "\ncategories: " << s.categories << " (held out: " << s.heldoutCategories
                  << ")\nidentities: " << s.identities << "\naccessories: " << s.accessories
                  << "\nactions: " << s.actions << "\nbackgrounds: " << s.backgrounds << "\n";
      }
      return int(kExitOk);
    };
  });

  struct SampleArgs {
    int subjects = 2;
    std::uint64_t seed = 1;
    std::string out, referenceOut;
  };
  auto sa = std::make_shared<SampleArgs>();
  auto* sample = world->add_subcommand("sample", "Write a random scene (and a reference scene) with its prompts");
  sample->add_option("--subjects", sa->subjects, "Subjects in the scene (1-4)")->check(CLI::Range(1, 4));
  sample->add_option("--seed", sa->seed, "Random seed");
  sample->add_option("--out", sa->out, "Scene JSON to write")->required();
  sample->add_option("--reference-out", sa->referenceOut, "Also write subject 1's reference scene here");
  sample->callback([&ctx, sa] {
    ctx.action = [&ctx, sa] {
      auto ws = ctx.openWorkspace();
      const auto catalog = world::WorldCatalog::load(*ws);
      world::Rng rng(sa->seed);
      const auto scene = world::randomScene(catalog, rng, {sa->subjects, std::nullopt, 0.5, 0.5, true});
      writeText(sa->out, world::toJson(scene).dump(2) + "\n");
      std::cout << "t2i: " << world::t2iPrompt(scene, catalog, rng) << "\n"
                << "instruction: " << world::instruction(scene, catalog, rng) << "\n";
      if (!sa->referenceOut.empty()) {
        const auto ref = world::makeReferenceScene(scene, 0, catalog, rng);
        writeText(sa->referenceOut, world::toJson(ref).dump(2) + "\n");
        std::cout << "reference: " << world::subjectScenePrompt(ref, catalog, rng) << "\n";
      }
      return int(kExitOk);
    };
  });

  struct RenderArgs {
    std::string scene, out;
    int size = 64;
    std::uint64_t seed = 0;
  };
  auto ra = std::make_shared<RenderArgs>();
  auto* render = world->add_subcommand("render", "Render a scene JSON to PNG; prints each subject's exact box");
  render->add_option("--scene", ra->scene, "Scene JSON")->required();
  render->add_option("--out", ra->out, "PNG to write")->required();
  render->add_option("--size", ra->size, "Width and height in pixels")->check(CLI::Range(8, 4096));
  render->add_option("--seed", ra->seed, "Seed of background details");
  render->callback([&ctx, ra] {
    ctx.action = [&ctx, ra] {
      auto ws = ctx.openWorkspace();
      const auto catalog = world::WorldCatalog::load(*ws);
      world::SceneRenderer renderer(catalog);
      const auto result = renderer.render(readScene(ra->scene), ra->seed, ra->size);
      world::writePngFile(ra->out, result.image);
      std::cout << json{{"out", ra->out}, {"size", ra->size}, {"subjects", boxesJson(result)}}.dump() << "\n";
      return int(kExitOk);
    };
  });

  struct BenchArgs {
    int size = 64, subjects = 2, threads = 1;
    double seconds = 3.0;
  };
  auto ba = std::make_shared<BenchArgs>();
  auto* bench = world->add_subcommand(
      "bench", "Measure synthesis throughput: random scene + one reference per subject, rendered, with prompts");
  bench->add_option("--size", ba->size, "Image size")->check(CLI::Range(8, 1024));
  bench->add_option("--subjects", ba->subjects, "Subjects per sample")->check(CLI::Range(1, 4));
  bench->add_option("--threads", ba->threads, "Worker threads, one renderer each")->check(CLI::Range(1, 64));
  bench->add_option("--seconds", ba->seconds, "Measurement time");
  bench->callback([&ctx, ba] {
    ctx.action = [&ctx, ba] {
      auto ws = ctx.openWorkspace();
      const auto catalog = world::WorldCatalog::load(*ws);
      std::atomic<long long> samples{0};
      std::atomic<bool> stop{false};
      // Warm-up is part of the measurement on purpose: a synthesis run starts cold as well.
      const auto started = std::chrono::steady_clock::now();
      std::vector<std::thread> workers;
      std::vector<std::exception_ptr> failures(std::size_t(ba->threads));
      for (int t = 0; t < ba->threads; ++t) {
        workers.emplace_back([&, t] {
          try {
            world::SceneRenderer renderer(catalog);
            world::Rng rng(1000 + std::uint64_t(t));
            while (!stop.load()) {
              synthesiseOne(catalog, renderer, rng, ba->subjects, ba->size);
              ++samples;
            }
          } catch (...) {
            failures[std::size_t(t)] = std::current_exception();
            stop = true;
          }
        });
      }
      const auto deadline = started + std::chrono::duration<double>(ba->seconds);
      while (!stop.load() && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      stop = true;
      for (auto& w : workers) w.join();
      for (const auto& f : failures) {
        if (f) std::rethrow_exception(f);
      }
      const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      std::cout << json{{"size", ba->size}, {"subjects", ba->subjects}, {"threads", ba->threads},
                        {"samples", samples.load()}, {"seconds", elapsed},
                        {"samples_per_s", samples.load() / elapsed},
                        {"renders_per_s", samples.load() * (ba->subjects + 1) / elapsed}}
                       .dump()
                << "\n";
      return int(kExitOk);
    };
  });
}

}  // namespace psr::cli
