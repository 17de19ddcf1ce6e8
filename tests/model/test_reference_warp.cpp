// The reference warp head (DitConfig::reference_warp): its lookup geometry against hand-computed
// bilinear samples, joint and cached forwards, absent references, the config rules, the box
// supervision's ideal offsets (train/warp_supervision.h) for hand-made boxes, the pooled heads'
// one map per reference, and gate labels from masks.
// LibTorch headers come before Qt's.
#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <map>

#include "model/checkpoint.h"
#include "model/dit.h"
#include "model/model_config.h"
#include "model/reference_warp.h"
#include "model/rope.h"
#include "model/tokenizer.h"
#include "model_fixtures.h"
#include "train/warp_supervision.h"

#include <QtTest>

using namespace psr::model;
using fixtures::errorOf;

namespace {

double maxDiff(const at::Tensor& a, const at::Tensor& b) { return (a - b).abs().max().item<double>(); }

/// The cached and full forwards sum in different orders; with velocity outputs up to ~15 (47 at
/// t = 0.1) their float32 difference reached 8.4e-5 alone and 1.2e-4 under a loaded parallel
/// CTest, so it is bounded relative to the output (2e-5 of max |full|). A cache of other
/// references is off by 6 (cachedForwardEqualsJointAndAbsentReferencesAreIgnored).
bool cachedMatches(const at::Tensor& full, const at::Tensor& cached) {
  return maxDiff(full, cached) < 2e-5 * full.abs().max().item<double>();
}

DitConfig warpConfig() {
  auto c = modelPreset("tiny").dit;
  c.prediction = Prediction::X0;
  c.reference_warp = true;
  return c;
}

// A [1, 3, S, S] image whose channels are ramps: a·x + b·y + c in pixel-centre coordinates.
// Bilinear sampling reproduces a linear function exactly away from the borders.
at::Tensor rampImage(std::int64_t side) {
  const auto coord = at::arange(side, at::kFloat);
  const auto x = coord.view({1, -1}).expand({side, side}), y = coord.view({-1, 1}).expand({side, side});
  return at::stack({x * 0.05 - 0.4, y * 0.03 - 0.2, x * 0.02 + y * 0.01}, 0).unsqueeze(0);
}

// A DiT with random weights and a token-dependent warp gate and lookup, so that comparisons
// cover the warped branches (the head's init is token-independent).
Dit randomWarpDit(const DitConfig& config, std::uint64_t seed) {
  Dit dit(config);
  fixtures::randomiseWeights(*dit, seed);
  at::NoGradGuard noGrad;
  dit->reference_warp->gate->weight.normal_(0, 0.5);
  dit->reference_warp->gate->bias.zero_();
  dit->reference_warp->warp->weight.normal_(0, 0.1);
  return dit;
}

}  // namespace

class TestReferenceWarp : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { at::set_num_threads(1); }

  void configRoundTripsAndIsValidated() {
    auto config = modelPreset("tiny");
    config.dit = warpConfig();
    auto j = nlohmann::json(config);
    QVERIFY(j["dit"]["reference_warp"].get<bool>());
    QVERIFY(j.get<ModelConfig>().dit.reference_warp);
    j["dit"].erase("reference_warp");  // configs written before the head existed
    QVERIFY(!j.get<ModelConfig>().dit.reference_warp);
    auto velocity = config;
    velocity.dit.prediction = Prediction::Velocity;
    auto err = errorOf([&] { velocity.validate(); });
    QVERIFY(err && QString(err->what()).contains("reference_warp needs"));
    auto both = config;
    both.dit.reference_copy = true;
    err = errorOf([&] { both.validate(); });
    QVERIFY(err && QString(err->what()).contains("alternatives"));
    const auto c = warpConfig();
    std::int64_t n = 0;
    for (const auto& p : Dit(c)->parameters()) n += p.numel();
    QCOMPARE(n, ditParameterCount(c));
    auto plain = c;
    plain.reference_warp = false;
    QCOMPARE(ditParameterCount(c) - ditParameterCount(plain), c.hidden * 5 + 5 + c.hidden * 12 + 12);
  }

  // Offsets 0 copy each pixel in place; an offset and a scale sample where the affine map says.
  void lookupFollowsTheAffineMap() {
    const ImageGrid grid{4, 4};
    const std::int64_t p = 4, side = 16;
    const auto image = rampImage(side);
    auto offsets = at::zeros({1, 16, 1, 3});
    const auto same = ReferenceWarpImpl::warpedCopies({image}, offsets, grid, p);
    // The patch codec's tokens of the image itself: b c (h ph) (w pw) -> b (h w) (c ph pw).
    const auto tokens = image.reshape({1, 3, 4, p, 4, p}).permute({0, 2, 4, 1, 3, 5}).reshape({1, 16, 3 * p * p});
    QVERIFY2(maxDiff(same.select(2, 0), tokens) < 1e-5, std::to_string(maxDiff(same.select(2, 0), tokens)).c_str());
    // Token (1, 1) (index 5): centre at pixel (6, 6) in continuous coordinates (pixel centres at
    // i + 0.5). Shift by +0.25 in u (2 px) and -0.125 in v (1 px) and halve the scale: pixel
    // (i, j) of the token samples x = 8 + 0.5·(j + 0.5 - 2), y = 5 + 0.5·(i + 0.5 - 2).
    offsets[0][5][0][0] = 0.25f;
    offsets[0][5][0][1] = -0.125f;
    offsets[0][5][0][2] = float(std::log(0.5));
    const auto moved = ReferenceWarpImpl::warpedCopies({image}, offsets, grid, p).select(2, 0)[0][5].view({3, p, p});
    for (std::int64_t i = 0; i < p; ++i)
      for (std::int64_t j = 0; j < p; ++j) {
        const double x = 8 + 0.5 * (double(j) + 0.5 - 2) - 0.5, y = 5 + 0.5 * (double(i) + 0.5 - 2) - 0.5;
        const double expected[3] = {x * 0.05 - 0.4, y * 0.03 - 0.2, x * 0.02 + y * 0.01};
        for (int ch = 0; ch < 3; ++ch)
          QVERIFY2(std::abs(moved[ch][i][j].item<double>() - expected[ch]) < 1e-5,
                   (std::to_string(ch) + " " + std::to_string(i) + " " + std::to_string(j)).c_str());
      }
    // Other tokens stay in place.
    QVERIFY(maxDiff(ReferenceWarpImpl::warpedCopies({image}, offsets, grid, p).select(2, 0)[0][4], tokens[0][4]) < 1e-5);
    const auto err = errorOf([&] { ReferenceWarpImpl::warpedCopies({image, image}, offsets, grid, p); });
    QVERIFY(err && QString(err->what()).contains("offsets"));
  }

  void cachedForwardEqualsJointAndAbsentReferencesAreIgnored() {
    const auto c = warpConfig();
    auto dit = randomWarpDit(c, 61);
    auto gen = psr::flow::cpuGenerator(62);
    const ImageGrid grid{4, 4};
    const auto img = at::randn({3, 16, c.in_channels}, gen, at::kFloat);
    const auto t = at::tensor({0.9f, 0.4f, 0.1f});
    const auto text = fixtures::randomText(c, 3, 5, 1, gen);
    auto refs = fixtures::randomReferences(c, 2, grid, gen);
    refs.present = at::ones({3, 2}, at::kBool);
    refs.present[1][1] = false;
    refs.present[2].fill_(false);
    at::InferenceMode guard;
    const auto pos = gridPositions(grid, 0);
    const auto full = dit->forward(img, pos, t, text, refs);
    const auto cached = dit->forwardCached(img, pos, t, text, dit->encodeReferences(refs), refs.present);
    QVERIFY2(cachedMatches(full, cached), std::to_string(maxDiff(full, cached)).c_str());
    // The bound still tells a cache of other references apart.
    auto other = fixtures::randomReferences(c, 2, grid, gen);
    const auto wrong = dit->forwardCached(img, pos, t, text, dit->encodeReferences(other), refs.present);
    QVERIFY2(!cachedMatches(full, wrong), std::to_string(maxDiff(full, wrong)).c_str());
    qInfo("full vs cached %.3g, vs a cache of other references %.3g (max |full| %.3g)", maxDiff(full, cached),
          maxDiff(full, wrong), full.abs().max().item<double>());
    QVERIFY(at::isfinite(full).all().item<bool>());
    // Sample 2 sees no reference: final_layer alone, as the blind forward (float rounding of
    // the masked attention differs, amplified 10x by the x0 -> velocity division at t = 0.1).
    const auto blind = dit->forward(img, pos, t, text);
    QVERIFY2(maxDiff(full[2], blind[2]) < 1e-4, std::to_string(maxDiff(full[2], blind[2])).c_str());
    QVERIFY(maxDiff(full[0], blind[0]) > 1e-3);
    // Reference 2 is hidden from sample 1: changing its pixels changes samples 0 only.
    auto changed = refs;
    changed.tokens = refs.tokens.clone();
    changed.tokens.narrow(1, refs.lengths[0], refs.lengths[1]).add_(0.5);
    const auto after = dit->forward(img, pos, t, text, changed);
    QVERIFY(maxDiff(after[0], full[0]) > 1e-4);
    QVERIFY(maxDiff(after[1], full[1]) < 1e-5);
    // A forced gate returns reference 1's pixels, warped in place at the start.
    {
      at::NoGradGuard noGrad;
      dit->reference_warp->gate->weight.zero_();
      dit->reference_warp->gate->bias.copy_(at::tensor({-30.0f, 30.0f, -30.0f, -30.0f, -30.0f}));
      dit->reference_warp->warp->weight.zero_();
      dit->reference_warp->warp->bias.zero_();
    }
    const auto v = dit->forward(img, pos, t, text, refs);
    const auto x0 = refs.tokens.narrow(1, 0, refs.lengths[0]).expand({3, -1, -1});
    for (std::int64_t i = 0; i < 2; ++i) {
      const auto expected = (img[i] - x0[i]) / std::max(0.05f, t[i].item<float>());
      QVERIFY2(maxDiff(v[i], expected) < 1e-4, std::to_string(maxDiff(v[i], expected)).c_str());
    }
  }

  void addingTheHeadKeepsEveryOtherTensor() {
    auto config = modelPreset("tiny");
    config.dit.prediction = Prediction::X0;
    auto g = createGenerator(config, WordTokenizer::fromCorpus({"a cat on a beach"}));
    fixtures::randomiseWeights(*g.dit, 71);
    std::map<std::string, at::Tensor> before;
    for (const auto& p : g.dit->named_parameters()) before[p.key()] = p.value().clone();
    const auto extended = withReferenceWarp(g);
    QVERIFY(extended.config.dit.reference_warp);
    std::size_t head = 0;
    for (const auto& p : extended.dit->named_parameters()) {
      if (p.key().rfind("reference_warp.", 0) == 0) {
        ++head;
        continue;
      }
      QVERIFY2(at::equal(p.value(), before.at(p.key())), p.key().c_str());
    }
    QCOMPARE(head, std::size_t(4));
  }

  // Target box: the middle half of a 4 x 4 grid; reference box: the whole reference. The four
  // middle tokens map to the reference at twice the scale, the others are outside.
  void boxSupervisionTargetsTheAffineMap() {
    const ImageGrid grid{4, 4};
    const auto boxes = at::tensor({0.25f, 0.25f, 0.75f, 0.75f, 0.0f, 0.0f, 1.0f, 1.0f}).view({1, 1, 8});
    const auto targets = psr::train::warpTargets(boxes, grid);
    QCOMPARE(targets.inside.sum().item<std::int64_t>(), std::int64_t(4));
    for (std::int64_t n : {5, 6, 9, 10}) QVERIFY(targets.inside[0][n][0].item<bool>());
    // Token (1, 1): centre 0.375 of the canvas, a quarter into the box -> 0.25 in the reference:
    // u = -0.5 vs its own -0.25.
    QVERIFY(std::abs(targets.offsets[0][5][0][0].item<double>() + 0.25) < 1e-6);
    QVERIFY(std::abs(targets.offsets[0][5][0][1].item<double>() + 0.25) < 1e-6);
    QVERIFY(std::abs(targets.offsets[0][10][0][0].item<double>() - 0.25) < 1e-6);
    QVERIFY(std::abs(targets.offsets[0][5][0][2].item<double>() - std::log(2.0)) < 1e-6);
    // The ideal offsets warp a reference that is the box's content scaled up 2x back onto it.
    const auto small = rampImage(8);
    const auto big = at::upsample_bilinear2d(small, {16, 16}, false);
    const auto canvas = at::zeros({1, 3, 16, 16});
    canvas.narrow(2, 4, 8).narrow(3, 4, 8).copy_(small);
    const auto warped = ReferenceWarpImpl::warpedCopies({big}, targets.offsets, grid, 4).select(2, 0);
    const auto tokens = canvas.reshape({1, 3, 4, 4, 4, 4}).permute({0, 2, 4, 1, 3, 5}).reshape({1, 16, 48});
    for (std::int64_t n : {5, 6, 9, 10})
      QVERIFY2(maxDiff(warped[0][n], tokens[0][n]) < 0.02, std::to_string(maxDiff(warped[0][n], tokens[0][n])).c_str());
    // The loss is 0 at the ideal offsets and counts only inside, present pairs.
    WarpTrace trace;
    trace.offsets = targets.offsets.clone();
    QCOMPARE(psr::train::warpSupervisionLoss(trace, boxes, at::ones({1, 1}, at::kBool), grid).item<double>(), 0.0);
    trace.offsets[0][0][0][0] = 5.0f;  // outside the box: ignored
    QCOMPARE(psr::train::warpSupervisionLoss(trace, boxes, at::ones({1, 1}, at::kBool), grid).item<double>(), 0.0);
    trace.offsets[0][5][0][0] = 1.0f;
    QVERIFY(psr::train::warpSupervisionLoss(trace, boxes, at::ones({1, 1}, at::kBool), grid).item<double>() > 0.005);
    QCOMPARE(psr::train::warpSupervisionLoss(trace, boxes, at::zeros({1, 1}, at::kBool), grid).item<double>(), 0.0);
    // The gate's target: the warp on the four tokens in the box, final_layer elsewhere.
    auto weights = at::zeros({1, 16, 2});
    weights.select(2, 0).fill_(1.0f);
    for (std::int64_t n : {5, 6, 9, 10}) weights[0][n] = at::tensor({0.0f, 1.0f});
    trace.weights = weights;
    const auto present = at::ones({1, 1}, at::kBool);
    QVERIFY(psr::train::warpGateLoss(trace, boxes, present, grid).item<double>() < 1e-9);
    trace.weights = at::full({1, 16, 2}, 0.5f);
    QVERIFY(std::abs(psr::train::warpGateLoss(trace, boxes, present, grid).item<double>() - std::log(2.0)) < 1e-6);
    // Per-sample weights (the noise level) scale each sample's mean.
    const auto weighted = psr::train::warpGateLoss(trace, boxes, present, grid, at::tensor({0.25f})).item<double>();
    QVERIFY(std::abs(weighted - 0.25 * std::log(2.0)) < 1e-6);
    // A hidden reference is never the target: every token's label is final_layer.
    trace.weights = at::zeros({1, 16, 2});
    trace.weights.select(2, 0).fill_(1.0f);
    QVERIFY(psr::train::warpGateLoss(trace, boxes, at::zeros({1, 1}, at::kBool), grid).item<double>() < 1e-9);
  }
  // Pooled heads: config rules, one map per reference pooled with the gate's shares (the mean
  // of the tokens' guesses, or fitted to their own lookups), every token sampling with it, and
  // the same result from the cached forward.
  void pooledHeadsDrawOneMapPerReference() {
    auto config = modelPreset("tiny");
    config.dit = warpConfig();
    config.dit.reference_warp_pool = WarpPool::Map;
    QVERIFY(nlohmann::json(config).get<ModelConfig>().dit.reference_warp_pool == WarpPool::Map);
    auto alone = config;
    alone.dit.reference_warp = false;
    const auto err = errorOf([&] { alone.validate(); });
    QVERIFY(err && QString(err->what()).contains("reference_warp_pool needs"));
    auto unknown = nlohmann::json(config);
    unknown["dit"]["reference_warp_pool"] = "median";
    const auto badPool = errorOf([&] { unknown.get<ModelConfig>(); });
    QVERIFY(badPool && QString(badPool->what()).contains("token, map or fit"));
    // The map's geometry: token centre c looks up s·c + a.
    const ImageGrid grid{4, 4};
    const auto maps = at::tensor({0.1f, -0.2f, float(std::log(0.5))}).view({1, 1, 3});
    const auto offsets = ReferenceWarpImpl::offsetsOfMaps(maps, grid);
    const auto centres = ReferenceWarpImpl::tokenCentres(grid, at::TensorOptions(at::kFloat));
    const auto looked = centres + offsets[0].select(1, 0).narrow(1, 0, 2);
    const auto expected = centres * 0.5 + at::tensor({0.1f, -0.2f});
    QVERIFY2(maxDiff(looked, expected) < 1e-6, std::to_string(maxDiff(looked, expected)).c_str());
    QVERIFY(maxDiff(offsets.select(3, 2), at::full({1, 16, 1}, std::log(0.5))) < 1e-6);

    for (const auto pool : {WarpPool::Map, WarpPool::Fit}) {
      config.dit.reference_warp_pool = pool;
      auto dit = randomWarpDit(config.dit, 81);
      auto gen = psr::flow::cpuGenerator(82);
      const auto c = config.dit;
      const auto img = at::randn({2, 16, c.in_channels}, gen, at::kFloat);
      const auto t = at::tensor({0.8f, 0.3f});
      const auto text = fixtures::randomText(c, 2, 5, 1, gen);
      auto refs = fixtures::randomReferences(c, 2, grid, gen);
      refs.present = at::ones({2, 2}, at::kBool);
      refs.present[1][1] = false;
      at::InferenceMode guard;
      const auto pos = gridPositions(grid, 0);
      WarpTrace trace;
      const auto full = dit->forward(img, pos, t, text, refs, {}, &trace);
      const auto& guesses = pool == WarpPool::Map ? trace.maps : trace.tokenOffsets;
      QVERIFY(guesses.defined());
      QVERIFY((pool == WarpPool::Map ? trace.tokenOffsets : trace.maps).defined() == false);
      QCOMPARE(guesses.sizes(), (at::IntArrayRef{2, 16, 2, 3}));
      // The tokens disagree; the map is pooled with the gate's share per reference.
      QVERIFY(maxDiff(guesses.select(1, 0), guesses.select(1, 7)) > 1e-3);
      const auto share = trace.weights.narrow(2, 1, 2).unsqueeze(3);
      const auto mean = [&](const at::Tensor& x) { return (x * share).sum(1) / share.sum(1).clamp_min(1e-6); };
      at::Tensor pooled;
      if (pool == WarpPool::Map) {
        pooled = mean(guesses);
      } else {
        // Scale: the mean log s; shift: carries the centres' weighted centroid to the lookups'.
        const auto c0 = centres.view({1, 16, 1, 2});
        const auto logs = mean(guesses.narrow(3, 2, 1));
        const auto shift = mean(c0 + guesses.narrow(3, 0, 2)) - logs.exp() * mean(c0.expand({2, 16, 2, 2}));
        pooled = at::cat({shift, logs}, 2);
      }
      const auto wanted = ReferenceWarpImpl::offsetsOfMaps(pooled, grid);
      QVERIFY2(maxDiff(trace.offsets, wanted) < 1e-5, std::to_string(maxDiff(trace.offsets, wanted)).c_str());
      const auto cached = dit->forwardCached(img, pos, t, text, dit->encodeReferences(refs), refs.present);
      QVERIFY2(cachedMatches(full, cached), std::to_string(maxDiff(full, cached)).c_str());
    }
    // A head's pooling cannot be changed in place.
    auto g = createGenerator(modelPreset("tiny"), WordTokenizer::fromCorpus({"a cat"}));
    g.config.dit.prediction = Prediction::X0;
    g = withReferenceWarp(g, WarpPool::Token);
    const auto changed = errorOf([&] { withReferenceWarp(g, WarpPool::Fit); });
    QVERIFY(changed && QString(changed->what()).contains("pooling by \"token\""));
    QVERIFY(withReferenceWarp(g, WarpPool::Token).dit.get() == g.dit.get());
  }

  // Target box: the top-left quarter; reference box: the whole reference. The map is s = 2 and
  // a = (1, 1): the box's centre (-0.5, -0.5) goes to the reference's (0, 0); on the tokens
  // inside it agrees with the per-token targets. Pooling "map"'s loss holds every token to it;
  // pooling "fit"'s holds the tokens' own offsets, not the fitted ones, to the per-token targets.
  void pooledSupervisionTargets() {
    const ImageGrid grid{4, 4};
    const auto boxes = at::tensor({0.0f, 0.0f, 0.5f, 0.5f, 0.0f, 0.0f, 1.0f, 1.0f}).view({1, 1, 8});
    const auto targets = psr::train::warpTargets(boxes, grid);
    const auto want = at::tensor({1.0f, 1.0f, float(std::log(2.0))}).view({1, 1, 3});
    QVERIFY2(maxDiff(targets.maps, want) < 1e-6, std::to_string(maxDiff(targets.maps, want)).c_str());
    QVERIFY(targets.valid[0][0].item<bool>());
    const auto fromMap = ReferenceWarpImpl::offsetsOfMaps(targets.maps, grid);
    const auto inside = targets.inside.unsqueeze(3).to(at::kFloat);
    QCOMPARE(targets.inside.sum().item<std::int64_t>(), std::int64_t(4));
    QVERIFY(maxDiff(fromMap * inside, targets.offsets) < 1e-6);
    const auto present = at::ones({1, 1}, at::kBool);
    WarpTrace trace;
    trace.offsets = fromMap;
    trace.maps = targets.maps.unsqueeze(1).expand({1, 16, 1, 3}).clone();
    QCOMPARE(psr::train::warpSupervisionLoss(trace, boxes, present, grid).item<double>(), 0.0);
    trace.maps[0][15][0][0] = 2.0f;  // a token outside the box still owes the map
    QVERIFY(psr::train::warpSupervisionLoss(trace, boxes, present, grid).item<double>() > 1e-3);
    QCOMPARE(psr::train::warpSupervisionLoss(trace, boxes, at::zeros({1, 1}, at::kBool), grid).item<double>(), 0.0);
    // Unknown boxes (zeros) are no target either.
    QCOMPARE(psr::train::warpSupervisionLoss(trace, at::zeros({1, 1, 8}), present, grid).item<double>(), 0.0);
    WarpTrace fit;
    fit.tokenOffsets = targets.offsets.clone();
    fit.offsets = at::full_like(targets.offsets, 3.0);
    QCOMPARE(psr::train::warpSupervisionLoss(fit, boxes, present, grid).item<double>(), 0.0);
    fit.tokenOffsets[0][0][0][0] = 1.0f;  // token 0 is inside the box
    QVERIFY(psr::train::warpSupervisionLoss(fit, boxes, present, grid).item<double>() > 1e-3);
  }

  // A disc-like mask in the middle of a 4 x 4 grid of 4 px tokens: the four middle tokens are
  // covered, the corner tokens of its box only in part, so mask labels differ from box labels.
  void maskLabelsFollowTheSilhouette() {
    const ImageGrid grid{4, 4};
    auto masks = at::zeros({1, 1, 16, 16});
    masks.narrow(2, 4, 8).narrow(3, 4, 8).fill_(1.0f);  // tokens 5, 6, 9, 10
    masks.narrow(2, 2, 2).narrow(3, 6, 4).fill_(1.0f);  // a quarter of tokens 1 and 2
    const auto member = psr::train::maskMembership(masks, grid);
    QCOMPARE(member.sizes(), (at::IntArrayRef{1, 16, 1}));
    QCOMPARE(member.sum().item<std::int64_t>(), std::int64_t(4));
    for (std::int64_t n : {5, 6, 9, 10}) QVERIFY(member[0][n][0].item<bool>());
    // The box around the mask (rows 2..12, cols 4..12 of 16) holds tokens 1 and 2 as well.
    const auto boxes = at::tensor({0.25f, 0.125f, 0.75f, 0.75f, 0.0f, 0.0f, 1.0f, 1.0f}).view({1, 1, 8});
    WarpTrace trace;
    trace.weights = at::zeros({1, 16, 2});
    trace.weights.select(2, 0).fill_(1.0f);
    for (std::int64_t n : {5, 6, 9, 10}) trace.weights[0][n] = at::tensor({0.0f, 1.0f});
    const auto present = at::ones({1, 1}, at::kBool);
    QVERIFY(psr::train::warpGateLoss(trace, boxes, present, grid, {}, masks).item<double>() < 1e-9);
    QVERIFY(psr::train::warpGateLoss(trace, boxes, present, grid).item<double>() > 1.0);
    const auto err = errorOf([&] { psr::train::maskMembership(at::zeros({16, 16}), grid); });
    QVERIFY(err && QString(err->what()).contains("masks"));
    const auto mismatch = errorOf([&] { psr::train::warpGateLoss(trace, boxes, present, grid, {}, at::zeros({1, 2, 16, 16})); });
    QVERIFY(mismatch && QString(mismatch->what()).contains("do not match boxes"));
  }
};

QTEST_GUILESS_MAIN(TestReferenceWarp)
#include "test_reference_warp.moc"
