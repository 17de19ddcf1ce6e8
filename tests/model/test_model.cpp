// The generator model: configs and counts, FLUX names, RoPE positions, the reference cache,
// codec, tokenizer and text encoder, checkpoints. LibTorch headers come before Qt's.
#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "model/checkpoint.h"
#include "model/dit.h"
#include "model/image_codec.h"
#include "model/model_config.h"
#include "model/rope.h"
#include "model/text_encoder.h"
#include "model/weight_average.h"
#include "model_fixtures.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <set>

using namespace psr::model;
using fixtures::errorOf;
using psr::ErrorCode;

namespace {

std::int64_t numel(const torch::nn::Module& module) {
  std::int64_t n = 0;
  for (const auto& p : module.parameters()) n += p.numel();
  return n;
}

double maxDiff(const at::Tensor& a, const at::Tensor& b) { return (a - b).abs().max().item<double>(); }

// Two tiny DiTs with the same random weights, the second with another output parametrisation,
// and inputs for both: 3 samples at t = 0.9, 0.3, 0.01 (below the x0 floor), two references.
struct PredictionCase {
  Dit plain{nullptr}, variant{nullptr};
  ImageGrid grid{4, 4};
  at::Tensor img, t;
  TextCondition text;
  ReferenceTokens refs;
};

PredictionCase predictionCase(Prediction prediction, std::uint64_t seed) {
  PredictionCase pc;
  auto c = modelPreset("tiny").dit;
  pc.plain = Dit(c);
  fixtures::randomiseWeights(*pc.plain, seed);
  c.prediction = prediction;
  pc.variant = Dit(c);
  {
    at::NoGradGuard noGrad;
    auto target = pc.variant->named_parameters();
    for (const auto& p : pc.plain->named_parameters()) target[p.key()].copy_(p.value());
  }
  auto gen = psr::flow::cpuGenerator(seed + 1);
  pc.img = at::randn({3, 16, c.in_channels}, gen, at::kFloat);
  pc.t = at::tensor({0.9f, 0.3f, 0.01f});
  pc.text = fixtures::randomText(c, 3, 5, 0, gen);
  pc.refs = fixtures::randomReferences(c, 2, pc.grid, gen);
  return pc;
}

WordTokenizer smallTokenizer() {
  return WordTokenizer::fromCorpus({"a cat to the left of a mug", "a red mug on a beach", "the cat is sleeping"});
}

}  // namespace

class TestModel : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    at::manual_seed(1);
    at::set_num_threads(1);  // tiny tensors: thread hand-offs cost more than they save
  }

  // --- configs, counts, names ------------------------------------------------------------

  void presetsValidateAndRoundTrip() {
    for (const auto& name : presetNames()) {
      const auto config = modelPreset(name);
      config.validate();
      const auto back = nlohmann::json(config).get<ModelConfig>();
      QCOMPARE(nlohmann::json(back).dump(), nlohmann::json(config).dump());
    }
    const auto err = errorOf([] { modelPreset("huge"); });
    QVERIFY(err && QString(err->what()).contains("tiny, default, large, flux-kontext-dev"));
    auto bad = modelPreset("tiny");
    bad.dit.axes_dim = {4, 14, 12};
    QVERIFY(errorOf([&] { bad.validate(); }));
  }

  void parameterCountMatchesModules() {
    for (const char* name : {"tiny", "default"}) {
      const auto config = modelPreset(name);
      QCOMPARE(numel(*Dit(config.dit)), ditParameterCount(config.dit));
      QCOMPARE(numel(*TextEncoder(config.text)), textEncoderParameterCount(config.text));
    }
    auto guided = modelPreset("tiny").dit;
    guided.guidance_embed = true;
    QCOMPARE(numel(*Dit(guided)), ditParameterCount(guided));
    const auto tiny = ditParameterCount(modelPreset("tiny").dit);
    QVERIFY2(tiny > 100'000 && tiny < 1'000'000, std::to_string(tiny).c_str());
  }

  void fluxKontextDevHasTheReleasedSize() {
    // FLUX.1 [dev] / Kontext [dev] transformer: 11,901,408,320 parameters.
    QCOMPARE(ditParameterCount(modelPreset("flux-kontext-dev").dit), std::int64_t(11'901'408'320));
  }

  void stateDictUsesFluxNames() {
    auto config = modelPreset("tiny").dit;
    const auto dict = stateDict(*Dit(config));
    std::set<std::string> names;
    for (const auto& [name, tensor] : dict) names.insert(name);
    for (const char* key : {"img_in.weight",
                            "txt_in.weight",
                            "time_in.in_layer.weight",
                            "time_in.out_layer.bias",
                            "vector_in.in_layer.weight",
                            "double_blocks.0.img_mod.lin.weight",
                            "double_blocks.0.img_attn.qkv.weight",
                            "double_blocks.0.img_attn.norm.query_norm.scale",
                            "double_blocks.0.img_attn.norm.key_norm.scale",
                            "double_blocks.0.img_attn.proj.weight",
                            "double_blocks.0.img_mlp.0.weight",
                            "double_blocks.0.img_mlp.2.bias",
                            "double_blocks.1.txt_mod.lin.bias",
                            "double_blocks.1.txt_attn.qkv.bias",
                            "double_blocks.1.txt_mlp.2.weight",
                            "single_blocks.0.linear1.weight",
                            "single_blocks.1.linear2.bias",
                            "single_blocks.0.norm.query_norm.scale",
                            "single_blocks.0.norm.key_norm.scale",
                            "single_blocks.1.modulation.lin.weight",
                            "final_layer.adaLN_modulation.1.weight",
                            "final_layer.linear.weight"})
      QVERIFY2(names.count(key), key);
    QVERIFY(!names.count("guidance_in.in_layer.weight"));
    config.guidance_embed = true;
    QVERIFY(!stateDict(*Dit(config)).empty());
    bool hasGuidance = false;
    for (const auto& [name, tensor] : stateDict(*Dit(config))) hasGuidance |= name == "guidance_in.out_layer.weight";
    QVERIFY(hasGuidance);
  }

  void flopCounts() {
    const auto c = modelPreset("default").dit;
    const TokenCounts none{16, 64, 0, 0}, two{16, 64, 128, 2};
    QCOMPARE(ditForwardFlops(c, none).total(), ditCachedStepFlops(c, none).total());
    QVERIFY(ditForwardFlops(c, two).total() > 2.0 * ditCachedStepFlops(c, two).total());
    // Matmul FLOPs are 2 per weight per token: each token passes 12·hidden² block weights
    // (its own stream's half of a double block), so within 10% of 2·12·hidden²·blocks.
    const double perToken = ditForwardFlops(c, {0, 1000, 0, 0}).linear / 1000.0;
    const double blockParams = double(c.depth_double + c.depth_single) * 12 * c.hidden * c.hidden;
    QVERIFY2(std::abs(perToken / (2 * blockParams) - 1.0) < 0.1, std::to_string(perToken).c_str());
  }

  // --- positions ---------------------------------------------------------------------------

  void frameWisePositions() {
    const ImageGrid target{2, 3}, ref{2, 2};
    const auto t = gridPositions(target, 0);
    QCOMPARE(t.sizes().vec(), (std::vector<std::int64_t>{6, 3}));
    QCOMPARE(t[4][0].item<float>(), 0.f);
    QCOMPARE(t[4][1].item<float>(), 1.f);  // row-major: token 4 = (1, 1)
    QCOMPARE(t[4][2].item<float>(), 1.f);
    const auto refs = referencePositions(PositionEncoding::FrameWise, target, {ref, ref, ref});
    QCOMPARE(refs.size(0), std::int64_t(12));
    for (int k = 0; k < 3; ++k) {
      const auto block = refs.narrow(0, 4 * k, 4);
      QVERIFY((block.select(1, 0) == float(k + 1)).all().item<bool>());                  // frame k + 1
      QVERIFY(at::equal(block.narrow(1, 1, 2), gridPositions(ref, 0).narrow(1, 1, 2)));  // own grid
    }
    QVERIFY((textPositions(5) == 0).all().item<bool>());
  }

  void unoOffsetPositions() {
    const ImageGrid target{2, 3}, ref{2, 2};
    const auto refs = referencePositions(PositionEncoding::UnoOffset, target, {ref, ref});
    QVERIFY((refs.select(1, 0) == 0).all().item<bool>());
    // Reference 1 starts diagonally past the target, reference 2 past reference 1.
    QCOMPARE(refs[0][1].item<float>(), 2.f);
    QCOMPARE(refs[0][2].item<float>(), 3.f);
    QCOMPARE(refs[4][1].item<float>(), 4.f);
    QCOMPARE(refs[4][2].item<float>(), 5.f);
    QCOMPARE(refs[7][1].item<float>(), 5.f);
    QCOMPARE(refs[7][2].item<float>(), 6.f);
  }

  void ropeDependsOnlyOnRelativePosition() {
    const std::array<std::int64_t, 3> axes{4, 14, 14};
    auto gen = psr::flow::cpuGenerator(3);
    const auto q = at::randn({1, 1, 1, 32}, gen, at::kFloat), k = at::randn({1, 1, 1, 32}, gen, at::kFloat);
    const auto score = [&](std::vector<float> a, std::vector<float> b) {
      const auto pa = at::tensor(a).view({1, 3}), pb = at::tensor(b).view({1, 3});
      const auto rq = applyRope(q, ropeTables(pa, axes, 10000.0));
      const auto rk = applyRope(k, ropeTables(pb, axes, 10000.0));
      return (rq * rk).sum().item<double>();
    };
    const double base = score({1, 2, 3}, {0, 5, 1});
    QVERIFY(std::abs(score({4, 9, 10}, {3, 12, 8}) - base) < 1e-4);
    QVERIFY(std::abs(score({2, 2, 3}, {0, 5, 1}) - base) > 1e-3);  // a different frame gap changes it
    // Rotation keeps norms.
    const auto rotated = applyRope(q, ropeTables(at::tensor(std::vector<float>{3, 7, 11}).view({1, 3}), axes, 1e4));
    QVERIFY(std::abs(rotated.norm().item<double>() - q.norm().item<double>()) < 1e-5);
  }

  // --- the DiT -------------------------------------------------------------------------------

  void forwardShapes_data() {
    QTest::addColumn<int>("references");
    QTest::addColumn<int>("padded");
    QTest::newRow("text only") << 0 << 0;
    QTest::newRow("two refs") << 2 << 0;
    QTest::newRow("four refs, padded text") << 4 << 2;
  }

  void forwardShapes() {
    QFETCH(int, references);
    QFETCH(int, padded);
    const auto c = modelPreset("tiny").dit;
    Dit dit(c);
    fixtures::randomiseWeights(*dit, 5);
    auto gen = psr::flow::cpuGenerator(6);
    const ImageGrid grid{4, 4};
    const auto img = at::randn({2, 16, c.in_channels}, gen, at::kFloat);
    const auto out =
        dit->forward(img, gridPositions(grid, 0), at::full({2}, 0.5), fixtures::randomText(c, 2, 5, padded, gen),
                     fixtures::randomReferences(c, references, grid, gen));
    QCOMPARE(out.sizes(), img.sizes());
    QVERIFY(at::isfinite(out).all().item<bool>());
  }

  void cachedReferencesMatchTheJointSequence_data() {
    QTest::addColumn<int>("references");
    QTest::addColumn<bool>("uno");
    QTest::addColumn<bool>("masks");
    QTest::newRow("0 refs") << 0 << false << false;
    QTest::newRow("1 ref") << 1 << false << false;
    QTest::newRow("3 refs, masks") << 3 << false << true;
    QTest::newRow("4 refs, uno, masks") << 4 << true << true;
  }

  void cachedReferencesMatchTheJointSequence() {
    QFETCH(int, references);
    QFETCH(bool, uno);
    QFETCH(bool, masks);
    auto c = modelPreset("tiny").dit;
    if (uno) c.positions = PositionEncoding::UnoOffset;
    Dit dit(c);
    fixtures::randomiseWeights(*dit, 7);
    auto gen = psr::flow::cpuGenerator(8);
    const ImageGrid grid{4, 4};
    const std::int64_t b = 3;
    const auto img = at::randn({b, 16, c.in_channels}, gen, at::kFloat);
    const auto t = at::rand({b}, gen, at::kFloat);
    const auto text = fixtures::randomText(c, b, 6, masks ? 2 : 0, gen);
    auto refs = fixtures::randomReferences(c, references, grid, gen);
    if (masks && references > 0) {
      refs.present = at::ones({b, references}, at::kBool);
      refs.present[1][0] = false;
      refs.present[2].fill_(false);  // sample 2 sees no references at all (reference dropout)
    }
    at::InferenceMode guard;
    const auto full = dit->forward(img, gridPositions(grid, 0), t, text, refs);
    const auto cache = dit->encodeReferences(refs);
    const auto cached = dit->forwardCached(img, gridPositions(grid, 0), t, text, cache, refs.present);
    QVERIFY2(maxDiff(full, cached) < 1e-5, std::to_string(maxDiff(full, cached)).c_str());
    if (references > 0) {
      // The references are used: the output changes without them...
      const auto blind = dit->forward(img, gridPositions(grid, 0), t, text);
      QVERIFY(maxDiff(full.narrow(0, 0, 2), blind.narrow(0, 0, 2)) > 1e-3);
      // ...and a sample that sees none of them equals the reference-blind model.
      if (masks) QVERIFY(maxDiff(full[2], blind[2]) < 1e-5);
    }
  }

  // x0 prediction: the same final-layer output read as the clean image, so the velocity the
  // DiT returns is (x_t - out) / max(t, 0.05), in the joint and the cached forward alike.
  void x0PredictionReturnsVelocity() {
    auto pc = predictionCase(Prediction::X0, 21);
    auto& [plain, x0, grid, img, t, text, refs] = pc;
    at::InferenceMode guard;
    const auto out = plain->forward(img, gridPositions(grid, 0), t, text, refs);
    const auto expected = (img - out) / t.clamp_min(0.05).view({-1, 1, 1});
    const auto v = x0->forward(img, gridPositions(grid, 0), t, text, refs);
    QVERIFY2(maxDiff(v, expected) < 1e-4, std::to_string(maxDiff(v, expected)).c_str());
    const auto cached = x0->forwardCached(img, gridPositions(grid, 0), t, text, x0->encodeReferences(refs));
    QVERIFY(maxDiff(cached, expected) < 1e-4);
    // The switch is part of the saved config; configs written before it existed predict velocity.
    auto config = modelPreset("tiny");
    config.dit.prediction = Prediction::X0;
    auto j = nlohmann::json(config);
    QCOMPARE(j["dit"]["prediction"].get<std::string>(), std::string("x0"));
    QVERIFY(j.get<ModelConfig>().dit.prediction == Prediction::X0);
    j["dit"].erase("prediction");
    QVERIFY(j.get<ModelConfig>().dit.prediction == Prediction::Velocity);
    j["dit"]["prediction"] = "epsilon";
    const auto err = errorOf([&] { j.get<ModelConfig>(); });
    QVERIFY(err && QString(err->what()).contains("velocity, x0 or preconditioned"));
  }

  // Preconditioned x0: the same network F fed c_in(t)·x_t (references at c_in(0) = 2) and read
  // as x0 = c_skip·x_t + c_out·F, in the joint and the cached forward alike; finite at t = 0.
  void preconditionedPredictionReturnsVelocity() {
    auto pc = predictionCase(Prediction::Preconditioned, 23);
    auto& [plain, pre, grid, img, t, text, refs] = pc;
    at::InferenceMode guard;
    const double s = 0.5;
    const auto tt = t.view({-1, 1, 1});
    const auto d = (1 - tt).square() * s * s + tt.square();
    auto scaledRefs = refs;
    scaledRefs.tokens = refs.tokens * 2.0;
    const auto f = plain->forward(img * d.rsqrt(), gridPositions(grid, 0), t, text, scaledRefs);
    const auto x0 = img * ((1 - tt) * s * s / d) + f * (tt * s * d.rsqrt());
    const auto expected = (img - x0) / tt;
    const auto v = pre->forward(img, gridPositions(grid, 0), t, text, refs);
    QVERIFY2(maxDiff(v, expected) < 1e-3, std::to_string(maxDiff(v, expected)).c_str());
    const auto cached = pre->forwardCached(img, gridPositions(grid, 0), t, text, pre->encodeReferences(refs));
    QVERIFY2(maxDiff(cached, v) < 1e-4, std::to_string(maxDiff(cached, v)).c_str());
    // At t = 0 the input is the clean image and x0 = x_t: the velocity is finite.
    const auto atZero = pre->forward(img, gridPositions(grid, 0), at::zeros({3}), text, refs);
    QVERIFY(at::isfinite(atZero).all().item<bool>());
    auto config = modelPreset("tiny");
    config.dit.prediction = Prediction::Preconditioned;
    QCOMPARE(nlohmann::json(config)["dit"]["prediction"].get<std::string>(), std::string("preconditioned"));
    QVERIFY(nlohmann::json(config).get<ModelConfig>().dit.prediction == Prediction::Preconditioned);
  }

  void referenceCacheIgnoresTargetAndTimestep() {
    const auto c = modelPreset("tiny").dit;
    Dit dit(c);
    fixtures::randomiseWeights(*dit, 9);
    auto gen = psr::flow::cpuGenerator(10);
    const auto refs = fixtures::randomReferences(c, 2, {4, 4}, gen);
    at::InferenceMode guard;
    const auto a = dit->encodeReferences(refs), b = dit->encodeReferences(refs);
    QCOMPARE(a.keys.size(), std::size_t(c.depth_double + c.depth_single));
    for (std::size_t i = 0; i < a.keys.size(); ++i) QVERIFY(at::equal(a.keys[i], b.keys[i]));
  }

  void tooManyReferences() {
    const auto c = modelPreset("tiny").dit;
    Dit dit(c);
    auto gen = psr::flow::cpuGenerator(11);
    const ImageGrid grid{4, 4};
    const auto refs = fixtures::randomReferences(c, 5, grid, gen);
    auto err = errorOf([&] { dit->encodeReferences(refs); });
    QVERIFY(err);
    QCOMPARE(err->code(), ErrorCode::InvalidArgument);
    QVERIFY2(QString(err->what()).contains("5 references given; this model accepts at most 4"), err->what());
    err = errorOf([&] {
      dit->forward(at::zeros({1, 16, c.in_channels}), gridPositions(grid, 0), at::zeros({1}),
                   fixtures::randomText(c, 1, 2, 0, gen), refs);
    });
    QVERIFY(err && QString(err->what()).contains("at most 4"));
    err = errorOf([&] {
      dit->forward(at::zeros({1, 16, 7}), gridPositions(grid, 0), at::zeros({1}),
                   fixtures::randomText(c, 1, 2, 0, gen));
    });
    QVERIFY(err && QString(err->what()).contains("target tokens must be"));
  }

  // --- codec, tokenizer, text ----------------------------------------------------------------

  void patchCodecRoundTrip() {
    const PatchCodec codec(4);
    auto gen = psr::flow::cpuGenerator(12);
    const auto images = at::rand({2, 3, 16, 8}, gen, at::kFloat) * 2 - 1;
    const auto latent = codec.encode(images);
    QCOMPARE(latent.tokens.sizes().vec(), (std::vector<std::int64_t>{2, 8, 48}));
    QCOMPARE(latent.grid.h, std::int64_t(4));
    QCOMPARE(latent.grid.w, std::int64_t(2));
    QVERIFY(at::equal(codec.decode(latent), images));
    // Token 1 is the patch right of the top-left one, channels ordered (c, ph, pw).
    QVERIFY(at::equal(latent.tokens[0][1].view({3, 4, 4}), images[0].narrow(1, 0, 4).narrow(2, 4, 4)));
    QVERIFY(errorOf([&] { codec.encode(at::zeros({1, 3, 10, 8})); }));
  }

  void tokenizer() {
    const auto tok = smallTokenizer();
    QCOMPARE(tok.vocabulary()[3], std::string("a"));  // the most frequent word
    const auto ids = tok.encode("A CAT, on the... moon!", 32);
    QCOMPARE(ids.size(), std::size_t(6));
    QCOMPARE(ids[0], WordTokenizer::kBos);
    QCOMPARE(ids[5], WordTokenizer::kUnk);  // "moon"
    QCOMPARE(tok.encode("a cat on the beach", 3).size(), std::size_t(3));
    QCOMPARE(tok.encode("", 8), (std::vector<std::int64_t>{WordTokenizer::kBos}));
    const auto path = std::filesystem::path(dir_.filePath("vocab.txt").toStdString());
    tok.save(path);
    QCOMPARE(WordTokenizer::load(path).vocabulary(), tok.vocabulary());
    QVERIFY(errorOf([] { WordTokenizer({"a", "b"}); }));
  }

  void emptyPromptWorks() {
    const auto config = modelPreset("tiny");
    const auto tok = smallTokenizer();
    TextEncoder encoder(config.text);
    Dit dit(config.dit);
    fixtures::randomiseWeights(*dit, 13);
    const auto batch = tokenize(tok, {"", "a cat to the left of a mug"}, config.text.max_tokens);
    QCOMPARE(batch.ids.size(1), std::int64_t(9));
    QCOMPARE(batch.mask[0].sum().item<std::int64_t>(), std::int64_t(1));
    at::InferenceMode guard;
    const auto text = encoder->forward(batch);
    QCOMPARE(text.pooled.sizes().vec(), (std::vector<std::int64_t>{2, config.dit.vec_dim}));
    const auto out =
        dit->forward(at::zeros({2, 16, config.dit.in_channels}), gridPositions({4, 4}, 0), at::full({2}, 0.3), text);
    QVERIFY(at::isfinite(out).all().item<bool>());
    // Padding does not leak: the empty prompt alone encodes the same.
    const auto alone = encoder->forward(tokenize(tok, {""}, config.text.max_tokens));
    QVERIFY(maxDiff(alone.pooled[0], text.pooled[0]) < 1e-5);
    const auto null = nullTextCondition(*encoder, tok, 3);
    QCOMPARE(null.tokens.size(0), std::int64_t(3));
    QVERIFY(maxDiff(null.pooled[1], alone.pooled[0]) < 1e-6);
  }

  // --- checkpoints ---------------------------------------------------------------------------

  void checkpointRoundTrip() {
    auto g = createGenerator(modelPreset("tiny"), smallTokenizer());
    fixtures::randomiseWeights(*g.dit, 14);
    const auto dir = std::filesystem::path(dir_.filePath("ckpt").toStdString());
    saveGenerator(dir, g);
    const auto back = loadGenerator(dir);
    QCOMPARE(back.config.name, std::string("tiny"));
    QCOMPARE(back.tokenizer->vocabulary(), g.tokenizer->vocabulary());
    const auto a = stateDict(*g.dit), b = stateDict(*back.dit);
    QCOMPARE(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) QVERIFY2(at::equal(a[i].second, b[i].second), a[i].first.c_str());
    for (const auto& [name, tensor] : stateDict(*back.text)) QVERIFY(tensor.defined());
  }

  // `psr model average`: every floating tensor is the mean of the checkpoints'; an average of a
  // checkpoint with itself is that checkpoint; other architectures and vocabularies are refused.
  void checkpointsAverage() {
    const auto root = std::filesystem::path(dir_.filePath("soup").toStdString());
    std::vector<Generator> gs;
    std::vector<std::filesystem::path> dirs;
    for (int k = 0; k < 3; ++k) {
      gs.push_back(createGenerator(modelPreset("tiny"), smallTokenizer()));
      fixtures::randomiseWeights(*gs.back().dit, 30 + k);
      fixtures::randomiseWeights(*gs.back().text, 40 + k);
      dirs.push_back(root / std::to_string(k));
      saveGenerator(dirs.back(), gs.back());
    }
    const auto mean = averageGenerators(dirs);
    for (const bool text : {false, true}) {
      const auto got = text ? stateDict(*mean.text) : stateDict(*mean.dit);
      std::vector<std::vector<std::pair<std::string, at::Tensor>>> parts;
      for (const auto& g : gs) parts.push_back(text ? stateDict(*g.text) : stateDict(*g.dit));
      QCOMPARE(got.size(), parts[0].size());
      for (std::size_t i = 0; i < got.size(); ++i) {
        const auto expect = (parts[0][i].second + parts[1][i].second + parts[2][i].second) / 3.0;
        QVERIFY2(maxDiff(got[i].second, expect) < 1e-6, got[i].first.c_str());
      }
    }
    const auto self = averageGenerators({dirs[0], dirs[0]});
    const auto a = stateDict(*self.dit), b = stateDict(*gs[0].dit);
    for (std::size_t i = 0; i < a.size(); ++i) QVERIFY2(at::equal(a[i].second, b[i].second), a[i].first.c_str());

    // Task arithmetic: 0 + 1 - 2 (weights sum to 1), then refused weights.
    const auto sum = combineGenerators(dirs, {1.0, 1.0, -1.0});
    {
      const auto got = stateDict(*sum.dit);
      std::vector<std::vector<std::pair<std::string, at::Tensor>>> parts;
      for (const auto& g : gs) parts.push_back(stateDict(*g.dit));
      for (std::size_t i = 0; i < got.size(); ++i) {
        const auto expect = parts[0][i].second + parts[1][i].second - parts[2][i].second;
        QVERIFY2(maxDiff(got[i].second, expect) < 1e-5, got[i].first.c_str());
      }
    }
    auto weightsErr = errorOf([&] { combineGenerators(dirs, {1.0, 1.0, 1.0}); });
    QVERIFY2(weightsErr && QString(weightsErr->what()).contains("sum to"), weightsErr ? weightsErr->what() : "no error");
    weightsErr = errorOf([&] { combineGenerators(dirs, {0.5, 0.5}); });
    QVERIFY2(weightsErr && QString(weightsErr->what()).contains("2 weights for 3"), weightsErr ? weightsErr->what() : "no error");

    auto err = errorOf([&] { averageGenerators({dirs[0]}); });
    QVERIFY2(err && err->code() == ErrorCode::InvalidArgument, err ? err->what() : "no error");
    auto deeper = modelPreset("tiny");
    deeper.dit.depth_single += 1;
    saveGenerator(root / "deeper", createGenerator(deeper, smallTokenizer()));
    err = errorOf([&] { averageGenerators({dirs[0], root / "deeper"}); });
    QVERIFY2(err && QString(err->what()).contains("config.json differs"), err ? err->what() : "no error");
    saveGenerator(root / "vocab", createGenerator(modelPreset("tiny"), WordTokenizer({"<pad>", "<s>", "<unk>", "zebra"})));
    err = errorOf([&] { averageGenerators({dirs[0], root / "vocab"}); });
    QVERIFY2(err && QString(err->what()).contains("vocabulary differs"), err ? err->what() : "no error");
  }

  // A downloaded checkpoint's config.json is outside data: nesting bombs, absurd sizes and
  // broken JSON are clear Corrupt/InvalidArgument errors naming the file, before any allocation.
  void hostileCheckpointConfigIsRefused() {
    auto g = createGenerator(modelPreset("tiny"), smallTokenizer());
    const auto dir = std::filesystem::path(dir_.filePath("hostile").toStdString());
    saveGenerator(dir, g);
    const auto write = [&](const std::string& text) { std::ofstream(dir / "config.json", std::ios::trunc) << text; };
    write(std::string(100000, '[') + std::string(100000, ']'));
    auto err = errorOf([&] { loadGenerator(dir); });
    QVERIFY2(err && err->code() == ErrorCode::Corrupt && QString(err->what()).contains("nests deeper"),
             err ? err->what() : "no error");
    write("{\"name\": ");
    err = errorOf([&] { loadGenerator(dir); });
    QVERIFY2(err && QString(err->what()).contains("config.json"), err ? err->what() : "no error");
    auto huge = nlohmann::json(modelPreset("tiny"));
    huge["dit"]["hidden"] = std::int64_t(1) << 40;
    write(huge.dump());
    err = errorOf([&] { loadGenerator(dir); });
    QVERIFY2(err && QString(err->what()).contains("hidden"), err ? err->what() : "no error");
  }

  void checkpointMismatchNamesTheTensors() {
    const auto path = std::filesystem::path(dir_.filePath("tiny.safetensors").toStdString());
    auto tiny = modelPreset("tiny").dit;
    saveWeights(path, *Dit(tiny));
    auto other = tiny;
    other.depth_double = 3;  // one block more: missing tensors
    auto err = errorOf([&] {
      Dit model(other);
      loadWeights(path, *model);
    });
    QVERIFY(err);
    QVERIFY2(QString(err->what()).contains("missing [double_blocks.2.img_mod.lin.weight"), err->what());
    other = tiny;
    other.depth_single = 1;  // one block fewer: unexpected tensors
    err = errorOf([&] {
      Dit model(other);
      loadWeights(path, *model);
    });
    QVERIFY2(err && QString(err->what()).contains("unexpected [single_blocks.1."), err ? err->what() : "");
    other = tiny;
    other.mlp_ratio = 2.0;  // same names, other shapes
    err = errorOf([&] {
      Dit model(other);
      loadWeights(path, *model);
    });
    QVERIFY2(err && QString(err->what()).contains("double_blocks.0.img_mlp.0.weight (file [256, 64], model [128, 64])"),
             err ? err->what() : "");
    // A truncated file is reported as corrupt, with its path.
    QFile file(QString::fromStdString(path.string()));
    QVERIFY(file.open(QIODevice::ReadWrite));
    QVERIFY(file.resize(file.size() / 2));
    file.close();
    err = errorOf([&] {
      Dit model(tiny);
      loadWeights(path, *model);
    });
    QVERIFY(err);
    QCOMPARE(err->code(), ErrorCode::Corrupt);
    QVERIFY2(QString(err->what()).contains("tiny.safetensors"), err->what());
  }
};

QTEST_APPLESS_MAIN(TestModel)
#include "test_model.moc"
