// Flow matching and samplers: interpolation and loss, schedules, seeded noise, the Euler
// sampler (determinism, cancellation), guidance, the SDE step's log-probability, and a tiny
// DiT overfitting one image. LibTorch headers come before Qt's.
#include <ATen/ATen.h>
#include <torch/optim/adam.h>

#include "flow/flow_matching.h"
#include "flow/samplers.h"
#include "model/dit.h"
#include "model/image_codec.h"
#include "model/model_config.h"
#include "model_fixtures.h"

#include <QtTest>

#include <cmath>
#include <cstring>

using namespace psr::flow;
using fixtures::errorOf;
using psr::ErrorCode;

namespace {

double maxDiff(const at::Tensor& a, const at::Tensor& b) { return (a - b).abs().max().item<double>(); }

bool sameBytes(const at::Tensor& a, const at::Tensor& b) {
  const auto ca = a.contiguous(), cb = b.contiguous();
  return ca.sizes() == cb.sizes() && ca.scalar_type() == cb.scalar_type() &&
         std::memcmp(ca.data_ptr(), cb.data_ptr(), std::size_t(ca.nbytes())) == 0;
}

/// A denoiser over a DiT for unconditional text (one zero text token), no references.
Denoiser ditDenoiser(psr::model::Dit dit, const psr::model::ImageGrid& grid, std::int64_t batch, int* calls = nullptr) {
  const auto& c = dit->config();
  psr::model::TextCondition text{at::zeros({batch, 1, c.context_dim}), {}, at::zeros({batch, c.vec_dim})};
  const auto positions = psr::model::gridPositions(grid, 0);
  return [dit, text, positions, batch, calls](const at::Tensor& x, double sigma) mutable {
    if (calls) ++*calls;
    return dit->forward(x, positions, at::full({batch}, sigma, at::kFloat), text);
  };
}

}  // namespace

class TestFlow : public QObject {
  Q_OBJECT

 private slots:
  // Tiny tensors: handing them between threads costs more than it saves (badly so on a shared
  // machine), so the tests run on one intra-op thread.
  void initTestCase() { at::set_num_threads(1); }

  void interpolationAndVelocity() {
    auto gen = cpuGenerator(1);
    const auto x0 = at::randn({3, 4, 5}, gen, at::kFloat), noise = at::randn({3, 4, 5}, gen, at::kFloat);
    QVERIFY(at::allclose(interpolate(x0, noise, at::zeros({3})), x0));
    QVERIFY(at::allclose(interpolate(x0, noise, at::ones({3})), noise));
    // d x_t / d t is the velocity target, per sample.
    const auto t = at::tensor(std::vector<float>{0.2f, 0.5f, 0.9f});
    const auto slope = (interpolate(x0, noise, t + 1e-2) - interpolate(x0, noise, t)) / 1e-2;
    QVERIFY(maxDiff(slope, velocityTarget(x0, noise)) < 1e-3);
    QCOMPARE(flowMatchingLoss(velocityTarget(x0, noise), x0, noise).item<float>(), 0.f);
    QVERIFY(errorOf([&] { interpolate(x0, noise, at::zeros({2})); }));
  }

  void x0WeightingIsTheCleanImageError() {
    auto gen = cpuGenerator(4);
    const auto x0 = at::randn({3, 4, 5}, gen, at::kFloat), noise = at::randn({3, 4, 5}, gen, at::kFloat);
    const auto guess = at::randn({3, 4, 5}, gen, at::kFloat);  // an x0 prediction
    const auto t = at::tensor(std::vector<float>{0.02f, 0.3f, 0.9f});
    // The DiT's x0 → velocity conversion, floor included.
    const auto velocity = (interpolate(x0, noise, t) - guess) / t.clamp_min(0.05).view({-1, 1, 1});
    const auto w = lossWeights(LossWeighting::X0, t);
    QVERIFY(maxDiff(w, at::tensor(std::vector<float>{0.0025f, 0.09f, 0.81f})) < 1e-7);
    // Above the floor the weighted velocity error is exactly the clean-image error.
    const auto above = at::tensor(std::vector<std::int64_t>{1, 2});
    const auto weighted = flowMatchingLoss(velocity.index_select(0, above), x0.index_select(0, above),
                                           noise.index_select(0, above), w.index_select(0, above));
    const auto clean = at::mse_loss(guess.index_select(0, above), x0.index_select(0, above));
    QVERIFY(std::abs(weighted.item<float>() - clean.item<float>()) < 1e-5f * clean.item<float>());
    // Velocity weighting is the plain MSE, bit for bit.
    QVERIFY(!lossWeights(LossWeighting::Velocity, t).defined());
    QVERIFY(sameBytes(flowMatchingLoss(velocity, x0, noise, lossWeights(LossWeighting::Velocity, t)),
                      flowMatchingLoss(velocity, x0, noise)));
    QVERIFY(errorOf([&] { flowMatchingLoss(velocity, x0, noise, at::ones({2})); }));
    // Per-element weights: a weight map of 2s doubles the loss; a one-hot map picks one error.
    const auto plainLoss = flowMatchingLoss(velocity, x0, noise).item<float>();
    QVERIFY(std::abs(flowMatchingLoss(velocity, x0, noise, at::full({3, 4, 5}, 2.f)).item<float>() - 2 * plainLoss) <
            1e-5f * plainLoss);
    auto oneHot = at::zeros({3, 4, 5});
    oneHot[1][2][3] = 60.f;  // numel: the mean then equals that element's squared error
    const auto e = (velocity - velocityTarget(x0, noise))[1][2][3].item<float>();
    QVERIFY(std::abs(flowMatchingLoss(velocity, x0, noise, oneHot).item<float>() - e * e) < 1e-4f * (1 + e * e));
    QVERIFY(errorOf([&] { flowMatchingLoss(velocity, x0, noise, at::ones({3, 4, 4})); }));
  }

  void schedules() {
    const auto plain = makeSchedule(4);
    QCOMPARE(plain.sigmas, (std::vector<double>{1.0, 0.75, 0.5, 0.25, 0.0}));
    const auto shifted = makeSchedule(4, 3.0);
    QCOMPARE(shifted.steps(), std::int64_t(4));
    QVERIFY(std::abs(shifted.sigmas[1] - 0.9) < 1e-12);  // 3·0.75 / (1 + 2·0.75)
    QCOMPARE(shifted.sigmas.front(), 1.0);
    QCOMPARE(shifted.sigmas.back(), 0.0);
    QVERIFY(std::abs(fluxMu(256) - 0.5) < 1e-12 && std::abs(fluxMu(4096) - 1.15) < 1e-12);
    QVERIFY(errorOf([] { makeSchedule(0); }));
  }

  void timestepSampling() {
    const TimestepSampling logitNormal;
    const auto a = sampleTimesteps(2000, logitNormal, cpuGenerator(2));
    QVERIFY(sameBytes(a, sampleTimesteps(2000, logitNormal, cpuGenerator(2))));
    QVERIFY((a > 0).all().item<bool>() && (a < 1).all().item<bool>());
    QVERIFY(std::abs(a.mean().item<double>() - 0.5) < 0.03);
    TimestepSampling shifted;
    shifted.shift = 3.0;
    QVERIFY(sampleTimesteps(2000, shifted, cpuGenerator(2)).mean().item<double>() > 0.6);
    TimestepSampling uniform;
    uniform.distribution = TimestepDistribution::Uniform;
    QVERIFY(std::abs(sampleTimesteps(2000, uniform, cpuGenerator(3)).mean().item<double>() - 0.5) < 0.03);
  }

  void seededNoiseIsBitReproducible() {
    const auto a = seededNoise({11, 12, 13}, {16, 48});
    QVERIFY(sameBytes(a, seededNoise({11, 12, 13}, {16, 48})));
    // A sample's noise does not depend on its batch-mates.
    QVERIFY(sameBytes(a[1], seededNoise({12}, {16, 48})[0]));
    QVERIFY(!sameBytes(a[0], a[1]));
  }

  void eulerIsExactOnAStraightPath() {
    auto gen = cpuGenerator(4);
    const auto x0 = at::randn({2, 8, 3}, gen, at::kFloat), noise = at::randn({2, 8, 3}, gen, at::kFloat);
    const Denoiser exact = [&](const at::Tensor&, double) { return velocityTarget(x0, noise); };
    QVERIFY(maxDiff(sampleEuler(exact, noise, makeSchedule(7, 3.0)), x0) < 1e-5);
  }

  void eulerSamplingIsDeterministic() {
    const auto c = psr::model::modelPreset("tiny").dit;
    psr::model::Dit dit(c);
    fixtures::randomiseWeights(*dit, 5);
    const psr::model::ImageGrid grid{4, 4};
    at::InferenceMode guard;
    const auto run = [&](std::vector<std::uint64_t> seeds) {
      return sampleEuler(ditDenoiser(dit, grid, 2), seededNoise(seeds, {16, c.in_channels}), makeSchedule(6, 2.0));
    };
    const auto a = run({21, 22});
    QVERIFY(sameBytes(a, run({21, 22})));
    QVERIFY(!sameBytes(a, run({21, 23})));
    QVERIFY(at::isfinite(a).all().item<bool>());
  }

  void eulerProgressAndCancellation() {
    int calls = 0;
    std::vector<std::int64_t> seen, previews;
    SamplerHooks hooks;
    hooks.progress = [&](const psr::Progress& p) {
      seen.push_back(p.done);
      QCOMPARE(p.total, std::int64_t(5));
      if (p.done == 2) hooks.cancel.cancel();
    };
    hooks.onStep = [&](std::int64_t step, const at::Tensor&) { previews.push_back(step); };
    const Denoiser counting = [&](const at::Tensor& x, double) {
      ++calls;
      return at::zeros_like(x);
    };
    const auto err = errorOf([&] { sampleEuler(counting, at::zeros({1, 4}), makeSchedule(5), hooks); });
    QVERIFY(err);
    QCOMPARE(err->code(), ErrorCode::Cancelled);
    QCOMPARE(calls, 2);
    QCOMPARE(seen, (std::vector<std::int64_t>{1, 2}));
    QCOMPARE(previews, (std::vector<std::int64_t>{1, 2}));
  }

  void classifierFreeGuidance() {
    const auto cond = at::full({2, 3}, 2.0), uncond = at::full({2, 3}, 0.5);
    QVERIFY(at::allclose(combineGuidance(cond, uncond, 1.0), cond));
    QVERIFY(at::allclose(combineGuidance(cond, uncond, 0.0), uncond));
    QVERIFY(at::allclose(combineGuidance(cond, uncond, 3.0), at::full({2, 3}, 5.0)));
    int uncondCalls = 0;
    const Denoiser c = [&](const at::Tensor&, double) { return cond; };
    const Denoiser u = [&](const at::Tensor&, double) {
      ++uncondCalls;
      return uncond;
    };
    QVERIFY(at::allclose(guidedDenoiser(c, u, 1.0)(cond, 0.5), cond));
    QCOMPARE(uncondCalls, 0);  // scale 1 never runs the unconditional branch
    QVERIFY(at::allclose(guidedDenoiser(c, u, 4.0)(cond, 0.5), at::full({2, 3}, 6.5)));
    QCOMPARE(uncondCalls, 1);
  }

  void sdeStepLogProbability_data() {
    QTest::addColumn<int>("step");
    QTest::newRow("first step (sigma = 1)") << 0;
    QTest::newRow("middle step") << 4;
    QTest::newRow("last step") << 9;
  }

  void sdeStepLogProbability() {
    QFETCH(int, step);
    const auto schedule = makeSchedule(10, 3.0);
    auto gen = cpuGenerator(6);
    const auto x = at::randn({2, 16, 48}, gen, at::kFloat), v = at::randn({2, 16, 48}, gen, at::kFloat);
    const double a = 0.7;
    const auto res = sdeStep(x, v, schedule, step, a, cpuGenerator(7));
    QVERIFY(sameBytes(res.sample, sdeStep(x, v, schedule, step, a, cpuGenerator(7)).sample));

    // The same quantities from rl-spec.md's formulas, in double precision.
    const double sigma = schedule.sigmas[std::size_t(step)], next = schedule.sigmas[std::size_t(step) + 1];
    const double dt = next - sigma, tilde = sigma == 1.0 ? schedule.sigmas[1] : sigma;
    const double stdDevT = a * std::sqrt(sigma / (1 - tilde)), s = stdDevT * std::sqrt(-dt);
    const auto xd = x.to(at::kDouble), vd = v.to(at::kDouble);
    const auto mean = xd + (vd + stdDevT * stdDevT / (2 * sigma) * (xd + (1 - sigma) * vd)) * dt;
    QVERIFY(std::abs(res.std - s) < 1e-12);
    QVERIFY(maxDiff(res.mean.to(at::kDouble), mean) < 1e-5);
    const auto z = (res.sample.to(at::kDouble) - mean) / s;
    const auto direct = (-0.5 * z.pow(2) - std::log(s) - 0.5 * std::log(2 * std::acos(-1.0))).flatten(1).mean(1);
    QVERIFY2(maxDiff(res.logProb.to(at::kDouble), direct) < 1e-4,
             std::to_string(maxDiff(res.logProb.to(at::kDouble), direct)).c_str());
    // The sample is drawn with std s; scoring the stored sample gives the same log-probability.
    QVERIFY(std::abs(z.std().item<double>() - 1.0) < 0.06);
    QVERIFY(sameBytes(sdeStep(x, v, schedule, step, a, c10::nullopt, res.sample).logProb, res.logProb));
    const auto err = errorOf([&] { sdeStep(x, v, schedule, step, 0.0, cpuGenerator(7)); });
    QVERIFY(err && QString(err->what()).contains("undefined"));
  }

  void tinyModelOverfitsOneImage() {
    // 16x16, patch 4: 16 tokens. Flow matching from noise to one fixed image, 150 Adam steps.
    at::manual_seed(0);
    const auto config = psr::model::modelPreset("tiny");
    psr::model::Dit dit(config.dit);
    const psr::model::PatchCodec codec(config.codec.patch);
    const auto yy = at::linspace(-1, 1, 16).view({1, 16, 1}).expand({3, 16, 16});
    auto image = (yy * at::tensor(std::vector<float>{0.8f, -0.4f, 0.2f}).view({3, 1, 1})).clone();
    image.narrow(1, 4, 6).narrow(2, 5, 6).fill_(0.9);
    const auto latent = codec.encode(image.unsqueeze(0));
    const std::int64_t batch = 16;
    const auto x0 = latent.tokens.expand({batch, -1, -1});
    const auto positions = psr::model::gridPositions(latent.grid, 0);
    const psr::model::TextCondition text{
        at::zeros({batch, 1, config.dit.context_dim}), {}, at::zeros({batch, config.dit.vec_dim})};
    torch::optim::Adam optimizer(dit->parameters(), torch::optim::AdamOptions(2e-3));
    auto gen = cpuGenerator(8);
    std::vector<double> losses;
    for (int step = 0; step < 150; ++step) {
      const auto noise = at::randn(x0.sizes(), gen, at::kFloat);
      const auto t = sampleTimesteps(batch, {}, gen);
      const auto loss = flowMatchingLoss(dit->forward(interpolate(x0, noise, t), positions, t, text), x0, noise);
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      losses.push_back(loss.item<double>());
    }
    const auto meanOf = [&](std::size_t from, std::size_t to) {
      double sum = 0;
      for (auto i = from; i < to; ++i) sum += losses[i];
      return sum / double(to - from);
    };
    const double first = meanOf(0, 10), last = meanOf(losses.size() - 20, losses.size());
    QVERIFY2(last * 10 < first, (std::to_string(first) + " -> " + std::to_string(last)).c_str());
    at::InferenceMode guard;
    const auto sample =
        sampleEuler(ditDenoiser(dit, latent.grid, 1), seededNoise({1}, {16, config.dit.in_channels}), makeSchedule(20));
    const auto error = (codec.decode({sample, latent.grid}) - image.unsqueeze(0)).pow(2).mean().item<double>();
    qInfo("loss %.4f -> %.4f over %zu steps; sampled image MSE %.4f", first, last, losses.size(), error);
    QVERIFY2(error < 0.02, std::to_string(error).c_str());
  }
};

QTEST_APPLESS_MAIN(TestFlow)
#include "test_flow.moc"
