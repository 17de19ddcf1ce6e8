#pragma once
// Rectified flow in FLUX's convention (t = 1 is pure noise, t = 0 the data): interpolation,
// velocity target and loss, training-timestep sampling, shifted sampling schedules, and
// per-sample seeded noise that is bit-identical across runs on CPU.
#include <cstdint>
#include <vector>

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

namespace psr::flow {

/// x_t = (1 − t)·x0 + t·noise; `t` [B] broadcasts over the remaining dims.
at::Tensor interpolate(const at::Tensor& x0, const at::Tensor& noise, const at::Tensor& t);
/// The velocity the network learns: d x_t / d t = noise − x0.
at::Tensor velocityTarget(const at::Tensor& x0, const at::Tensor& noise);
/// Mean squared error of the predicted velocity against noise − x0 (fp32).
at::Tensor flowMatchingLoss(const at::Tensor& predicted, const at::Tensor& x0, const at::Tensor& noise);

/// How the squared velocity error of each sample is weighted over noise levels.
enum class LossWeighting {
  Velocity,  ///< plain velocity MSE (rectified flow); in x0 terms, 1 / t² (large near the data)
  X0,        ///< t² · velocity error = the clean-image error: every noise level counts alike
};
/// Per-sample weights [B] for `t` [B] (undefined for Velocity: no weighting); t is floored at
/// 0.05 as the x0 → velocity conversion is.
at::Tensor lossWeights(LossWeighting weighting, const at::Tensor& t);
/// The velocity MSE weighted by `w`: per sample [B] or per element (the prediction's shape); the
/// unweighted loss when `w` is undefined.
at::Tensor flowMatchingLoss(const at::Tensor& predicted, const at::Tensor& x0, const at::Tensor& noise,
                            const at::Tensor& w);

/// How training timesteps are drawn before the shift.
enum class TimestepDistribution { Uniform, LogitNormal };

/// Training timestep sampling: logit-normal (SD3: sigmoid of N(mean, std)) or uniform, then shifted.
struct TimestepSampling {
  TimestepDistribution distribution = TimestepDistribution::LogitNormal;
  double mean = 0.0;
  double std = 1.0;
  double shift = 1.0;
};

/// [B] timesteps in (0, 1) drawn with `generator`.
at::Tensor sampleTimesteps(std::int64_t batch, const TimestepSampling& sampling, at::Generator generator);

/// s·t / (1 + (s − 1)·t): s > 1 keeps more of the trajectory near the noise end.
double timeShift(double t, double shift);
/// FLUX's resolution-dependent shift exponent μ, linear in the image token count
/// (`baseShift` at 256 tokens, `maxShift` at 4096); exp(μ) is the equivalent static shift.
double fluxMu(std::int64_t imageTokens, double baseShift = 0.5, double maxShift = 1.15);

/// Noise levels of a sampling run, from 1 (noise) down to 0 (data); steps() + 1 values.
struct FlowSchedule {
  std::vector<double> sigmas;
  std::int64_t steps() const { return std::int64_t(sigmas.size()) - 1; }
};

/// linspace(1, 0, steps + 1), each value time-shifted by `shift` (1 = unshifted).
FlowSchedule makeSchedule(std::int64_t steps, double shift = 1.0);

/// A CPU generator for `seed`; the same seed gives the same bits on every run.
at::Generator cpuGenerator(std::uint64_t seed);
/// Standard-normal noise [seeds.size(), sampleShape...] in fp32 on CPU; sample i comes from its own
/// generator seeded seeds[i], so an image's noise does not depend on its batch-mates.
at::Tensor seededNoise(const std::vector<std::uint64_t>& seeds, at::IntArrayRef sampleShape);

}  // namespace psr::flow
