// `psr generate` (0-4 references + a prompt -> images) and `psr model create` (an untrained
// checkpoint of a preset, for tests and as a training starting point).
#include <chrono>
#include <iostream>

#include <ATen/ATen.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/cli_context.h"
#include "cli/exit_codes.h"
#include "cli/interrupt_guard.h"
#include "common/error.h"
#include "common/sampling_defaults.h"
#include "model/checkpoint.h"
#include "model/generation.h"
#include "model/weight_average.h"
#include "perceive/perception_models.h"
#include "perceive_data/perception_paths.h"
#include "train_data/generator_io.h"
#include "train_data/reference_crop.h"

namespace psr::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct GenerateArgs {
  std::vector<std::string> refs;
  std::string prompt, out, model = "sft", previewDir, device = "cpu", perceptionDir;
  std::uint64_t seed = 0;
  std::int64_t steps = 20, count = 1;
  double guidance = kDefaultGuidance, shift = 3.0;
  int threads = 0;
  bool json = false;
  bool wholeReferences = false;  ///< skip the subject crop a `reference_crop` model asks for
};

fs::path outputPath(const fs::path& out, std::int64_t i, std::int64_t count) {
  if (count == 1) return out;
  return out.parent_path() / (out.stem().string() + "-" + std::to_string(i + 1) + out.extension().string());
}

int runGenerate(const GenerateArgs& a) {
  if (a.refs.size() > 4)
    throw Error(std::to_string(a.refs.size()) + " references given; at most 4 are supported", ErrorCode::InvalidArgument);
  if (a.count < 1 || a.count > 64) throw Error("--count must be 1..64", ErrorCode::InvalidArgument);
  if (a.threads > 0) at::set_num_threads(a.threads);
  const auto modelDir = train_data::resolveGenerator(a.model);
  auto generator = model::loadGenerator(modelDir, c10::Device(a.device));
  const auto size = generator.config.codec.image_size;
  if (std::int64_t(a.refs.size()) > generator.config.dit.max_references)
    throw Error("this model takes at most " + std::to_string(generator.config.dit.max_references) + " references",
                ErrorCode::InvalidArgument);
  std::vector<at::Tensor> refs;
  for (const auto& r : a.refs) refs.push_back(train_data::loadModelImage(r, size));
  // A model trained on references cut to their subject gets them cut the same way, at the
  // detector's box (the training crops used the renderer's).
  json boxes = json::array();
  if (generator.config.reference_crop && !refs.empty() && !a.wholeReferences) {
    auto perception = perceive::PerceptionModels::load(perceive_data::perceptionModelsDir(a.perceptionDir));
    std::vector<world::PixelBox> found;
    std::vector<at::Tensor> images;
    for (const auto& r : refs) images.push_back(r[0]);
    images = train_data::cropToDetectedSubjects(*perception.detector, images, &found);
    for (std::size_t k = 0; k < refs.size(); ++k) refs[k] = images[k].unsqueeze(0);
    for (const auto& b : found) boxes.push_back(b.empty() ? json() : json{b.x0, b.y0, b.x1, b.y1});
  }

  CancellationToken cancel;
  InterruptGuard guard(cancel);
  json images = json::array();
  const auto start = std::chrono::steady_clock::now();
  int code = kExitOk;
  for (std::int64_t i = 0; i < a.count; ++i) {
    model::GenerationRequest request;
    request.prompts = {a.prompt};
    request.references = refs;
    request.seeds = {a.seed + std::uint64_t(i)};
    request.steps = a.steps;
    request.guidance = a.guidance;
    request.shift = a.shift;
    flow::SamplerHooks hooks;
    hooks.cancel = cancel;
    const fs::path preview = a.previewDir.empty() ? fs::path() : fs::path(a.previewDir) / ("preview-" + std::to_string(i) + ".png");
    auto onEstimate = [&](std::int64_t step, const at::Tensor& x0) {
      json line = {{"done", i * a.steps + step}, {"total", a.count * a.steps}, {"image", i}, {"step", step}};
      if (!preview.empty()) {
        train_data::writeModelImage(preview, x0[0]);
        line["preview"] = preview.string();
      }
      std::cerr << line.dump() << std::endl;
    };
    at::Tensor image;
    try {
      image = model::generateImages(generator, request, hooks, onEstimate);
    } catch (const Error& e) {
      if (e.code() != ErrorCode::Cancelled) throw;
      code = kExitCancelled;
      break;
    }
    const auto path = outputPath(a.out, i, a.count);
    train_data::writeModelImage(path, image[0]);
    images.push_back({{"path", path.string()}, {"seed", a.seed + std::uint64_t(i)}});
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (a.json) {
    std::cout << json{{"images", images},
                      {"model", a.model},
                      {"model_path", modelDir.string()},
                      {"prompt", a.prompt},
                      {"references", a.refs},
                      {"reference_boxes", boxes},
                      {"steps", a.steps},
                      {"guidance", a.guidance},
                      {"seconds", seconds},
                      {"cancelled", code == kExitCancelled}}
                     .dump(2)
              << '\n';
  } else {
    for (const auto& im : images) std::cout << im["path"].get<std::string>() << '\n';
  }
  if (code == kExitCancelled) std::cerr << "cancelled; " << images.size() << " image(s) written\n";
  return code;
}

struct CreateArgs {
  std::string preset = "tiny", out, positions;
  std::uint64_t seed = 0;
};

int runCreate(const CreateArgs& a) {
  auto config = model::modelPreset(a.preset);
  if (a.positions == "uno") config.dit.positions = model::PositionEncoding::UnoOffset;
  else if (!a.positions.empty() && a.positions != "frame")
    throw Error("--positions must be frame or uno", ErrorCode::InvalidArgument);
  at::manual_seed(a.seed);
  const model::WordTokenizer tokenizer({"<pad>", "<s>", "<unk>"});
  auto generator = model::createGenerator(config, tokenizer);
  model::saveGenerator(a.out, generator);
  std::cout << a.out << '\n';
  return kExitOk;
}

struct ExportArgs {
  std::vector<std::string> from;  ///< one for export; two or more for average
  std::vector<double> weights;    ///< average only: one per source, summing to 1 (default 1/n)
  std::string out;
  bool half = false;
};

/// A checkpoint to a clean folder for shipping: weights only (no training state), fp16 on
/// request; with several sources, their uniform weight average or the weighted sum given by
/// --weights (model/weight_average.h).
int runExport(const ExportArgs& a) {
  std::vector<fs::path> dirs;
  for (const auto& f : a.from) dirs.push_back(train_data::resolveGenerator(f));
  auto generator = dirs.size() == 1    ? model::loadGenerator(dirs[0])
                   : a.weights.empty() ? model::averageGenerators(dirs)
                                       : model::combineGenerators(dirs, a.weights);
  if (a.half) {
    generator.dit->to(at::kHalf);
    generator.text->to(at::kHalf);
  }
  model::saveGenerator(a.out, generator);
  std::uintmax_t bytes = 0;
  for (const auto& e : fs::directory_iterator(a.out)) bytes += e.file_size();
  std::cout << a.out << " (" << bytes << " bytes)\n";
  return kExitOk;
}

}  // namespace

void addGenerateCommands(CLI::App& app, CliContext& ctx) {
  (void)ctx;
  auto* gen = app.add_subcommand("generate", "Generate images from a prompt and 0-4 subject references");
  auto ga = std::make_shared<GenerateArgs>();
  gen->add_option("--refs", ga->refs, "Reference images (0-4; any format, size, alpha)");
  gen->add_option("--prompt", ga->prompt, "Instruction or caption (may be empty)")->required();
  gen->add_option("--out", ga->out, "Output PNG (with --count K: <stem>-1.png ... beside it)")->required();
  gen->add_option("--model", ga->model, "base, sft, rl, a checkpoint folder or a training run folder");
  gen->add_option("--seed", ga->seed, "Noise seed (image i of --count uses seed + i)");
  gen->add_option("--steps", ga->steps, "Euler steps")->check(CLI::Range(1, 1000));
  gen->add_option("--guidance", ga->guidance, "Classifier-free guidance scale (1 = off)");
  gen->add_option("--shift", ga->shift, "Schedule time shift");
  gen->add_option("--count", ga->count, "Images to generate");
  gen->add_option("--preview-dir", ga->previewDir, "Write the denoised estimate after each step here");
  gen->add_option("--device", ga->device, "cpu or cuda[:N]");
  gen->add_option("--threads", ga->threads, "Intra-op threads (0 = all cores)");
  gen->add_flag("--json", ga->json, "Print a JSON summary");
  gen->add_flag("--whole-references", ga->wholeReferences,
                "Give a model trained on cropped references the whole images (no detector crop)");
  gen->add_option("--perception-models", ga->perceptionDir, "Perception models folder (the detector that crops references)");
  gen->callback([&ctx, ga] { ctx.action = [ga] { return runGenerate(*ga); }; });

  auto* modelCmd = app.add_subcommand("model", "Generator checkpoints");
  modelCmd->require_subcommand(1);
  auto* create = modelCmd->add_subcommand("create", "Write an untrained checkpoint of a preset");
  auto ca = std::make_shared<CreateArgs>();
  create->add_option("--preset", ca->preset, "tiny, default, large or flux-kontext-dev");
  create->add_option("--out", ca->out, "Checkpoint folder")->required();
  create->add_option("--seed", ca->seed, "Initialisation seed");
  create->add_option("--positions", ca->positions, "frame (PSR, default) or uno");
  create->callback([&ctx, ca] { ctx.action = [ca] { return runCreate(*ca); }; });
  auto* exportCmd = modelCmd->add_subcommand("export", "Copy a checkpoint's weights (no training state) to a folder");
  auto ea = std::make_shared<ExportArgs>();
  exportCmd->add_option("--from", ea->from, "Checkpoint folder, training run, or base/sft/rl")->required()->expected(1);
  exportCmd->add_option("--out", ea->out, "Destination folder")->required();
  exportCmd->add_flag("--half", ea->half, "Store fp16 weights (loaded back into fp32)");
  exportCmd->callback([&ctx, ea] { ctx.action = [ea] { return runExport(*ea); }; });
  auto* average = modelCmd->add_subcommand(
      "average",
      "The weight average of checkpoints of one architecture (e.g. RL runs of several seeds), uniform or with "
      "--weights (task arithmetic: --from A B S --weights 1 1 -1 adds both runs' changes to their init S)");
  auto aa = std::make_shared<ExportArgs>();
  average->add_option("--from", aa->from, "Two or more checkpoint folders or training runs")->required()->expected(2, 64);
  average->add_option("--weights", aa->weights, "One weight per --from source, summing to 1 (default: 1/n each)")
      ->expected(2, 64);
  average->add_option("--out", aa->out, "Destination folder")->required();
  average->add_flag("--half", aa->half, "Store fp16 weights (loaded back into fp32)");
  average->callback([&ctx, aa] { ctx.action = [aa] { return runExport(*aa); }; });
}

}  // namespace psr::cli
