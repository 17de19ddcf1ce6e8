// Flow-GRPO: group advantages, the job spec's checks, and tiny runs on a synthetic reward
// (image brightness) — the reward rises, the epoch's first update is exactly on-policy
// (ratio 1), failing or non-finite rewards are retried/skipped and counted, KL starts at zero,
// and a resumed run is bit-identical. LibTorch headers come before Qt's.
#include <ATen/ATen.h>

#include "common/error.h"
#include "model/checkpoint.h"
#include "tensor/tensor_io.h"
#include "train/advantages.h"
#include "train/grpo_trainer.h"
#include "train/rl_config.h"
#include "train/sft_trainer.h"

#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <cmath>
#include <cstring>

using namespace psr;
namespace fs = std::filesystem;

namespace {

std::optional<Error> errorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  return std::nullopt;
}

bool sameBytes(const at::Tensor& a, const at::Tensor& b) {
  const auto ca = a.contiguous(), cb = b.contiguous();
  return ca.sizes() == cb.sizes() && std::memcmp(ca.data_ptr(), cb.data_ptr(), std::size_t(ca.nbytes())) == 0;
}

/// Prompts with one random 16 px reference each.
class RandomPrompts final : public train::PromptSource {
 public:
  std::vector<train::RlPrompt> prompts(std::int64_t epoch, std::int64_t count) override {
    auto gen = at::make_generator<at::CPUGeneratorImpl>(std::uint64_t(epoch) + 1);
    std::vector<train::RlPrompt> out;
    // One subject on odd epochs, two on even ones (every prompt of an epoch has the same count).
    for (std::int64_t i = 0; i < count; ++i) {
      std::vector<at::Tensor> refs;
      for (std::int64_t k = 0; k < 1 + (epoch + 1) % 2; ++k) refs.push_back(at::rand({3, 16, 16}, gen) * 2 - 1);
      out.push_back({"a bright scene", refs, nlohmann::json::object(), {}});
    }
    return out;
  }
  nlohmann::json describe() const override { return {{"kind", "random"}}; }
};

/// Reward = mean brightness; optionally fails its first `failures` calls or returns NaN.
class Brightness final : public train::RewardFunction {
 public:
  std::atomic<int> failures{0};  // scoring runs on worker threads
  bool nanFirst = false;
  std::vector<train::RewardComponents> score(const at::Tensor& images, const std::vector<const train::RlPrompt*>& p) override {
    if (failures.fetch_sub(1) > 0) throw Error("reward provider unavailable", ErrorCode::Io);
    std::vector<train::RewardComponents> out;
    for (std::int64_t i = 0; i < images.size(0); ++i) out.push_back({{"psr", images[i].mean().item<double>()}});
    if (nanFirst) out[0]["psr"] = std::nan("");
    EXPECT_EQ(out.size(), p.size());
    return out;
  }

 private:
  static void EXPECT_EQ(std::size_t a, std::size_t b) {
    if (a != b) throw Error("count mismatch", ErrorCode::Generic);
  }
};

fs::path tinyPolicy(const fs::path& dir) {
  at::manual_seed(0);
  auto g = model::createGenerator(model::modelPreset("tiny"), model::WordTokenizer({"<pad>", "<s>", "<unk>", "bright", "scene"}));
  {
    at::NoGradGuard ng;
    for (auto& p : g.dit->parameters()) p.normal_(0, 0.02);
  }
  model::saveGenerator(dir, g);
  return dir;
}

nlohmann::json tinyRl(const fs::path& init, const fs::path& out, int epochs) {
  return {{"kind", "rl"},        {"init", init.string()}, {"data", {{"world", nlohmann::json::object()}}},
          {"epochs", epochs},    {"prompts_per_epoch", 2}, {"group_size", 4}, {"rollout_batch", 4},
          {"sampling_steps", 4}, {"lr", 3e-3},            {"kl_beta", 0.0},  {"weights", {{"psr", 1.0}}},
          {"checkpoint_every", 2}, {"seed", 3},           {"threads", 1},    {"out", out.string()}};
}

}  // namespace

class TestGrpo : public QObject {
  Q_OBJECT

 private slots:
  void groupAdvantagesNormaliseClipAndDrop() {
    const std::vector<double> r = {1, 2, 3, 4, 5, 5, 5, 5, 0, 0, 10, 0};
    const auto a = train::groupAdvantages(r, 4, {false, false, false}, false, 1.5);
    QCOMPARE(a.groups, 3);
    QCOMPARE(a.zeroVarianceGroups, 1);  // the constant group carries no signal
    QVERIFY(!a.keep[4] && !a.keep[7] && a.value[5] == 0.0);
    const double sd = std::sqrt(1.25);
    QVERIFY(std::abs(a.value[0] - (1 - 2.5) / (sd + 1e-4)) < 1e-12);
    QCOMPARE(a.value[10], 1.5);  // clipped
    double sum = 0;
    for (int i = 0; i < 4; ++i) sum += a.value[std::size_t(i)];
    QVERIFY(std::abs(sum) < 1e-9);
    const auto skipped = train::groupAdvantages(r, 4, {true, false, false}, true);
    QVERIFY(!skipped.keep[0] && skipped.keep[8]);
    QVERIFY(errorOf([&] { train::groupAdvantages({1, 2, 3}, 2, {}, false); }).has_value());
  }

  void jobSpecChecks() {
    const nlohmann::json ok = {{"init", "sft"}, {"data", {{"world", nlohmann::json::object()}}}};
    QCOMPARE(train::RlConfig::fromJson(ok).groupSize, 6);
    auto bad = [&](nlohmann::json j, const char* needle) {
      auto e = errorOf([&] { train::RlConfig::fromJson(j); });
      QVERIFY2(e && std::string(e->what()).find(needle) != std::string::npos, needle);
    };
    auto j = ok;
    j["rollout_batch"] = 5;
    bad(j, "rollout_batch");
    j = ok;
    j["window"] = {0, 20};
    bad(j, "last step");
    j = ok;
    j["noise_level"] = 0;
    bad(j, "noise_level");
    j = ok;
    j["group_size"] = 1;
    bad(j, "group_size");
    j = ok;
    j["bogus"] = 1;
    bad(j, "bogus");
    j = ok;
    j.erase("init");
    bad(j, "init");
  }

  void tinyRunRaisesRewardOnPolicyFirst() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    const auto init = tinyPolicy(root / "init");
    RandomPrompts prompts;
    Brightness reward;
    std::vector<double> rewards;
    train::RlHooks hooks;
    int groups = 0;
    hooks.onMetrics = [&](std::int64_t epoch, std::int64_t, const std::map<std::string, double>& m) {
      rewards.push_back(m.at("reward"));
      QCOMPARE(m.at("subjects"), double(1 + epoch % 2));  // onMetrics counts epochs from 1
      QCOMPARE(m.at("ratio_first_update_max_dev"), 0.0);  // the self-check: r == 1 exactly on-policy
      QVERIFY(m.at("time_sampling_share") > 0 && m.at("time_update_share") > 0);
    };
    hooks.onGroup = [&](std::int64_t, const nlohmann::json& group, const at::Tensor& images) {
      ++groups;
      QCOMPARE(images.size(0), 4);
      QCOMPARE(int(group["samples"].size()), 4);
    };
    auto spec = tinyRl(init, root / "run", 12);
    spec["lr"] = 1e-2;
    spec["clip_range"] = 1e-2;  // the tiny policy moves far per update; the default 1e-4 crawls
    const auto r = train::runRl(train::RlConfig::fromJson(spec), prompts, reward, hooks);
    QCOMPARE(r.epoch, 12);
    QCOMPARE(groups, 12);
    const double early = (rewards[0] + rewards[1] + rewards[2]) / 3, late = (rewards[9] + rewards[10] + rewards[11]) / 3;
    qInfo("mean reward %.4f -> %.4f", early, late);
    QVERIFY2(late > early + 0.05, (std::to_string(early) + " -> " + std::to_string(late)).c_str());
    QVERIFY(!train::latestCheckpoint(root / "run").empty());
  }

  void resumeIsExact() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    const auto init = tinyPolicy(root / "init");
    RandomPrompts prompts;
    Brightness reward;
    train::runRl(train::RlConfig::fromJson(tinyRl(init, root / "a", 4)), prompts, reward, {});
    train::RlHooks stopAt2;
    stopAt2.onMetrics = [&](std::int64_t epoch, std::int64_t, const std::map<std::string, double>&) {
      if (epoch == 2) stopAt2.cancel.cancel();
    };
    const auto part = train::runRl(train::RlConfig::fromJson(tinyRl(init, root / "b", 4)), prompts, reward, stopAt2);
    QVERIFY(part.cancelled);
    QCOMPARE(part.epoch, 2);
    const auto rest = train::runRl(train::RlConfig::fromJson(tinyRl(init, root / "b", 4)), prompts, reward, {});
    QCOMPARE(rest.resumedFrom, 2);
    const auto sa = tensor::loadTensors(train::latestCheckpoint(root / "a") / "train_state.safetensors");
    const auto sb = tensor::loadTensors(train::latestCheckpoint(root / "b") / "train_state.safetensors");
    for (const auto& [name, t] : sa) QVERIFY2(sameBytes(t, sb.at(name)), name.c_str());
  }

  void failingAndNonFiniteRewardsAreCounted() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    const auto init = tinyPolicy(root / "init");
    RandomPrompts prompts;
    Brightness flaky;
    flaky.failures = 1;  // the first call fails once, the retry succeeds
    std::map<std::string, double> last;
    train::RlHooks hooks;
    hooks.onMetrics = [&](std::int64_t, std::int64_t, const std::map<std::string, double>& m) { last = m; };
    train::runRl(train::RlConfig::fromJson(tinyRl(init, root / "flaky", 1)), prompts, flaky, hooks);
    QCOMPARE(last.at("reward_failures"), 1.0);
    QCOMPARE(last.at("skipped_groups"), 0.0);

    Brightness nan;
    nan.nanFirst = true;  // sample 0 of every chunk is NaN: its group is skipped
    train::runRl(train::RlConfig::fromJson(tinyRl(init, root / "nan", 1)), prompts, nan, hooks);
    QCOMPARE(last.at("skipped_samples"), 2.0);
    QCOMPARE(last.at("skipped_groups"), 2.0);

    Brightness dead;
    dead.failures = 1000;
    auto spec = tinyRl(init, root / "dead", 5);
    spec["max_skipped"] = 3;
    auto e = errorOf([&] { train::runRl(train::RlConfig::fromJson(spec), prompts, dead, {}); });
    QVERIFY(e && std::string(e->what()).find("max_skipped") != std::string::npos);
  }

  void loraKlStartsAtZero() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    const auto init = tinyPolicy(root / "init");
    RandomPrompts prompts;
    Brightness reward;
    auto spec = tinyRl(init, root / "lora", 3);
    spec["lora"] = {{"rank", 2}, {"alpha", 2.0}};
    spec["kl_beta"] = 0.1;
    spec["prompts_per_epoch"] = 1;
    std::vector<double> kls;
    train::RlHooks hooks;
    hooks.onMetrics = [&](std::int64_t, std::int64_t, const std::map<std::string, double>& m) { kls.push_back(m.at("kl")); };
    const auto r = train::runRl(train::RlConfig::fromJson(spec), prompts, reward, hooks);
    QVERIFY(r.trainableParameters > 0);
    QCOMPARE(kls.front(), 0.0);  // one update per epoch: the first is at the reference policy
    QVERIFY(kls.back() > 0 && std::isfinite(kls.back()));
  }
};

QTEST_APPLESS_MAIN(TestGrpo)
#include "test_grpo.moc"
