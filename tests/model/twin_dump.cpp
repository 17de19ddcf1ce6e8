// The C++ side of the PyTorch-Python twin (tests/model/python_twin): builds a preset's DiT with
// seeded random weights (not the adaLN-zero identity), random inputs that exercise every input
// of DitImpl::forward (text padding mask, two references of different grids, a per-sample
// reference `present` mask, a timestep below the x0 floor), runs the joint forward and writes
// everything the twin needs into OUT_DIR:
//   config.json          the ModelConfig (as in a checkpoint folder)
//   dit.safetensors      the weights under their FLUX names (saveWeights, as a checkpoint)
//   inputs.safetensors   img, img_positions, img_grid (I64 [h, w]), timesteps, txt, txt_mask
//                        (BOOL), pooled, ref_tokens, ref_positions, ref_grids (I64 [refs, 2]),
//                        ref_present (BOOL); positions are for reference, the twin derives its own
//   output.safetensors   velocity: the forward's result
// With --time N it then times N forward passes (inference mode) and N forward+backward passes
// (loss = mean(v²), as bench_dit) at --threads T after one warm-up each, and prints one JSON
// object (median and fastest wall and process-CPU ms). Run by hand or by python_twin/compare.py
// (which CTest's model_python_twin_parity runs), not a test by itself.
//   twin_dump CONFIG OUT_DIR [--batch B] [--seed S] [--threads T] [--time N] [--positions P]
// (--positions frame-wise|uno-offset overrides the preset's reference position encoding; a CONFIG
// of the form PRESET+preconditioned uses the preconditioned x0 parametrisation, PRESET+copy x0 with
// the reference pointer head.)
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "flow/flow_matching.h"
#include "model/checkpoint.h"
#include "model/dit.h"
#include "model/model_config.h"
#include "model/rope.h"
#include "model_fixtures.h"
#include "tensor/tensor_io.h"
#include "tensor/torch_compat.h"

using namespace psr::model;

namespace {

struct Options {
  std::string config;
  std::filesystem::path out;
  std::int64_t batch = 2;
  std::uint64_t seed = 7;
  int threads = 0;  // 0: LibTorch's default
  int iterations = 0;
  std::string positions;  // empty: the preset's
};

struct Inputs {
  ImageGrid grid;
  std::vector<ImageGrid> refGrids;
  at::Tensor img, positions, timesteps;
  TextCondition text;
  ReferenceTokens refs;
};

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr,
               "twin_dump: %s\nusage: twin_dump CONFIG OUT_DIR [--batch B] [--seed S] [--threads T] [--time N] "
               "[--positions P]\n",
               why.c_str());
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(a + " needs a value");
      return argv[++i];
    };
    if (a == "--batch")
      o.batch = std::atoll(value().c_str());
    else if (a == "--seed")
      o.seed = std::strtoull(value().c_str(), nullptr, 10);
    else if (a == "--threads")
      o.threads = std::atoi(value().c_str());
    else if (a == "--time")
      o.iterations = std::atoi(value().c_str());
    else if (a == "--positions")
      o.positions = value();
    else if (a.rfind("--", 0) == 0)
      usage("unknown option " + a);
    else
      positional.push_back(a);
  }
  if (positional.size() != 2) usage("CONFIG and OUT_DIR are needed");
  if (o.batch < 1) usage("--batch must be at least 1");
  o.config = positional[0];
  o.out = positional[1];
  return o;
}

Inputs makeInputs(const ModelConfig& config, std::int64_t batch, std::uint64_t seed) {
  const auto& c = config.dit;
  auto gen = psr::flow::cpuGenerator(seed + 1000);
  const auto side = config.codec.image_size / config.codec.patch;
  const ImageGrid target{side, side};
  Inputs in;
  in.grid = target;
  in.img = at::randn({batch, target.tokens(), c.in_channels}, gen, at::kFloat);
  in.positions = gridPositions(target, 0);
  // Sample 0 sits below the x0 floor (t = 0.02 -> divided by 0.05); the rest are random.
  in.timesteps = at::rand({batch}, gen, at::kFloat) * 0.9 + 0.05;
  in.timesteps[0] = 0.02;
  // Text: sample b has its last (3b mod L) tokens padded (sample 0 none).
  const std::int64_t lt = std::min<std::int64_t>(12, config.text.max_tokens);
  in.text = fixtures::randomText(c, batch, lt, 0, gen);
  in.text.mask = at::ones({batch, lt}, at::kBool);
  for (std::int64_t b = 0; b < batch; ++b) {
    const auto padded = (3 * b) % lt;
    if (padded > 0) in.text.mask[b].narrow(0, lt - padded, padded).fill_(false);
  }
  // Two references per sample: the target's grid and a half-height one (frame-wise positions
  // put them at frames 1 and 2). The last sample hides reference 2 when there are two or more.
  const std::vector<ImageGrid> grids{target, {std::max<std::int64_t>(1, side / 2), side}};
  std::vector<at::Tensor> tokens;
  for (const auto& g : grids) tokens.push_back(at::randn({batch, g.tokens(), c.in_channels}, gen, at::kFloat));
  in.refs = makeReferenceTokens(tokens, grids, target, c.positions);
  in.refGrids = grids;
  in.refs.present = at::ones({batch, std::int64_t(grids.size())}, at::kBool);
  if (batch > 1) in.refs.present[batch - 1][1] = false;
  return in;
}

double cpuMs() {
  timespec ts{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

struct Timing {
  double wall = 0, wallMin = 0, cpu = 0, cpuMin = 0;  // medians and fastest runs, ms
};

/// Wall and process-CPU time of `fn` over `reps` runs after one warm-up. At one thread the CPU
/// time is the robust figure on a shared machine (waiting for a core does not count).
Timing timeMs(int reps, const std::function<void()>& fn) {
  fn();
  std::vector<double> wall, cpu;
  for (int i = 0; i < reps; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const auto cpuStart = cpuMs();
    fn();
    cpu.push_back(cpuMs() - cpuStart);
    wall.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(wall.begin(), wall.end());
  std::sort(cpu.begin(), cpu.end());
  return {wall[wall.size() / 2], wall.front(), cpu[cpu.size() / 2], cpu.front()};
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const auto opt = parse(argc, argv);
    if (opt.threads > 0) at::set_num_threads(opt.threads);
    // "PRESET+preconditioned" switches the preset to the preconditioned x0 parametrisation,
    // "PRESET+copy" to x0 with the reference pointer head.
    const auto endsWith = [&](const std::string& suffix) {
      return opt.config.size() > suffix.size() &&
             opt.config.compare(opt.config.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    const bool preconditioned = endsWith("+preconditioned"), copy = endsWith("+copy");
    auto config = modelPreset(opt.config.substr(0, opt.config.find('+')));
    if (preconditioned) config.dit.prediction = Prediction::Preconditioned;
    if (copy) {
      config.dit.prediction = Prediction::X0;
      config.dit.reference_copy = true;
    }
    if (!opt.positions.empty()) {
      if (opt.positions != "frame-wise" && opt.positions != "uno-offset")
        usage("--positions: frame-wise or uno-offset");
      config.dit.positions = opt.positions == "frame-wise" ? PositionEncoding::FrameWise : PositionEncoding::UnoOffset;
    }
    config.validate();

    Dit dit(config.dit);
    fixtures::randomiseWeights(*dit, opt.seed);
    const auto in = makeInputs(config, opt.batch, opt.seed);

    at::Tensor out;
    {
      at::NoGradGuard noGrad;
      out = dit->forward(in.img, in.positions, in.timesteps, in.text, in.refs);
    }

    std::filesystem::create_directories(opt.out);
    {
      std::ofstream f(opt.out / "config.json", std::ios::trunc);
      f << nlohmann::json(config).dump(2) << '\n';
      if (!f.flush()) throw std::runtime_error("cannot write " + (opt.out / "config.json").string());
    }
    saveWeights(opt.out / "dit.safetensors", *dit, {{"format", "psr-twin"}, {"config", config.name}});
    std::vector<std::int64_t> grids;
    for (const auto& g : in.refGrids) grids.insert(grids.end(), {g.h, g.w});
    const auto refGrids = at::tensor(grids, at::kLong).view({-1, 2});
    const auto imgGrid = at::tensor(std::vector<std::int64_t>{in.grid.h, in.grid.w}, at::kLong);
    psr::tensor::saveTensors(opt.out / "inputs.safetensors", {{"img", in.img},
                                                             {"img_positions", in.positions},
                                                             {"img_grid", imgGrid},
                                                             {"timesteps", in.timesteps},
                                                             {"txt", in.text.tokens},
                                                             {"txt_mask", in.text.mask},
                                                             {"pooled", in.text.pooled},
                                                             {"ref_tokens", in.refs.tokens},
                                                             {"ref_positions", in.refs.positions},
                                                             {"ref_grids", refGrids},
                                                             {"ref_present", in.refs.present}});
    psr::tensor::saveTensors(opt.out / "output.safetensors", {{"velocity", out}});

    nlohmann::json report{{"side", "cpp"},
                          {"config", config.name},
                          {"batch", opt.batch},
                          {"threads", at::get_num_threads()},
                          {"torch", psr::compat::torchVersion()},
                          {"parameters", ditParameterCount(config.dit)},
                          {"tokens", in.text.tokens.size(1) + in.img.size(1) + in.refs.tokens.size(1)},
                          {"output_abs_max", out.abs().max().item<double>()},
                          {"output_abs_mean", out.abs().mean().item<double>()},
                          {"dir", opt.out.string()}};
    if (opt.iterations > 0) {
      const auto run = [&] { return dit->forward(in.img, in.positions, in.timesteps, in.text, in.refs); };
      Timing fwd, step;
      {
        at::InferenceMode guard;
        fwd = timeMs(opt.iterations, [&] { run(); });
      }
      step = timeMs(opt.iterations, [&] {
        dit->zero_grad(false);
        run().pow(2).mean().backward();
      });
      report["iterations"] = opt.iterations;
      report["forward_ms"] = fwd.wall;
      report["forward_ms_min"] = fwd.wallMin;
      report["forward_cpu_ms"] = fwd.cpu;
      report["forward_cpu_ms_min"] = fwd.cpuMin;
      report["forward_backward_ms"] = step.wall;
      report["forward_backward_ms_min"] = step.wallMin;
      report["forward_backward_cpu_ms"] = step.cpu;
      report["forward_backward_cpu_ms_min"] = step.cpuMin;
    }
    std::printf("%s\n", report.dump().c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "twin_dump: %s\n", e.what());
    return 1;
  }
}
