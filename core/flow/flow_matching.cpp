#include "flow/flow_matching.h"

#include <cmath>
#include <string>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include "common/error.h"

namespace psr::flow {
namespace {

// [B] -> [B, 1, ..., 1] matching `like`'s rank.
at::Tensor perSample(const at::Tensor& t, const at::Tensor& like) {
  std::vector<std::int64_t> shape(std::size_t(like.dim()), 1);
  shape[0] = t.size(0);
  return t.to(like.scalar_type()).view(shape);
}

}  // namespace

at::Tensor interpolate(const at::Tensor& x0, const at::Tensor& noise, const at::Tensor& t) {
  if (t.dim() != 1 || t.size(0) != x0.size(0) || x0.sizes() != noise.sizes())
    throw Error("interpolate: x0 " + std::string(c10::str(x0.sizes())) + ", noise " +
                    std::string(c10::str(noise.sizes())) + " and t " + std::string(c10::str(t.sizes())) +
                    " must agree ([B, ...], [B, ...], [B])",
                ErrorCode::InvalidArgument);
  const auto s = perSample(t, x0);
  return (1 - s) * x0 + s * noise;
}

at::Tensor velocityTarget(const at::Tensor& x0, const at::Tensor& noise) { return noise - x0; }

at::Tensor flowMatchingLoss(const at::Tensor& predicted, const at::Tensor& x0, const at::Tensor& noise) {
  return at::mse_loss(predicted.to(at::kFloat), velocityTarget(x0, noise).to(at::kFloat));
}

at::Tensor lossWeights(LossWeighting weighting, const at::Tensor& t) {
  if (weighting == LossWeighting::Velocity) return {};  // the plain MSE, bit for bit
  return t.to(at::kFloat).clamp_min(0.05).square();
}

at::Tensor flowMatchingLoss(const at::Tensor& predicted, const at::Tensor& x0, const at::Tensor& noise,
                            const at::Tensor& w) {
  if (!w.defined()) return flowMatchingLoss(predicted, x0, noise);
  const bool perSampleWeights = w.dim() == 1 && w.size(0) == predicted.size(0);
  if (!perSampleWeights && w.sizes() != predicted.sizes())
    throw Error("flowMatchingLoss: weights must be [B] or " + std::string(c10::str(predicted.sizes())) + ", got " +
                    std::string(c10::str(w.sizes())),
                ErrorCode::InvalidArgument);
  const auto err = (predicted.to(at::kFloat) - velocityTarget(x0, noise).to(at::kFloat)).square();
  const auto wf = w.to(err.device(), at::kFloat);
  return (err * (perSampleWeights ? perSample(wf, err) : wf)).mean();
}

at::Tensor sampleTimesteps(std::int64_t batch, const TimestepSampling& sampling, at::Generator generator) {
  at::Tensor t = sampling.distribution == TimestepDistribution::Uniform
                     ? at::rand({batch}, generator, at::kFloat)
                     : at::sigmoid(at::randn({batch}, generator, at::kFloat) * sampling.std + sampling.mean);
  if (sampling.shift != 1.0) t = sampling.shift * t / (1 + (sampling.shift - 1) * t);
  return t;
}

double timeShift(double t, double shift) { return shift * t / (1 + (shift - 1) * t); }

double fluxMu(std::int64_t imageTokens, double baseShift, double maxShift) {
  const double slope = (maxShift - baseShift) / (4096.0 - 256.0);
  return baseShift + slope * (double(imageTokens) - 256.0);
}

FlowSchedule makeSchedule(std::int64_t steps, double shift) {
  if (steps < 1) throw Error("a schedule needs at least one step", ErrorCode::InvalidArgument);
  if (!(shift > 0)) throw Error("the time shift must be positive", ErrorCode::InvalidArgument);
  FlowSchedule schedule;
  for (std::int64_t i = 0; i <= steps; ++i)
    schedule.sigmas.push_back(timeShift(1.0 - double(i) / double(steps), shift));
  schedule.sigmas.back() = 0.0;
  return schedule;
}

at::Generator cpuGenerator(std::uint64_t seed) { return at::detail::createCPUGenerator(seed); }

at::Tensor seededNoise(const std::vector<std::uint64_t>& seeds, at::IntArrayRef sampleShape) {
  if (seeds.empty()) throw Error("seededNoise needs at least one seed", ErrorCode::InvalidArgument);
  std::vector<at::Tensor> samples;
  for (auto seed : seeds) samples.push_back(at::randn(sampleShape, cpuGenerator(seed), at::kFloat));
  return at::stack(samples);
}

}  // namespace psr::flow
