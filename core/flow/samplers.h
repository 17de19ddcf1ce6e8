#pragma once
// Samplers as free functions over a denoiser callback: the Euler ODE sampler, classifier-free
// guidance, and Flow-GRPO's SDE step with its Gaussian log-probability (docs: rl-spec.md).
#include <cstdint>
#include <functional>

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>
#include <c10/util/Optional.h>

#include "common/cancel.h"
#include "flow/flow_matching.h"

namespace psr::flow {

/// Predicts the velocity (noise − data) at state `x` and noise level `sigma`.
using Denoiser = std::function<at::Tensor(const at::Tensor& x, double sigma)>;
/// Sees the state after step `step` (1-based), e.g. for a live preview.
using StepCallback = std::function<void(std::int64_t step, const at::Tensor& x)>;

/// Progress, cancellation and preview hooks of a sampling run.
struct SamplerHooks {
  ProgressFn progress;
  CancellationToken cancel;
  StepCallback onStep;
};

/// Integrates from the noise `x` at sigmas[0] to sigmas.back() with Euler steps
/// x ← x + (σ_{i+1} − σ_i)·v. Checks `cancel` before every step (throws Cancelled). Run it under
/// c10::InferenceMode created in the calling thread.
at::Tensor sampleEuler(const Denoiser& denoiser, at::Tensor x, const FlowSchedule& schedule,
                       const SamplerHooks& hooks = {});

/// v_uncond + scale·(v_cond − v_uncond).
at::Tensor combineGuidance(const at::Tensor& conditional, const at::Tensor& unconditional, double scale);
/// A denoiser applying classifier-free guidance; with scale 1 the unconditional one is never run.
Denoiser guidedDenoiser(Denoiser conditional, Denoiser unconditional, double scale);

/// One SDE transition x_i -> x_{i+1} (fp32) and its log-probability.
struct SdeStep {
  at::Tensor sample;   ///< x_{i+1}
  at::Tensor mean;     ///< μ
  double std = 0;      ///< s = σ_t·sqrt(σ_i − σ_{i+1})
  at::Tensor logProb;  ///< [B]: mean over non-batch dims of log N(x_{i+1}; μ, s²)
};

/// Flow-GRPO's step from schedule index `step` to `step + 1` with noise level `noiseLevel` (a):
/// σ_t = a·sqrt(σ/(1 − σ̃)) (σ̃ = σ_1 where σ = 1), μ = x + [v + σ_t²/(2σ)·(x + (1 − σ)·v)]·dt.
/// Draws x_{i+1} = μ + s·ε with `generator`, or, when `given` is defined, scores that stored sample
/// instead. Throws InvalidArgument when s = 0 (a = 0 or a zero-length step: log p undefined).
SdeStep sdeStep(const at::Tensor& x, const at::Tensor& velocity, const FlowSchedule& schedule, std::int64_t step,
                double noiseLevel, c10::optional<at::Generator> generator, const at::Tensor& given = {});

/// Mean over all non-batch dims of log N(x; mean, std²), in fp32.
at::Tensor gaussianLogProb(const at::Tensor& x, const at::Tensor& mean, double std);

}  // namespace psr::flow
