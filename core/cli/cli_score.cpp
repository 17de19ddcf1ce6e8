// `psr score`: the full reward of one generated image against its references and prompt.
#include <iostream>
#include <sstream>

#include <ATen/ops/cat.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/cli_context.h"
#include "common/error.h"
#include "perceive/image_ops.h"
#include "perceive/perception_models.h"
#include "perceive_data/image_tensor.h"
#include "perceive_data/perception_paths.h"
#include "pipeline/subset.h"

namespace psr::cli {
namespace {

using nlohmann::json;

struct ScoreArgs {
  std::vector<std::string> refs, categories;
  std::string image, prompt, subset, mode = "official", modelsDir;
  std::vector<double> weights{0.4, 0.4, 0.2};
  bool json = false;
};

json rectJson(const perceive::PixelRect& r) { return {r[0], r[1], r[2], r[3]}; }

int runScore(const ScoreArgs& a) {
  if (a.refs.size() != a.categories.size()) {
    throw Error(std::to_string(a.refs.size()) + " references for " + std::to_string(a.categories.size()) +
                    " categories: give one reference per category, in the same order",
                ErrorCode::InvalidArgument);
  }
  if (a.refs.empty() || a.refs.size() > 4) throw Error("score 1 to 4 subjects", ErrorCode::InvalidArgument);
  if (a.weights.size() != 3) throw Error("--weights takes three numbers: psr semantic aesthetic", ErrorCode::InvalidArgument);
  if (a.mode != "official" && a.mode != "strict") throw Error("--mode is official or strict", ErrorCode::InvalidArgument);
  const bool positionOnly = !a.subset.empty() && pipeline::parseSubset(a.subset) == pipeline::Subset::Position;

  auto models = perceive::PerceptionModels::load(perceive_data::perceptionModelsDir(a.modelsDir));
  perceive::RewardRequest request;
  for (const auto& c : a.categories) request.categories.push_back(models.vocabulary.findCategory(c));
  // References may come in any size and shape: each is resized to the models' 64 px square.
  std::vector<at::Tensor> refs;
  for (std::size_t i = 0; i < a.refs.size(); ++i) {
    const auto unit = perceive::toUnitFloat(perceive_data::readImageTensor(a.refs[i]).unsqueeze(0));
    refs.push_back(perceive::resizeSquare(unit, 64));
    request.references.push_back(std::int64_t(i));
  }
  const auto image = perceive_data::readImageTensor(a.image).unsqueeze(0);
  request.requirements = perceive::parseInstruction(a.prompt, request.categories, models.vocabulary);
  request.positionOnly = positionOnly;
  const perceive::RewardWeights weights{a.weights[0], a.weights[1], a.weights[2]};
  const auto mode = a.mode == "strict" ? perceive::PsrMode::Strict : perceive::PsrMode::Official;
  const auto result = perceive::computeRewards(models, image, at::cat(refs, 0), {request}, mode, weights).at(0);

  json subjects = json::array();
  for (std::size_t i = 0; i < a.categories.size(); ++i) {
    const auto& s = result.psr.subjects[i];
    subjects.push_back({{"category", models.vocabulary.categories[std::size_t(request.categories[i])].phrases.at(0)},
                        {"found", s.found},
                        {"box", rectJson(s.generatedBox)},
                        {"reference_box", rectJson(s.referenceBox)},
                        {"consistency", s.score}});
  }
  json checks = json::array();
  for (const auto& c : result.semantic.checks) checks.push_back({{"name", c.name}, {"score", c.score}, {"passed", c.passed}});
  const json out = {{"mode", a.mode},
                    {"image", {{"width", image.size(3)}, {"height", image.size(2)}}},
                    {"subjects", subjects},
                    {"psr", result.psr.psr},
                    {"semantic", {{"score", result.semantic.score}, {"checks", checks}}},
                    {"aesthetic", result.aesthetic},
                    {"weights", {{"psr", weights.psr}, {"semantic", weights.semantic}, {"aesthetic", weights.aesthetic}}},
                    {"total", result.total}};
  if (a.json) {
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  for (const auto& s : subjects) {
    std::cout << s["category"].get<std::string>() << ": consistency " << s["consistency"].get<double>() << " box "
              << s["box"].dump() << (s["found"].get<bool>() ? "" : " (not found)") << "\n";
  }
  std::cout << "psr " << result.psr.psr << "\nsemantic " << result.semantic.score << "\n";
  for (const auto& c : result.semantic.checks) {
    std::cout << "  " << (c.passed ? "pass " : "FAIL ") << c.name << " " << c.score << "\n";
  }
  std::cout << "aesthetic " << result.aesthetic << "\ntotal " << result.total << "\n";
  return 0;
}

}  // namespace

void addScoreCommand(CLI::App& app, CliContext& ctx) {
  auto* score = app.add_subcommand("score", "Score a generated image: subject consistency (PSR), semantics, aesthetics");
  auto a = std::make_shared<ScoreArgs>();
  score->add_option("--refs", a->refs, "Reference image of each subject (PNG/WebP/JPEG, any size; alpha over white)")
      ->required();
  score->add_option("--image", a->image, "The generated image")->required();
  score->add_option("--prompt", a->prompt, "Its instruction or prompt")->required();
  score->add_option("--categories", a->categories, "Category noun of each subject, in reference order")->required();
  score->add_option("--subset", a->subset, "PSRBench subset (position: the position rule alone is the semantic score)");
  score->add_option("--mode", a->mode, "official (public scorer) or strict");
  score->add_option("--weights", a->weights, "Weights of psr, semantic, aesthetic (default 0.4 0.4 0.2)")->expected(3);
  score->add_option("--models", a->modelsDir, "Perception models folder");
  score->add_flag("--json", a->json, "Print JSON");
  score->callback([&ctx, a] { ctx.action = [a] { return runScore(*a); }; });
}

}  // namespace psr::cli
