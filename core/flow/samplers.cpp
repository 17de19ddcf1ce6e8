#include "flow/samplers.h"

#include <cmath>
#include <string>

#include <ATen/ATen.h>

#include "common/error.h"

namespace psr::flow {

at::Tensor sampleEuler(const Denoiser& denoiser, at::Tensor x, const FlowSchedule& schedule,
                       const SamplerHooks& hooks) {
  const auto steps = schedule.steps();
  if (steps < 1) throw Error("sampleEuler: the schedule has no steps", ErrorCode::InvalidArgument);
  for (std::int64_t i = 0; i < steps; ++i) {
    hooks.cancel.throwIfCancelled();
    const double sigma = schedule.sigmas[std::size_t(i)], next = schedule.sigmas[std::size_t(i) + 1];
    const auto v = denoiser(x, sigma);
    x = x + (next - sigma) * v.to(x.scalar_type());
    if (hooks.onStep) hooks.onStep(i + 1, x);
    if (hooks.progress) hooks.progress({i + 1, steps, "step " + std::to_string(i + 1) + "/" + std::to_string(steps)});
  }
  return x;
}

at::Tensor combineGuidance(const at::Tensor& conditional, const at::Tensor& unconditional, double scale) {
  return unconditional + scale * (conditional - unconditional);
}

Denoiser guidedDenoiser(Denoiser conditional, Denoiser unconditional, double scale) {
  if (scale == 1.0) return conditional;
  return [conditional = std::move(conditional), unconditional = std::move(unconditional), scale](const at::Tensor& x,
                                                                                                 double sigma) {
    return combineGuidance(conditional(x, sigma), unconditional(x, sigma), scale);
  };
}

at::Tensor gaussianLogProb(const at::Tensor& x, const at::Tensor& mean, double std) {
  const auto diff = x.to(at::kFloat) - mean.to(at::kFloat);
  const double log2Pi = std::log(2 * std::acos(-1.0));
  const auto perElement = -diff.pow(2) / (2 * std * std) - std::log(std) - 0.5 * log2Pi;
  return perElement.flatten(1).mean(1);
}

SdeStep sdeStep(const at::Tensor& x, const at::Tensor& velocity, const FlowSchedule& schedule, std::int64_t step,
                double noiseLevel, c10::optional<at::Generator> generator, const at::Tensor& given) {
  if (step < 0 || step >= schedule.steps() || schedule.steps() < 2)
    throw Error("sdeStep: step " + std::to_string(step) + " outside a schedule of " + std::to_string(schedule.steps()) +
                    " steps (at least 2 needed)",
                ErrorCode::InvalidArgument);
  const double sigma = schedule.sigmas[std::size_t(step)], next = schedule.sigmas[std::size_t(step) + 1];
  const double dt = next - sigma;
  // At σ = 1 the formula divides by zero; Flow-GRPO substitutes the schedule's second sigma.
  const double sigmaTilde = sigma >= 1.0 ? schedule.sigmas[1] : sigma;
  const double stdDevT = noiseLevel * std::sqrt(sigma / (1.0 - sigmaTilde));
  const double s = stdDevT * std::sqrt(-dt);
  if (!(s > 0) || !std::isfinite(s))
    throw Error("sdeStep: the step's standard deviation is " + std::to_string(s) +
                    " (noise level 0 or a zero-length step), so its log-probability is undefined",
                ErrorCode::InvalidArgument);
  const auto xf = x.to(at::kFloat), vf = velocity.to(at::kFloat);
  SdeStep out;
  out.mean = xf + (vf + (stdDevT * stdDevT / (2 * sigma)) * (xf + (1 - sigma) * vf)) * dt;
  out.std = s;
  out.sample =
      given.defined() ? given.to(at::kFloat) : out.mean + s * at::randn(xf.sizes(), std::move(generator), xf.options());
  out.logProb = gaussianLogProb(out.sample, out.mean, s);
  return out;
}

}  // namespace psr::flow
