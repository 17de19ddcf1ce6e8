// Test helper of test_crash: checkpoint writing killed at random points.
//   checkpoint_writer write DIR START   forever from i = START: every weight of a tiny generator
//                                       set to i, saveWeights(DIR/dit.safetensors) and
//                                       saveGenerator(DIR/generator); prints i after both returned
//   checkpoint_writer verify DIR        loads both; prints "weights W generator G" (0 when absent);
//                                       exits 1 when a checkpoint on disk is incomplete or mixed
#include <ATen/ATen.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "model/checkpoint.h"
#include "model/model_config.h"
#include "model/tokenizer.h"

namespace fs = std::filesystem;
using namespace psr::model;

namespace {

Generator tinyGenerator() {
  return createGenerator(modelPreset("tiny"), WordTokenizer::fromCorpus({"a crab and a dog on a beach"}));
}

/// The one value every parameter holds; throws when they differ (a torn or mixed checkpoint).
long long uniformValue(torch::nn::Module& module, const std::string& what) {
  double value = -1;
  for (const auto& p : module.parameters()) {
    const double lo = p.min().item<double>(), hi = p.max().item<double>();
    if (lo != hi || (value >= 0 && lo != value))
      throw std::runtime_error(what + ": parameters hold different steps (a mixed or torn checkpoint)");
    value = lo;
  }
  return (long long)value;
}

int write(const fs::path& dir, long long start) {
  fs::create_directories(dir);
  auto g = tinyGenerator();
  for (long long i = start;; ++i) {
    {
      at::NoGradGuard noGrad;
      for (auto& p : g.dit->parameters()) p.fill_(double(i));
      if (g.text)
        for (auto& p : g.text->parameters()) p.fill_(double(i));
    }
    saveWeights(dir / "dit.safetensors", *g.dit, {{"step", std::to_string(i)}});
    saveGenerator(dir / "generator", g);
    std::printf("%lld\n", i);
    std::fflush(stdout);
  }
}

int verify(const fs::path& dir) {
  long long weights = 0, generator = 0;
  if (fs::exists(dir / "dit.safetensors")) {
    auto g = tinyGenerator();
    loadWeights(dir / "dit.safetensors", *g.dit);
    weights = uniformValue(*g.dit, "dit.safetensors");
  }
  if (fs::exists(dir / "generator")) {
    auto g = loadGenerator(dir / "generator");
    generator = uniformValue(*g.dit, "generator/dit.safetensors");
    if (g.text && uniformValue(*g.text, "generator/text_encoder.safetensors") != generator)
      throw std::runtime_error("generator: the text encoder and the DiT come from different saves");
  }
  std::printf("weights %lld generator %lld\n", weights, generator);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() == 3 && args[0] == "write") return write(args[1], std::stoll(args[2]));
    if (args.size() == 2 && args[0] == "verify") return verify(args[1]);
    std::cerr << "usage: checkpoint_writer write DIR START | verify DIR\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "checkpoint_writer: " << e.what() << "\n";
    return 1;
  }
}
