// The reference pointer head (DitConfig::reference_copy): joint and cached forwards agree, a
// sample without references gets final_layer alone, a forced gate returns the references'
// pixels, and adding the head to a trained model keeps every other tensor.
// LibTorch headers come before Qt's.
#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "model/checkpoint.h"
#include "model/dit.h"
#include "model/model_config.h"
#include "model/rope.h"
#include "model/tokenizer.h"
#include "model_fixtures.h"

#include <QtTest>

using namespace psr::model;
using fixtures::errorOf;

namespace {

double maxDiff(const at::Tensor& a, const at::Tensor& b) { return (a - b).abs().max().item<double>(); }

DitConfig copyConfig() {
  auto c = modelPreset("tiny").dit;
  c.prediction = Prediction::X0;
  c.reference_copy = true;
  return c;
}

struct Inputs {
  ImageGrid grid{4, 4};
  at::Tensor img, t;
  TextCondition text;
  ReferenceTokens refs;
};

Inputs inputs(const DitConfig& c, std::uint64_t seed) {
  Inputs in;
  auto gen = psr::flow::cpuGenerator(seed);
  in.img = at::randn({3, 16, c.in_channels}, gen, at::kFloat);
  in.t = at::tensor({0.9f, 0.4f, 0.1f});
  in.text = fixtures::randomText(c, 3, 5, 1, gen);
  in.refs = fixtures::randomReferences(c, 2, in.grid, gen);
  in.refs.present = at::ones({3, 2}, at::kBool);
  in.refs.present[1][1] = false;
  in.refs.present[2].fill_(false);  // sample 2: no reference at all
  return in;
}

}  // namespace

class TestReferenceCopy : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { at::set_num_threads(1); }

  void configRoundTripsAndNeedsX0() {
    auto config = modelPreset("tiny");
    config.dit = copyConfig();
    auto j = nlohmann::json(config);
    QVERIFY(j["dit"]["reference_copy"].get<bool>());
    QVERIFY(j.get<ModelConfig>().dit.reference_copy);
    j["dit"].erase("reference_copy");  // configs written before the head existed
    QVERIFY(!j.get<ModelConfig>().dit.reference_copy);
    config.dit.prediction = Prediction::Velocity;
    const auto err = errorOf([&] { config.validate(); });
    QVERIFY(err && QString(err->what()).contains("reference_copy needs"));
    // The parameter count covers the head (query, key: hidden -> 2 heads; gate: hidden -> 3).
    const auto c = copyConfig();
    std::int64_t n = 0;
    for (const auto& p : Dit(c)->parameters()) n += p.numel();
    QCOMPARE(n, ditParameterCount(c));
    auto plain = c;
    plain.reference_copy = false;
    const auto h = c.hidden, d = c.headDim();
    QCOMPARE(ditParameterCount(c) - ditParameterCount(plain), 2 * (h * 2 * d + 2 * d) + (h * 3 + 3));
  }

  void cachedForwardEqualsJointAndAbsentReferencesAreIgnored() {
    const auto c = copyConfig();
    Dit dit(c);
    fixtures::randomiseWeights(*dit, 31);
    {
      // Random weights would leave the gate near its start (95 % final_layer); a gate that
      // depends on the token makes the comparison cover the copy branches.
      at::NoGradGuard noGrad;
      dit->reference_copy->gate->weight.normal_(0, 0.5);
      dit->reference_copy->gate->bias.zero_();
    }
    auto in = inputs(c, 32);
    at::InferenceMode guard;
    const auto pos = gridPositions(in.grid, 0);
    const auto full = dit->forward(in.img, pos, in.t, in.text, in.refs);
    const auto cached = dit->forwardCached(in.img, pos, in.t, in.text, dit->encodeReferences(in.refs), in.refs.present);
    QVERIFY2(maxDiff(full, cached) < 1e-4, std::to_string(maxDiff(full, cached)).c_str());
    QVERIFY(at::isfinite(full).all().item<bool>());
    // Sample 2 sees no reference: the head adds nothing, as in the reference-blind forward.
    const auto blind = dit->forward(in.img, pos, in.t, in.text);
    QVERIFY2(maxDiff(full[2], blind[2]) < 1e-5, std::to_string(maxDiff(full[2], blind[2])).c_str());
    QVERIFY(maxDiff(full[0], blind[0]) > 1e-3);
    // Hiding reference 2 from sample 1 changes sample 1 only through the head and attention.
    auto both = in.refs;
    both.present = at::ones({3, 2}, at::kBool);
    const auto withBoth = dit->forward(in.img, pos, in.t, in.text, both);
    QVERIFY(maxDiff(withBoth[1], full[1]) > 1e-4);
    QVERIFY(maxDiff(withBoth[0], full[0]) < 1e-5);
  }

  // A gate forced onto the content copy with constant queries and keys attends uniformly, so
  // the clean-image prediction is the mean of the present reference tokens.
  void forcedGateCopiesTheReferences() {
    const auto c = copyConfig();
    Dit dit(c);
    fixtures::randomiseWeights(*dit, 41);
    {
      at::NoGradGuard noGrad;
      auto& head = *dit->reference_copy;
      head.query->weight.zero_();
      head.key->weight.zero_();
      head.gate->weight.zero_();
      head.gate->bias.copy_(at::tensor({-30.0f, -30.0f, 30.0f}));
    }
    auto in = inputs(c, 42);
    in.refs.present = at::ones({3, 2}, at::kBool);
    in.refs.present[1][1] = false;
    at::InferenceMode guard;
    const auto v = dit->forward(in.img, gridPositions(in.grid, 0), in.t, in.text, in.refs);
    const auto tokens = in.refs.tokens.expand({3, -1, -1});
    const auto n = in.refs.lengths[0];
    const auto meanAll = tokens.mean(1, true);                  // samples 0 and 2: both references
    const auto meanFirst = tokens.narrow(1, 0, n).mean(1, true);  // sample 1: reference 1 only
    for (std::int64_t i = 0; i < 3; ++i) {
      const auto x0 = i == 1 ? meanFirst[i] : meanAll[i];
      const auto expected = (in.img[i] - x0) / std::max(0.05f, in.t[i].item<float>());
      QVERIFY2(maxDiff(v[i], expected) < 1e-4, std::to_string(maxDiff(v[i], expected)).c_str());
    }
  }

  void addingTheHeadKeepsEveryOtherTensor() {
    auto config = modelPreset("tiny");
    config.dit.prediction = Prediction::X0;
    auto g = createGenerator(config, WordTokenizer::fromCorpus({"a cat on a beach"}));
    fixtures::randomiseWeights(*g.dit, 51);
    const auto before = g.dit->named_parameters();
    std::map<std::string, at::Tensor> copies;
    for (const auto& p : before) copies[p.key()] = p.value().clone();
    auto extended = withReferenceCopy(g);
    QVERIFY(extended.config.dit.reference_copy);
    QVERIFY(extended.dit->reference_copy);
    std::size_t same = 0;
    for (const auto& p : extended.dit->named_parameters()) {
      const auto it = copies.find(p.key());
      if (it == copies.end()) {
        QVERIFY2(p.key().rfind("reference_copy.", 0) == 0, p.key().c_str());
        continue;
      }
      QVERIFY(at::equal(p.value(), it->second));
      ++same;
    }
    QCOMPARE(same, copies.size());
    // Adding it twice is a no-op.
    QVERIFY(withReferenceCopy(extended).dit.get() == extended.dit.get());
  }
};

QTEST_APPLESS_MAIN(TestReferenceCopy)
#include "test_reference_copy.moc"
