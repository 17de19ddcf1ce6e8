// DiT cost on this machine: the process's fp32 matmul peak, per-config parameters, tokens and
// training-step time with achieved FLOP/s, the patch-size choice, and per-step sampling time
// for 0-4 references with and without the reference cache (ratios vs the 0-reference step).
//   bench_dit [repetitions] [sampling]     ("sampling": only the reference-cache table)
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "flow/flow_matching.h"
#include "model/dit.h"
#include "model/model_config.h"

using namespace psr::model;

namespace {

constexpr std::int64_t kTextTokens = 16;

/// Median wall time in ms of `fn` over `reps` runs after one warm-up.
double medianMs(int reps, const std::function<void()>& fn) {
  fn();
  std::vector<double> ms;
  for (int i = 0; i < reps; ++i) {
    const auto start = std::chrono::steady_clock::now();
    fn();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::nth_element(ms.begin(), ms.begin() + long(ms.size() / 2), ms.end());
  return ms[ms.size() / 2];
}

double matmulPeakGflops(int reps) {
  const auto a = at::randn({1024, 1024}), b = at::randn({1024, 1024});
  const double ms = medianMs(reps * 4, [&] { at::mm(a, b); });
  return 2.0 * 1024 * 1024 * 1024 / (ms * 1e6);
}

struct Inputs {
  at::Tensor img, positions, t;
  TextCondition text;
  ReferenceTokens refs;
};

Inputs makeInputs(const ModelConfig& config, std::int64_t batch, int references) {
  auto gen = psr::flow::cpuGenerator(1);
  const auto side = config.codec.image_size / config.codec.patch;
  const ImageGrid grid{side, side};
  Inputs in;
  in.img = at::randn({batch, grid.tokens(), config.dit.in_channels}, gen, at::kFloat);
  in.positions = gridPositions(grid, 0);
  in.t = at::rand({batch}, gen, at::kFloat);
  in.text = {at::randn({batch, kTextTokens, config.dit.context_dim}, gen, at::kFloat),
             {},
             at::randn({batch, config.dit.vec_dim}, gen, at::kFloat)};
  std::vector<at::Tensor> tokens;
  std::vector<ImageGrid> grids;
  for (int k = 0; k < references; ++k) {
    tokens.push_back(at::randn({batch, grid.tokens(), config.dit.in_channels}, gen, at::kFloat));
    grids.push_back(grid);
  }
  in.refs = makeReferenceTokens(tokens, grids, grid, config.dit.positions);
  return in;
}

void randomise(torch::nn::Module& module) {
  // adaLN-zero leaves blocks as identities; random weights make the timing representative.
  at::NoGradGuard noGrad;
  for (auto& p : module.parameters()) p.normal_(0, 0.02);
}

/// Training-step time (fwd, fwd+bwd) of `config` at `batch` with `references` references.
void trainingRow(const ModelConfig& config, std::int64_t batch, int references, int reps, double peak) {
  Dit dit(config.dit);
  randomise(*dit);
  const auto in = makeInputs(config, batch, references);
  const auto n = config.imageTokens();
  const TokenCounts tokens{kTextTokens, n, n * references, references};
  const double flops = ditForwardFlops(config.dit, tokens).total() * double(batch);
  double fwd = 0;
  {
    at::InferenceMode guard;
    fwd = medianMs(reps, [&] { dit->forward(in.img, in.positions, in.t, in.text, in.refs); });
  }
  const double step = medianMs(reps, [&] {
    dit->zero_grad();
    dit->forward(in.img, in.positions, in.t, in.text, in.refs).pow(2).mean().backward();
  });
  const double achieved = 3.0 * flops / (step * 1e6);
  std::printf(
      "%-16s patch %2lld  %7.2fM params  %4lld tok/sample  fwd %8.1f ms  fwd+bwd %8.1f ms  %6.1f GFLOP/s  %4.0f%% of "
      "peak\n",
      config.name.c_str(), (long long)config.codec.patch, double(ditParameterCount(config.dit)) / 1e6,
      (long long)(kTextTokens + n * (1 + references)), fwd, step, achieved, 100.0 * achieved / peak);
}

/// Per-step sampling time at batch 1 for 0-4 references, joint sequence vs cached references.
/// Rounds interleave the reference counts and report the fastest run of each, so that load from
/// other processes on a shared machine does not land on one row.
void samplingTable(const ModelConfig& config, int rounds) {
  Dit dit(config.dit);
  randomise(*dit);
  at::InferenceMode guard;
  std::vector<Inputs> inputs;
  std::vector<ReferenceCache> caches;
  for (int k = 0; k <= 4; ++k) {
    inputs.push_back(makeInputs(config, 1, k));
    caches.push_back(dit->encodeReferences(inputs.back().refs));
  }
  std::vector<double> joint(5, 1e30), cached(5, 1e30), build(5, 1e30);
  for (int round = 0; round < rounds; ++round)
    for (std::size_t k = 0; k <= 4; ++k) {
      const auto& in = inputs[k];
      joint[k] = std::min(joint[k], medianMs(1, [&] { dit->forward(in.img, in.positions, in.t, in.text, in.refs); }));
      build[k] = std::min(build[k], medianMs(1, [&] { dit->encodeReferences(in.refs); }));
      cached[k] =
          std::min(cached[k], medianMs(1, [&] { dit->forwardCached(in.img, in.positions, in.t, in.text, caches[k]); }));
    }
  std::printf("\nsampling step, %s, batch 1, %lld image tokens (fastest of %d interleaved rounds):\n",
              config.name.c_str(), (long long)config.imageTokens(), rounds);
  std::printf("refs  joint ms  ratio   cached ms  ratio   cache build ms  FLOP ratio joint/cached\n");
  for (std::size_t k = 0; k <= 4; ++k) {
    const auto n = config.imageTokens();
    const TokenCounts tokens{kTextTokens, n, n * std::int64_t(k), std::int64_t(k)};
    std::printf("%4zu  %8.2f  %5.2f   %9.2f  %5.2f   %14.2f  %5.2f\n", k, joint[k], joint[k] / cached[0], cached[k],
                cached[k] / cached[0], k ? build[k] : 0.0,
                ditForwardFlops(config.dit, tokens).total() / ditCachedStepFlops(config.dit, tokens).total());
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // rows appear as they are measured
  const int reps = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
  at::manual_seed(0);
  std::printf("threads %d\n", at::get_num_threads());
  const double peak = matmulPeakGflops(reps);
  std::printf("matmul peak (1024^3 fp32 at::mm): %.1f GFLOP/s\n\n", peak);

  std::printf("%-16s %8s %14s %10s\n", "config", "params", "text params", "img tokens");
  for (const auto& name : presetNames()) {
    const auto c = modelPreset(name);
    std::printf("%-16s %7.1fM %13.2fM %10lld\n", name.c_str(), double(ditParameterCount(c.dit)) / 1e6,
                double(textEncoderParameterCount(c.text)) / 1e6, (long long)c.imageTokens());
  }

  if (argc > 2 && std::string(argv[2]) == "sampling") {
    samplingTable(modelPreset("default"), reps * 5);
    return 0;
  }
  std::printf("\ntraining step, batch 16, two references (the paper's usual case):\n");
  const auto def = modelPreset("default");
  trainingRow(def, 16, 2, reps, peak);
  auto patch4 = def;
  patch4.name = "default@patch4";
  patch4.codec.patch = 4;
  patch4.dit.in_channels = 3 * 4 * 4;
  trainingRow(patch4, 16, 2, std::max(1, reps / 2), peak);
  trainingRow(modelPreset("tiny"), 16, 2, reps, peak);

  samplingTable(def, reps * 5);
  return 0;
}
