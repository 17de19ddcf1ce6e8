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
#include "train/train_checkpoint.h"
#include "train/trained_steps.h"

#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <cmath>
#include <cstring>
#include <set>

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

/// Two components on very different scales: "psr" = mean brightness, "semantic" = a hundredth of
/// the red channel's darkness. Summed, psr's spread decides; decoupled, the weights do.
class TwoScales final : public train::RewardFunction {
 public:
  std::vector<train::RewardComponents> score(const at::Tensor& images, const std::vector<const train::RlPrompt*>&) override {
    std::vector<train::RewardComponents> out;
    for (std::int64_t i = 0; i < images.size(0); ++i)
      out.push_back({{"psr", images[i].mean().item<double>()}, {"semantic", -0.01 * images[i][0].mean().item<double>()}});
    return out;
  }
};

/// Pearson correlation of two equally long series.
double correlation(const std::vector<double>& a, const std::vector<double>& b) {
  double ma = 0, mb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) ma += a[i] / double(a.size()), mb += b[i] / double(b.size());
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return sab / std::sqrt(saa * sbb);
}

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

/// A temporary folder holding a tiny initial policy, the common start of the run tests.
struct TinyRunDir {
  QTemporaryDir dir;
  fs::path root{dir.path().toStdString()};
  fs::path init{tinyPolicy(root / "init")};
  /// tinyRl from this folder's policy into root / out.
  nlohmann::json spec(const std::string& out, int epochs) const { return tinyRl(init, root / out, epochs); }
};

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

  void decoupledAdvantagesGiveEachRewardItsWeight() {
    // Group 0: PSR spreads widely, semantic a little and the other way round. Summed, PSR's spread
    // decides every sign although semantic weighs more; decoupled, the weights decide.
    // Group 1: only semantic varies. Group 2: nothing varies (dropped, counted).
    const std::map<std::string, std::vector<double>> comps = {
        {"psr", {0, 1, 0, 1, 0.5, 0.5, 0.5, 0.5, 0.3, 0.3, 0.3, 0.3}},
        {"semantic", {0.02, 0.01, 0.02, 0.01, 0, 1, 2, 3, 0.7, 0.7, 0.7, 0.7}}};
    const std::map<std::string, double> w = {{"psr", 0.4}, {"semantic", 0.6}};
    std::vector<double> totals(12, 0.0);
    for (std::size_t i = 0; i < 12; ++i) totals[i] = 0.4 * comps.at("psr")[i] + 0.6 * comps.at("semantic")[i];
    const auto summed = train::groupAdvantages(totals, 4, {}, false);
    QVERIFY(summed.value[1] > 0 && summed.value[0] < 0);
    const auto a = train::decoupledAdvantages(comps, w, 4, {}, 5.0);
    QCOMPARE(a.groups, 3);
    QCOMPARE(a.zeroVarianceGroups, 1);
    QVERIFY(a.value[0] > 0 && a.value[1] < 0);  // semantic's weight wins
    QVERIFY(!a.keep[8] && !a.keep[11] && a.value[9] == 0.0);
    // By hand: group-normalised components, weighted sum, then normalised over the 8 kept samples.
    std::vector<double> raw(8);
    const double sdPsr = 0.5 + 1e-4, sdSem0 = 0.005 + 1e-4, sdSem1 = std::sqrt(1.25) + 1e-4;
    for (std::size_t i = 0; i < 4; ++i) {
      raw[i] = 0.4 * (comps.at("psr")[i] - 0.5) / sdPsr + 0.6 * (comps.at("semantic")[i] - 0.015) / sdSem0;
      raw[4 + i] = 0.6 * (comps.at("semantic")[4 + i] - 1.5) / sdSem1;
    }
    double mean = 0, var = 0;
    for (double x : raw) mean += x / 8;
    for (double x : raw) var += (x - mean) * (x - mean) / 8;
    for (std::size_t i = 0; i < 8; ++i) QVERIFY(std::abs(a.value[i] - (raw[i] - mean) / (std::sqrt(var) + 1e-4)) < 1e-9);
    // A component that varies only in its last digits, or weighs 0, changes nothing.
    auto flat = comps;
    flat["aesthetic"] = {0.99998, 0.99999, 0.99997, 0.99999, 0.5, 0.5, 0.5, 0.5, 0.99991, 0.99992, 0.99993, 0.99994};
    auto wFlat = w;
    wFlat["aesthetic"] = 0.2;
    const auto withFlat = train::decoupledAdvantages(flat, wFlat, 4, {});
    for (std::size_t i = 0; i < 12; ++i) QVERIFY(std::abs(withFlat.value[i] - a.value[i]) < 1e-12);
    wFlat["aesthetic"] = 0.0;
    flat["aesthetic"] = {0, 1, 0, 1, 1, 0, 1, 0, 0.5, 0.9, 0.1, 0.3};
    const auto zeroWeight = train::decoupledAdvantages(flat, wFlat, 4, {});
    for (std::size_t i = 0; i < 12; ++i) QVERIFY(std::abs(zeroWeight.value[i] - a.value[i]) < 1e-12);
    QCOMPARE(zeroWeight.zeroVarianceGroups, 1);
    const auto skipped = train::decoupledAdvantages(comps, w, 4, {false, true, false});
    QVERIFY(skipped.keep[0] && !skipped.keep[4]);
    QCOMPARE(skipped.zeroVarianceGroups, 1);
    auto missing = comps;
    missing.erase("semantic");
    QVERIFY(errorOf([&] { train::decoupledAdvantages(missing, w, 4, {}); }).has_value());
    auto ragged = comps;
    ragged["psr"].pop_back();
    QVERIFY(errorOf([&] { train::decoupledAdvantages(ragged, w, 4, {}); }).has_value());
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
    j["advantage"] = "mixed";
    bad(j, "summed or decoupled");
    j = ok;
    j["advantage"] = "decoupled";
    QVERIFY(train::RlConfig::fromJson(j).decoupled);
    QCOMPARE(train::RlConfig::fromJson(train::RlConfig::fromJson(j).toJson()).decoupled, true);
    j["std"] = "global";
    bad(j, "decoupled");
    j = ok;
    j["train_steps"] = 10;  // the default window has 9 steps
    bad(j, "train_steps");
    j["train_steps"] = -1;
    bad(j, "train_steps");
    j["train_steps"] = 3;
    QCOMPARE(train::RlConfig::fromJson(train::RlConfig::fromJson(j).toJson()).trainSteps, std::int64_t(3));
    j = ok;
    j.erase("init");
    bad(j, "init");
    j = ok;
    j["kl_max"] = -1e-3;
    bad(j, "kl_max");
    j["kl_max"] = 4e-3;
    QCOMPARE(train::RlConfig::fromJson(train::RlConfig::fromJson(j).toJson()).klMax, 4e-3);
  }

  void trainedStepsDrawFromTheWindow() {
    using V = std::vector<std::int64_t>;
    QCOMPARE(train::trainedSteps(1, 0, 0, 2, 7, 0), (V{2, 3, 4, 5, 6}));  // 0: the whole window
    QCOMPARE(train::trainedSteps(1, 0, 0, 2, 7, 5), (V{2, 3, 4, 5, 6}));
    std::map<std::int64_t, int> counts;
    std::set<V> distinct;
    const int draws = 900;
    for (int e = 0; e < draws; ++e) {
      const auto v = train::trainedSteps(7, e / 3, (e % 3) * 6, 0, 9, 3);
      QCOMPARE(v, train::trainedSteps(7, e / 3, (e % 3) * 6, 0, 9, 3));  // a function of (seed, epoch, chunk)
      QCOMPARE(int(v.size()), 3);
      QVERIFY(std::is_sorted(v.begin(), v.end()) && std::adjacent_find(v.begin(), v.end()) == v.end());
      QVERIFY(v.front() >= 0 && v.back() < 9);
      for (auto step : v) ++counts[step];
      distinct.insert(v);
    }
    // Uniform: each of the 9 steps is drawn a third of the time (standard error 0.016).
    for (std::int64_t step = 0; step < 9; ++step)
      QVERIFY2(std::abs(counts[step] / double(draws) - 1.0 / 3) < 0.08, std::to_string(step).c_str());
    QVERIFY(distinct.size() > 60);  // of the 84 possible triples
    QVERIFY(train::trainedSteps(7, 0, 0, 0, 9, 3) != train::trainedSteps(8, 0, 0, 0, 9, 3) ||
            train::trainedSteps(7, 1, 0, 0, 9, 3) != train::trainedSteps(8, 1, 0, 0, 9, 3));
  }

  void decoupledRunNormalisesEachComponent() {
    // The trainer hands each component to the advantages: within the logged group, decoupled
    // advantages are an increasing affine map of 0.4·z(psr) + 0.6·z(semantic) (z: the group's
    // standard scores; the batch normalisation shifts and scales), summed ones of the total's z.
    const TinyRunDir t;
    RandomPrompts prompts;
    TwoScales reward;
    for (const char* mode : {"decoupled", "summed"}) {
      std::vector<nlohmann::json> logged;
      train::RlHooks hooks;
      hooks.onGroup = [&](std::int64_t, const nlohmann::json& group, const at::Tensor&) { logged.push_back(group); };
      auto spec = t.spec(mode, 2);
      spec["advantage"] = mode;
      spec["weights"] = {{"psr", 0.4}, {"semantic", 0.6}};
      train::runRl(train::RlConfig::fromJson(spec), prompts, reward, hooks);
      QCOMPARE(int(logged.size()), 2);
      for (const auto& group : logged) {
        std::vector<double> adv, psr, sem, total;
        for (const auto& sample : group["samples"]) {
          adv.push_back(sample["advantage"].get<double>());
          psr.push_back(sample["components"]["psr"].get<double>());
          sem.push_back(sample["components"]["semantic"].get<double>());
          total.push_back(sample["total"].get<double>());
        }
        auto z = [](std::vector<double> v) {
          double m = 0, s = 0;
          for (double x : v) m += x / double(v.size());
          for (double x : v) s += (x - m) * (x - m) / double(v.size());
          for (double& x : v) x = (x - m) / (std::sqrt(s) + 1e-4);
          return v;
        };
        const auto zp = z(psr), zs = z(sem);
        std::vector<double> mixed(adv.size());
        for (std::size_t i = 0; i < adv.size(); ++i) mixed[i] = 0.4 * zp[i] + 0.6 * zs[i];
        const double expected = correlation(adv, std::string(mode) == "decoupled" ? mixed : total);
        QVERIFY2(expected > 0.9999, (std::string(mode) + ": " + std::to_string(expected)).c_str());
        if (std::string(mode) == "decoupled")  // and the two rules really differ here
          QVERIFY(correlation(adv, total) < 0.999);
      }
    }
  }

  void tinyRunRaisesRewardOnPolicyFirst() {
    const TinyRunDir t;
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
    auto spec = t.spec("run", 12);
    spec["lr"] = 1e-2;
    spec["clip_range"] = 1e-2;  // the tiny policy moves far per update; the default 1e-4 crawls
    const auto r = train::runRl(train::RlConfig::fromJson(spec), prompts, reward, hooks);
    QCOMPARE(r.epoch, 12);
    QCOMPARE(groups, 12);
    const double early = (rewards[0] + rewards[1] + rewards[2]) / 3, late = (rewards[9] + rewards[10] + rewards[11]) / 3;
    qInfo("mean reward %.4f -> %.4f", early, late);
    QVERIFY2(late > early + 0.05, (std::to_string(early) + " -> " + std::to_string(late)).c_str());
    QVERIFY(!train::latestCheckpoint(t.root / "run").empty());
  }

  void resumeIsExact() {
    // Also with a random subset of steps trained per update: the draw is a function of the epoch.
    for (const int trainSteps : {0, 1}) {
      const TinyRunDir t;
      RandomPrompts prompts;
      Brightness reward;
      auto spec = [&](const char* out) {
        auto j = t.spec(out, 4);
        j["train_steps"] = trainSteps;
        return train::RlConfig::fromJson(j);
      };
      train::runRl(spec("a"), prompts, reward, {});
      train::RlHooks stopAt2;
      stopAt2.onMetrics = [&](std::int64_t epoch, std::int64_t, const std::map<std::string, double>&) {
        if (epoch == 2) stopAt2.cancel.cancel();
      };
      const auto part = train::runRl(spec("b"), prompts, reward, stopAt2);
      QVERIFY(part.cancelled);
      QCOMPARE(part.epoch, 2);
      const auto rest = train::runRl(spec("b"), prompts, reward, {});
      QCOMPARE(rest.resumedFrom, 2);
      const auto sa = tensor::loadTensors(train::latestCheckpoint(t.root / "a") / "train_state.safetensors");
      const auto sb = tensor::loadTensors(train::latestCheckpoint(t.root / "b") / "train_state.safetensors");
      for (const auto& [name, value] : sa) QVERIFY2(sameBytes(value, sb.at(name)), name.c_str());
    }
  }

  void trainStepsChangesOnlyWhatIsTrained() {
    // train_steps covering the window is the full update, bit for bit; fewer steps train
    // differently, and the epoch's first update is still exactly on-policy.
    const TinyRunDir t;
    RandomPrompts prompts;
    Brightness reward;
    std::vector<double> firstDeviation;
    train::RlHooks hooks;
    hooks.onMetrics = [&](std::int64_t, std::int64_t, const std::map<std::string, double>& m) {
      firstDeviation.push_back(m.at("ratio_first_update_max_dev"));
    };
    auto run = [&](const char* out, int trainSteps) {
      auto j = t.spec(out, 2);
      j["train_steps"] = trainSteps;  // the tiny spec's window is steps 0..2
      train::runRl(train::RlConfig::fromJson(j), prompts, reward, hooks);
      return tensor::loadTensors(train::latestCheckpoint(t.root / out) / "train_state.safetensors");
    };
    const auto all = run("all", 0), three = run("three", 3), one = run("one", 1);
    bool differs = false;
    for (const auto& [name, value] : all) {
      QVERIFY2(sameBytes(value, three.at(name)), name.c_str());
      differs = differs || !sameBytes(value, one.at(name));
    }
    QVERIFY(differs);
    QCOMPARE(int(firstDeviation.size()), 6);
    for (double d : firstDeviation) QCOMPARE(d, 0.0);
  }

  void failingAndNonFiniteRewardsAreCounted() {
    const TinyRunDir t;
    RandomPrompts prompts;
    Brightness flaky;
    flaky.failures = 1;  // the first call fails once, the retry succeeds
    std::map<std::string, double> last;
    train::RlHooks hooks;
    hooks.onMetrics = [&](std::int64_t, std::int64_t, const std::map<std::string, double>& m) { last = m; };
    train::runRl(train::RlConfig::fromJson(t.spec("flaky", 1)), prompts, flaky, hooks);
    QCOMPARE(last.at("reward_failures"), 1.0);
    QCOMPARE(last.at("skipped_groups"), 0.0);

    Brightness nan;
    nan.nanFirst = true;  // sample 0 of every chunk is NaN: its group is skipped
    train::runRl(train::RlConfig::fromJson(t.spec("nan", 1)), prompts, nan, hooks);
    QCOMPARE(last.at("skipped_samples"), 2.0);
    QCOMPARE(last.at("skipped_groups"), 2.0);

    Brightness dead;
    dead.failures = 1000;
    auto spec = t.spec("dead", 5);
    spec["max_skipped"] = 3;
    auto e = errorOf([&] { train::runRl(train::RlConfig::fromJson(spec), prompts, dead, {}); });
    QVERIFY(e && std::string(e->what()).find("max_skipped") != std::string::npos);
  }

  void loraKlStartsAtZero() {
    const TinyRunDir t;
    RandomPrompts prompts;
    Brightness reward;
    auto spec = t.spec("lora", 3);
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

  void loraKlTermLeavesEveryStepTrained() {
    // With LoRA the KL reference is the base weights; the LoRA merge is restored after each
    // reference pass. A KL weight near 0 must then train (almost) what no KL trains: every step
    // of the window. The legacy flag reproduces the old behaviour, where the restore ran with
    // gradients off and only each update's first trained step reached the LoRA factors.
    const TinyRunDir t;
    RandomPrompts prompts;
    Brightness reward;
    auto moments = [&](const char* out, double klBeta, bool legacy) {
      auto j = t.spec(out, 1);
      j["lora"] = {{"rank", 2}, {"alpha", 2.0}};
      j["kl_beta"] = klBeta;
      j["legacy_first_step_gradient"] = legacy;
      train::runRl(train::RlConfig::fromJson(j), prompts, reward, {});
      return tensor::loadTensors(train::latestCheckpoint(t.root / out) / "train_state.safetensors");
    };
    const auto none = moments("none", 0.0, false), tiny = moments("tiny", 1e-12, false),
               legacy = moments("legacy", 1e-12, true);
    int compared = 0;
    bool legacyDiffers = false;
    for (const auto& [name, value] : none) {
      if (name.rfind("adam_m/", 0) != 0) continue;
      ++compared;
      QVERIFY2(at::allclose(value, tiny.at(name), 1e-4, 1e-12), name.c_str());
      legacyDiffers = legacyDiffers || !at::allclose(value, legacy.at(name), 1e-2, 1e-12);
    }
    QVERIFY(compared > 0);
    QVERIFY(legacyDiffers);
  }

  void klCeilingStopsAndKeepsTheLastCheckpoint() {
    const TinyRunDir t;
    RandomPrompts prompts;
    Brightness reward;
    auto spec = [&](const char* out, int epochs) {
      auto j = t.spec(out, epochs);
      j["lora"] = {{"rank", 2}, {"alpha", 2.0}};
      j["prompts_per_epoch"] = 1;  // one update per epoch: epoch 1's is at the reference, KL exactly 0
      j["checkpoint_every"] = 1;
      return j;  // kl_beta stays 0: a ceiling measures the KL without training on it
    };
    std::vector<double> kls;
    train::RlHooks hooks;
    hooks.onMetrics = [&](std::int64_t, std::int64_t, const std::map<std::string, double>& m) { kls.push_back(m.at("kl")); };

    auto guarded = spec("guard", 4);
    guarded["kl_max"] = 1e-30;
    const auto r = train::runRl(train::RlConfig::fromJson(guarded), prompts, reward, hooks);
    QCOMPARE(int(kls.size()), 2);
    QCOMPARE(kls[0], 0.0);
    QVERIFY(kls[1] > 1e-30 && std::isfinite(kls[1]));
    QCOMPARE(r.klStopEpoch, std::int64_t(2));
    QCOMPARE(r.klStopValue, kls[1]);
    QCOMPARE(r.epoch, std::int64_t(1));  // the kept checkpoint's epoch
    QVERIFY(!r.cancelled);
    QCOMPARE(r.checkpoint, train::checkpointPath(t.root / "guard", 1));
    QCOMPARE(train::latestCheckpoint(t.root / "guard"), train::checkpointPath(t.root / "guard", 1));
    QVERIFY(!fs::exists(train::checkpointPath(t.root / "guard", 2)));
    QCOMPARE(r.toJson()["kl_stop"]["epoch"].get<std::int64_t>(), std::int64_t(2));

    // A resume starts from the kept checkpoint and stops at the same epoch again.
    const auto again = train::runRl(train::RlConfig::fromJson(guarded), prompts, reward, {});
    QCOMPARE(again.resumedFrom, std::int64_t(1));
    QCOMPARE(again.klStopEpoch, std::int64_t(2));
    QCOMPARE(again.klStopValue, kls[1]);

    // Measuring the KL does not change the update: a run with a ceiling it never reaches ends
    // bit for bit where a run without one does, and the guarded run's epoch 1 is theirs.
    auto loose = spec("loose", 1);
    loose["kl_max"] = 1.0;
    const auto l = train::runRl(train::RlConfig::fromJson(loose), prompts, reward, {});
    QCOMPARE(l.klStopEpoch, std::int64_t(0));
    QCOMPARE(l.epoch, std::int64_t(1));
    train::runRl(train::RlConfig::fromJson(spec("plain", 1)), prompts, reward, {});
    const auto a = tensor::loadTensors(train::latestCheckpoint(t.root / "plain") / "train_state.safetensors");
    const auto b = tensor::loadTensors(train::latestCheckpoint(t.root / "loose") / "train_state.safetensors");
    const auto c = tensor::loadTensors(train::latestCheckpoint(t.root / "guard") / "train_state.safetensors");
    QVERIFY(!a.empty());
    for (const auto& [name, value] : a) {
      QVERIFY2(sameBytes(value, b.at(name)), name.c_str());
      QVERIFY2(sameBytes(value, c.at(name)), name.c_str());
    }
  }
};

QTEST_APPLESS_MAIN(TestGrpo)
#include "test_grpo.moc"
