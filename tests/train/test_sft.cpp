// The SFT stack: AdamW against LibTorch's, LoRA identity and merge, the job spec's checks, the
// shard source and reference mix, generation determinism and reference use, and the trainer's
// exact resume, cancel-saves, and non-finite-loss stop. LibTorch headers come before Qt's.
#include <ATen/ATen.h>
#include <torch/nn/modules/linear.h>
#include <torch/optim/adamw.h>

#include "common/error.h"
#include "model/checkpoint.h"
#include "model/generation.h"
#include "tensor/tensor_io.h"
#include "train/adamw.h"
#include "train/lora.h"
#include "train/shard_source.h"
#include "train/sft_config.h"
#include "train/sft_trainer.h"
#include "train_fixtures.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cstring>

using namespace psr;
namespace fs = std::filesystem;

namespace {

bool sameBytes(const at::Tensor& a, const at::Tensor& b) {
  const auto ca = a.contiguous(), cb = b.contiguous();
  return ca.sizes() == cb.sizes() && ca.scalar_type() == cb.scalar_type() &&
         std::memcmp(ca.data_ptr(), cb.data_ptr(), std::size_t(ca.nbytes())) == 0;
}

std::optional<Error> errorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  return std::nullopt;
}

/// A source whose targets turn NaN from `badStep` on (NaN loss).
class PoisonedSource final : public train::SampleSource {
 public:
  PoisonedSource(train::SampleSource& inner, std::int64_t badStep) : inner_(inner), bad_(badStep) {}
  train::TrainingBatch batch(std::int64_t step, std::int64_t size) override {
    auto b = inner_.batch(step, size);
    if (step >= bad_ && step < (std::int64_t(1) << 40)) b.target.fill_(std::nan(""));
    return b;
  }
  std::vector<std::string> corpus() override { return inner_.corpus(); }
  nlohmann::json describe() const override { return inner_.describe(); }

 private:
  train::SampleSource& inner_;
  std::int64_t bad_;
};

/// A source whose batches carry uniform per-pixel loss weights `w` (as subject_weight's maps do).
class WeightedSource final : public train::SampleSource {
 public:
  WeightedSource(train::SampleSource& inner, float w) : inner_(inner), w_(w) {}
  train::TrainingBatch batch(std::int64_t step, std::int64_t size) override {
    auto b = inner_.batch(step, size);
    b.weights = at::full({b.target.size(0), 1, b.target.size(2), b.target.size(3)}, w_);
    return b;
  }
  std::vector<std::string> corpus() override { return inner_.corpus(); }
  nlohmann::json describe() const override { return inner_.describe(); }

 private:
  train::SampleSource& inner_;
  float w_;
};

// Shards under root/shards and a 2-step `model` run on them in root/init: an init checkpoint.
fs::path trainedInit(const fs::path& root, const model::ModelConfig& model) {
  fs::create_directories(root / "shards");
  train_fixtures::writeShard(root / "shards" / "shard-00000.safetensors", 8, 16, 2);
  auto spec = train_fixtures::tinyJob(root / "shards", root / "init", 2);
  spec["model"] = model;
  const auto config = train::SftConfig::fromJson(spec);
  train::ShardSource source({root / "shards"}, config.references, config.seed);
  train::runSft(config, source, {});
  return train::latestCheckpoint(root / "init");
}

// A 6-step job in root/a that fine-tunes a trained x0 init model (the heads need x0).
nlohmann::json x0InitJob(const fs::path& root) {
  auto x0 = model::modelPreset("tiny");
  x0.dit.prediction = model::Prediction::X0;
  const auto init = trainedInit(root, x0);
  auto spec = train_fixtures::tinyJob(root / "shards", root / "a", 6);
  spec.erase("model");
  spec["init"] = init.string();
  return spec;
}

// `spec` trained whole into root/a, and into root/b cancelled after step 3 and resumed: an
// exact resume leaves the two folders' checkpoints byte-identical.
struct ResumedTwins {
  train::SftResult whole;
  bool cancelled = false;
  std::int64_t resumedFrom = -1;
};
ResumedTwins runWholeAndResumed(const fs::path& root, nlohmann::json spec) {
  ResumedTwins out;
  spec["out"] = (root / "a").string();
  const auto whole = train::SftConfig::fromJson(spec);
  train::ShardSource srcA({root / "shards"}, whole.references, whole.seed);
  out.whole = train::runSft(whole, srcA, {});
  spec["out"] = (root / "b").string();
  const auto part = train::SftConfig::fromJson(spec);
  train::ShardSource srcB({root / "shards"}, part.references, part.seed);
  train::SftHooks hooks;
  hooks.onMetrics = [&](std::int64_t step, std::int64_t, const std::map<std::string, double>&) {
    if (step == 3) hooks.cancel.cancel();
  };
  out.cancelled = train::runSft(part, srcB, hooks).cancelled;
  out.resumedFrom = train::runSft(part, srcB, {}).resumedFrom;
  return out;
}

}  // namespace

class TestSft : public QObject {
  Q_OBJECT

 private slots:
  void adamwMatchesLibTorch() {
    at::manual_seed(3);
    auto w = at::randn({4, 5}).set_requires_grad(true);
    auto w2 = w.detach().clone().set_requires_grad(true);
    train::AdamW mine({{"w", w}}, {1e-2, 0.9, 0.999, 1e-8, 0.1});
    torch::optim::AdamW ref({w2}, torch::optim::AdamWOptions(1e-2).weight_decay(0.1));
    for (int i = 0; i < 5; ++i) {
      const auto x = at::randn({5});
      mine.zeroGrad();
      ref.zero_grad();
      (w.mv(x).pow(2).sum()).backward();
      (w2.mv(x).pow(2).sum()).backward();
      mine.step(1e-2);
      ref.step();
    }
    QVERIFY((w - w2).abs().max().item<double>() < 1e-6);
    QCOMPARE(mine.steps(), 5);
  }

  void clipGradNormScales() {
    auto p = at::zeros({3}).set_requires_grad(true);
    (p * at::tensor({3.0f, 4.0f, 0.0f})).sum().backward();
    QCOMPARE(train::clipGradNorm({{"p", p}}, 1.0), 5.0);
    QVERIFY(std::abs(p.grad().norm().item<double>() - 1.0) < 1e-5);
  }

  void loraStartsAsIdentityAndMerges() {
    at::manual_seed(1);
    auto net = torch::nn::Sequential(torch::nn::Linear(6, 8), torch::nn::Linear(8, 3));
    const auto x = at::randn({2, 6});
    const auto before = net->forward(x).detach();
    train::LoraOptions o;
    o.rank = 2;
    o.targets = {"0", "1"};
    train::Lora lora(*net, "", o);
    QCOMPARE(lora.adaptedLayers(), std::size_t(2));
    QCOMPARE(lora.parameters().size(), std::size_t(4));
    lora.refresh();
    QVERIFY(sameBytes(net->forward(x).detach(), before));  // B = 0: exactly the base model
    for (auto& p : net->parameters()) QVERIFY(!p.requires_grad());
    {
      at::NoGradGuard g;
      for (auto& [name, t] : lora.parameters()) t.normal_();
    }
    lora.refresh();
    const auto adapted = net->forward(x).detach();
    QVERIFY((adapted - before).abs().max().item<double>() > 1e-3);
    net->forward(x).sum().backward();
    for (auto& [name, t] : lora.parameters()) QVERIFY2(t.grad().defined(), name.c_str());
    lora.merge();  // merged weights reproduce the adapted model
    QVERIFY((net->forward(x).detach() - adapted).abs().max().item<double>() < 1e-5);
    lora.restore();
    QVERIFY(errorOf([&] { train::Lora(*net, "", train::LoraOptions{2, 2.0, {"nothing"}}); }).has_value());
  }

  void jobSpecRejectsMistakes() {
    const nlohmann::json ok = {{"model", "tiny"}, {"data", {{"shards", "x"}}}, {"out", "o"}};
    QCOMPARE(train::SftConfig::fromJson(ok).steps, 1000);
    auto bad = [&](nlohmann::json j, const char* needle) {
      auto e = errorOf([&] { train::SftConfig::fromJson(j); });
      QVERIFY2(e && e->code() == ErrorCode::InvalidArgument, needle);
      QVERIFY2(std::string(e->what()).find(needle) != std::string::npos, e->what());
    };
    auto j = ok;
    j["stesp"] = 3;
    bad(j, "stesp");
    j = ok;
    j["init"] = "base";
    bad(j, "exclude");
    j = ok;
    j["steps"] = "many";
    bad(j, "steps");
    j = ok;
    j["steps"] = 1e300;  // a float where an integer belongs: refused, never converted
    bad(j, "steps");
    j = ok;
    j["references"] = {{"7", 1.0}};
    bad(j, "0..4");
    j = ok;
    j.erase("data");
    bad(j, "data");
    j = ok;
    j["loss_weighting"] = "snr";
    bad(j, "loss_weighting");
    bad(nlohmann::json::array(), "object");
    // Round trip.
    auto c = train::SftConfig::fromJson(ok);
    QCOMPARE(train::SftConfig::fromJson(c.toJson()).toJson(), c.toJson());
    j = ok;
    j["loss_weighting"] = "x0";
    c = train::SftConfig::fromJson(j);
    QVERIFY(c.lossWeighting == flow::LossWeighting::X0);
    QCOMPARE(train::SftConfig::fromJson(c.toJson()).toJson(), c.toJson());
  }

  void shardSourcePicksCountsFromTheMix() {
    QTemporaryDir dir;
    const fs::path shard = dir.filePath("shard-00000.safetensors").toStdString();
    train_fixtures::writeShard(shard, 9, 16, 1);
    train::ShardSource src({shard.parent_path()}, train::ReferenceMix::fromJson({{"2", 1.0}, {"4", 5.0}}), 1);
    QCOMPARE(src.samples(), 9);
    for (int step = 0; step < 5; ++step) {
      auto b = src.batch(step, 4);
      QCOMPARE(b.target.sizes(), at::IntArrayRef({4, 3, 16, 16}));
      QCOMPARE(int(b.references.size()), 2);  // no sample has 4 references: only 2 is available
      QVERIFY(b.target.min().item<double>() >= -1.0 && b.target.max().item<double>() <= 1.0);
      QVERIFY(sameBytes(b.target, src.batch(step, 4).target));  // a pure function of the step
    }
    // A file that is not a shard is refused with its name.
    const fs::path junk = dir.filePath("junk.safetensors").toStdString();
    tensor::saveTensors(junk, {{"x", at::zeros({2})}});
    auto e = errorOf([&] { train::ShardSource({junk}, train::ReferenceMix::fromJson({{"1", 1.0}}), 1); });
    QVERIFY(e && e->code() == ErrorCode::Corrupt && std::string(e->what()).find("junk") != std::string::npos);
    e = errorOf([&] { train::ShardSource({dir.filePath("none").toStdString()}, train::ReferenceMix::fromJson({{"1", 1.0}}), 1); });
    QVERIFY(e && e->code() == ErrorCode::NotFound);
  }

  void generationIsSeededAndUsesReferences() {
    at::manual_seed(0);
    auto g = model::createGenerator(model::modelPreset("tiny"), model::WordTokenizer({"<pad>", "<s>", "<unk>", "crab"}));
    // Random (non-zero) weights so references and prompts matter.
    {
      at::NoGradGuard ng;
      for (auto& p : g.dit->parameters()) p.normal_(0, 0.1);
    }
    model::GenerationRequest r;
    r.prompts = {"crab", "crab"};
    r.seeds = {1, 2};
    r.steps = 3;
    const auto a = model::generateImages(g, r);
    QCOMPARE(a.sizes(), at::IntArrayRef({2, 3, 16, 16}));
    QVERIFY(sameBytes(a, model::generateImages(g, r)));
    QVERIFY(!sameBytes(a[0], a[1]));  // different seeds
    r.references = {at::rand({1, 3, 16, 16}) * 2 - 1};
    const auto withRef = model::generateImages(g, r);
    QVERIFY((withRef - a).abs().max().item<double>() > 1e-4);
    r.references.assign(5, at::zeros({1, 3, 16, 16}));
    auto e = errorOf([&] { model::generateImages(g, r); });
    QVERIFY(e && e->code() == ErrorCode::InvalidArgument);
  }

  void resumeIsExactAndCancelSaves() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    fs::create_directories(root / "shards");
    train_fixtures::writeShard(root / "shards" / "shard-00000.safetensors", 8, 16, 2);
    // Uninterrupted: 6 steps.
    auto full = train::SftConfig::fromJson(train_fixtures::tinyJob(root / "shards", root / "a", 6));
    train::ShardSource srcA({root / "shards"}, full.references, full.seed);
    int grids = 0;
    train::SftHooks hooksA;
    hooksA.onSamples = [&](std::int64_t, const at::Tensor& grid) {
      ++grids;
      QCOMPARE(grid.size(0), 3);
    };
    const auto a = train::runSft(full, srcA, hooksA);
    QCOMPARE(a.step, 6);
    QCOMPARE(grids, 2);  // the step-0 baseline and the end
    QVERIFY(std::isfinite(a.lastLoss));
    // Interrupted at step 3 (cancel = save and stop), then resumed.
    auto part = train::SftConfig::fromJson(train_fixtures::tinyJob(root / "shards", root / "b", 6));
    train::ShardSource srcB({root / "shards"}, part.references, part.seed);
    train::SftHooks hooksB;
    hooksB.onMetrics = [&](std::int64_t step, std::int64_t, const std::map<std::string, double>&) {
      if (step == 3) hooksB.cancel.cancel();
    };
    const auto b1 = train::runSft(part, srcB, hooksB);
    QVERIFY(b1.cancelled);
    QCOMPARE(b1.step, 3);
    QCOMPARE(train::latestCheckpoint(root / "b").filename().string(), std::string("step-0000003"));
    const auto b2 = train::runSft(part, srcB, {});
    QCOMPARE(b2.resumedFrom, 3);
    QCOMPARE(b2.step, 6);
    const auto sa = tensor::loadTensors(train::latestCheckpoint(root / "a") / "train_state.safetensors");
    const auto sb = tensor::loadTensors(train::latestCheckpoint(root / "b") / "train_state.safetensors");
    QCOMPARE(sa.size(), sb.size());
    for (const auto& [name, t] : sa) QVERIFY2(sameBytes(t, sb.at(name)), name.c_str());
    // The saved generator loads and generates.
    auto g = model::loadGenerator(train::latestCheckpoint(root / "a"));
    model::GenerationRequest r;
    r.prompts = {"put the crab on a beach"};
    r.seeds = {0};
    r.steps = 2;
    QCOMPARE(model::generateImages(g, r).size(0), 1);
  }

  void nonFiniteLossStopsAndKeepsTheLastCheckpoint() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    fs::create_directories(root / "shards");
    train_fixtures::writeShard(root / "shards" / "shard-00000.safetensors", 6, 16, 3);
    auto c = train::SftConfig::fromJson(train_fixtures::tinyJob(root / "shards", root / "run", 8));
    train::ShardSource inner({root / "shards"}, c.references, c.seed);
    PoisonedSource poisoned(inner, 5);
    auto e = errorOf([&] { train::runSft(c, poisoned, {}); });
    QVERIFY(e.has_value());
    QVERIFY2(std::string(e->what()).find("non-finite loss") != std::string::npos, e->what());
    QVERIFY2(std::string(e->what()).find("step-0000004") != std::string::npos, e->what());
    QCOMPARE(train::latestCheckpoint(root / "run").filename().string(), std::string("step-0000004"));
  }

  // Per-pixel weights reach the loss through the codec: uniform weights of 3 triple the first
  // loss of the same step, with and without the x0 weighting.
  void pixelWeightsScaleTheLoss() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    fs::create_directories(root / "shards");
    train_fixtures::writeShard(root / "shards" / "shard-00000.safetensors", 6, 16, 4);
    for (const char* weighting : {"velocity", "x0"}) {
      auto spec = train_fixtures::tinyJob(root / "shards", root / (std::string("plain-") + weighting), 1);
      spec["loss_weighting"] = weighting;
      const auto plainConfig = train::SftConfig::fromJson(spec);
      train::ShardSource src({root / "shards"}, plainConfig.references, plainConfig.seed);
      const auto plain = train::runSft(plainConfig, src, {});
      spec["out"] = (root / (std::string("weighted-") + weighting)).string();
      WeightedSource weighted(src, 3.f);
      const auto tripled = train::runSft(train::SftConfig::fromJson(spec), weighted, {});
      QVERIFY2(std::abs(tripled.firstLoss - 3 * plain.firstLoss) < 1e-5 * plain.firstLoss,
               (std::to_string(tripled.firstLoss) + " vs 3 x " + std::to_string(plain.firstLoss)).c_str());
    }
  }

  // `add_reference_copy` puts a fresh pointer head on an init model (x0 only), trains it with
  // the rest and resumes bit-exactly like any run.
  void addedPointerHeadTrainsAndResumesExactly() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    auto spec = x0InitJob(root);
    spec["add_reference_copy"] = true;
    const auto full = train::SftConfig::fromJson(spec);
    QCOMPARE(train::SftConfig::fromJson(full.toJson()).toJson(), full.toJson());
    const auto twins = runWholeAndResumed(root, spec);
    QVERIFY(twins.cancelled);
    QCOMPARE(twins.resumedFrom, 3);
    const auto sa = tensor::loadTensors(train::latestCheckpoint(root / "a") / "train_state.safetensors");
    const auto sb = tensor::loadTensors(train::latestCheckpoint(root / "b") / "train_state.safetensors");
    QCOMPARE(sa.size(), sb.size());
    std::size_t head = 0;
    for (const auto& [name, t] : sa) {
      QVERIFY2(sameBytes(t, sb.at(name)), name.c_str());
      if (name.find("reference_copy.") != std::string::npos) ++head;
    }
    QVERIFY(head > 0);
    const auto g = model::loadGenerator(train::latestCheckpoint(root / "a"));
    QVERIFY(g.config.dit.reference_copy);
    // The head trained: its gate left the initial bias.
    const auto bias = g.dit->reference_copy->gate->bias;
    QVERIFY(!at::allclose(bias, at::tensor({0.0f, -3.7f, -3.7f}) / 8.0));
    // Without init, or on a velocity model, the request is refused with the reason.
    auto fresh = spec;
    fresh.erase("init");
    fresh["model"] = "tiny";
    auto e = errorOf([&] { train::SftConfig::fromJson(fresh); });
    QVERIFY(e && std::string(e->what()).find("add_reference_copy") != std::string::npos);
    e = errorOf([&] { model::withReferenceCopy(model::createGenerator(model::modelPreset("tiny"), *g.tokenizer)); });
    QVERIFY2(e && std::string(e->what()).find("x0") != std::string::npos, e ? e->what() : "no error");
  }

  // `positions` re-places an init model's references (the positional ablation on a fine-tuned
  // model): the run trains with UNO offsets, so its loss differs from the frame-wise twin's, its
  // checkpoints say so, and a resumed run keeps them.
  void positionsOverrideReplacesTheInitModelsEncoding() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    const auto init = trainedInit(root, model::modelPreset("tiny"));

    auto spec = train_fixtures::tinyJob(root / "shards", root / "frame", 4);
    spec.erase("model");
    spec["init"] = init.string();
    const auto frameConfig = train::SftConfig::fromJson(spec);
    train::ShardSource srcF({root / "shards"}, frameConfig.references, frameConfig.seed);
    const auto frame = train::runSft(frameConfig, srcF, {});
    spec["positions"] = "uno-offset";
    spec["out"] = (root / "uno").string();
    const auto uno = train::SftConfig::fromJson(spec);
    QCOMPARE(train::SftConfig::fromJson(uno.toJson()).toJson(), uno.toJson());
    train::ShardSource srcU({root / "shards"}, uno.references, uno.seed);
    train::SftHooks hooks;
    hooks.onMetrics = [&](std::int64_t step, std::int64_t, const std::map<std::string, double>&) {
      if (step == 2) hooks.cancel.cancel();
    };
    const auto first = train::runSft(uno, srcU, hooks);
    QVERIFY(first.cancelled);
    QVERIFY(model::loadGenerator(train::latestCheckpoint(root / "uno")).config.dit.positions == model::PositionEncoding::UnoOffset);
    QCOMPARE(train::runSft(uno, srcU, {}).resumedFrom, 2);
    // The references' positions change the attention and so the update: the two runs' weights
    // differ (the blocks' zero-initialised gates make the losses agree to ~1e-7 this early).
    const auto wf = tensor::loadTensors(train::latestCheckpoint(root / "frame") / "train_state.safetensors");
    const auto wu = tensor::loadTensors(train::latestCheckpoint(root / "uno") / "train_state.safetensors");
    std::size_t differ = 0;
    for (const auto& [name, t] : wf)
      if (!sameBytes(t, wu.at(name))) ++differ;
    QVERIFY2(differ > 0, "UNO offsets trained exactly as frame-wise positions");
    QVERIFY(model::loadGenerator(train::latestCheckpoint(root / "uno")).config.dit.positions == model::PositionEncoding::UnoOffset);
    QVERIFY(model::loadGenerator(train::latestCheckpoint(root / "frame")).config.dit.positions == model::PositionEncoding::FrameWise);
    auto bad = spec;
    bad["positions"] = "diagonal";
    auto e = errorOf([&] { train::SftConfig::fromJson(bad); });
    QVERIFY(e && std::string(e->what()).find("uno-offset") != std::string::npos);
    auto fresh = spec;
    fresh.erase("init");
    fresh["model"] = "tiny";
    e = errorOf([&] { train::SftConfig::fromJson(fresh); });
    QVERIFY(e && std::string(e->what()).find("dit.positions") != std::string::npos);
  }

  // Under LoRA an added reference head trains in full next to the adapters (a low-rank update
  // of a fresh head means nothing). A resumed run starts again from `init`, not from the
  // checkpoint's EMA weights with the adapter merged in, so it ends byte-identical.
  void loraTrainsAnAddedHeadInFullAndResumesExactly() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    auto spec = x0InitJob(root);
    const fs::path init = spec["init"].get<std::string>();
    spec["add_reference_warp"] = true;
    spec["lora"] = {{"rank", 2}, {"alpha", 2.0}};
    const auto twins = runWholeAndResumed(root, spec);
    QVERIFY(twins.whole.trainableParameters < twins.whole.totalParameters / 2);
    QVERIFY(twins.cancelled);
    QCOMPARE(twins.resumedFrom, 3);

    const auto ca = train::latestCheckpoint(root / "a"), cb = train::latestCheckpoint(root / "b");
    const auto sa = tensor::loadTensors(ca / "train_state.safetensors");
    std::size_t head = 0, adapter = 0;
    for (const auto& [name, t] : sa) {
      if (name.rfind("param/", 0) != 0) continue;
      if (name.find("reference_warp.") != std::string::npos) ++head;
      else if (name.find("lora_") != std::string::npos) ++adapter;
      else QFAIL(("trained outside the adapter and the head: " + name).c_str());
    }
    QCOMPARE(head, std::size_t(4));  // gate and warp, weight and bias
    QVERIFY(adapter > 0);
    const auto wa = tensor::loadTensors(ca / "dit.safetensors"), wb = tensor::loadTensors(cb / "dit.safetensors");
    QCOMPARE(wa.size(), wb.size());
    for (const auto& [name, t] : wa) QVERIFY2(sameBytes(t, wb.at(name)), name.c_str());
    // The head left its init (gate bias (0, -3.7, ...) / 8), and the trunk moved through the adapter.
    const auto g = model::loadGenerator(ca);
    QVERIFY(!g.config.reference_crop);  // shards carry whole references
    const auto fresh = model::withReferenceWarp(model::loadGenerator(init));
    QVERIFY(!at::allclose(g.dit->reference_warp->gate->bias, fresh.dit->reference_warp->gate->bias));
    const auto before = tensor::loadTensors(init / "dit.safetensors");
    std::size_t moved = 0;
    for (const auto& [name, t] : before)
      if (!sameBytes(t, wa.at(name))) ++moved;
    QVERIFY(moved > 0);
  }

  void loraRunTrainsOnlyTheAdapter() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    fs::create_directories(root / "shards");
    train_fixtures::writeShard(root / "shards" / "shard-00000.safetensors", 6, 16, 4);
    auto base = train::SftConfig::fromJson(train_fixtures::tinyJob(root / "shards", root / "base", 2));
    train::ShardSource src({root / "shards"}, base.references, base.seed);
    const auto b = train::runSft(base, src, {});
    auto spec = train_fixtures::tinyJob(root / "shards", root / "lora", 2);
    spec.erase("model");
    spec["init"] = b.checkpoint.string();
    spec["lora"] = {{"rank", 2}, {"alpha", 2.0}};
    const auto l = train::runSft(train::SftConfig::fromJson(spec), src, {});
    QVERIFY(l.trainableParameters > 0 && l.trainableParameters < l.totalParameters / 2);
    const auto state = tensor::loadTensors(l.checkpoint / "train_state.safetensors");
    for (const auto& [name, t] : state)
      if (name.rfind("param/", 0) == 0) QVERIFY2(name.find("lora_") != std::string::npos, name.c_str());
  }
};

QTEST_APPLESS_MAIN(TestSft)
#include "test_sft.moc"
