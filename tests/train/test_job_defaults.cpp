// The trainers' defaults as the Train panel shows them (resources/models/generator/jobs/defaults):
// each file lists every key its trainer resolves except the ones a spec must choose (name, init,
// model, data, out) or that depend on another key (RL's window, SFT's warp_pool and positions);
// every value is the trainer's own default; and adding the missing keys to a spec — what the
// panel does to every preset so that every parameter is searchable — changes nothing the
// trainer does, for every shipped spec and for a minimal one.
#include "train/rl_config.h"
#include "train/sft_config.h"

#include <QtTest>

#include <filesystem>
#include <fstream>
#include <set>

using namespace psr;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const fs::path kJobs = PSR_JOBS_DIR;

json readJson(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  return json::parse(in);
}

/// The panel's rule (ui/train/job_presets.cpp): a default is added only where the spec has no key.
json withDefaults(json spec, const json& defaults) {
  for (const auto& [key, value] : defaults.items())
    if (!spec.contains(key)) spec[key] = value;
  return spec;
}

/// Every shipped spec of `kind`: jobs/*.json and jobs/ablations/*.json.
std::vector<fs::path> shippedSpecs(const std::string& kind) {
  std::vector<fs::path> files;
  for (const fs::path dir : {kJobs, kJobs / "ablations"})
    for (const auto& entry : fs::directory_iterator(dir))
      if (entry.path().extension() == ".json" && readJson(entry.path()).value("kind", "") == kind)
        files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

/// Keys of `resolved` (a default config's toJson) the defaults file must carry with equal values.
void checkCovers(const json& defaults, const json& resolved, const std::set<std::string>& chosenBySpec) {
  for (const auto& [key, value] : resolved.items()) {
    if (chosenBySpec.count(key)) {
      QVERIFY2(!defaults.contains(key), ("defaults must not choose \"" + key + "\" for a spec").c_str());
      continue;
    }
    QVERIFY2(defaults.contains(key), ("the defaults file lacks \"" + key + "\"").c_str());
    QVERIFY2(defaults[key] == value, (key + ": file " + defaults[key].dump() + ", trainer " + value.dump()).c_str());
  }
}

}  // namespace

class TestJobDefaults : public QObject {
  Q_OBJECT

 private slots:
  void rlDefaultsAreTheTrainers() {
    const json defaults = readJson(kJobs / "defaults" / "rl.json");
    QCOMPARE(defaults.value("kind", ""), std::string("rl"));
    checkCovers(defaults, train::RlConfig{}.toJson(), {"name", "init", "data", "window", "out"});
    // Nothing beyond what the trainer reads.
    const json minimal = {{"kind", "rl"}, {"init", "sft"}, {"data", {{"world", json::object()}}}};
    QCOMPARE(train::RlConfig::fromJson(withDefaults(minimal, defaults)).toJson(),
             train::RlConfig::fromJson(minimal).toJson());
  }

  void sftDefaultsAreTheTrainers() {
    const json defaults = readJson(kJobs / "defaults" / "sft.json");
    QCOMPARE(defaults.value("kind", ""), std::string("sft"));
    train::SftConfig base;
    base.init = "base";
    checkCovers(defaults, base.toJson(), {"name", "init", "data", "out"});
    for (const char* key : {"model", "warp_pool", "positions"}) QVERIFY2(!defaults.contains(key), key);
    for (const json& minimal : {json{{"kind", "sft"}, {"init", "base"}, {"data", {{"shards", "x"}}}},
                                json{{"kind", "sft"}, {"model", "tiny"}, {"data", {{"shards", "x"}}}}})
      QCOMPARE(train::SftConfig::fromJson(withDefaults(minimal, defaults)).toJson(),
               train::SftConfig::fromJson(minimal).toJson());
  }

  void fillingShippedSpecsChangesNothing() {
    int checked = 0;
    for (const std::string kind : {"rl", "sft"}) {
      const json defaults = readJson(kJobs / "defaults" / (kind + ".json"));
      for (const fs::path& file : shippedSpecs(kind)) {
        const json spec = readJson(file);
        const json filled = withDefaults(spec, defaults);
        const json a = kind == "rl" ? train::RlConfig::fromJson(spec).toJson() : train::SftConfig::fromJson(spec).toJson();
        const json b = kind == "rl" ? train::RlConfig::fromJson(filled).toJson() : train::SftConfig::fromJson(filled).toJson();
        QVERIFY2(a == b, file.filename().string().c_str());
        ++checked;
      }
    }
    // rl.json, sft.json, base.json and the refine specs plus the ablations: a glob that found
    // nothing must not pass.
    QVERIFY2(checked >= 20, std::to_string(checked).c_str());
  }
};

QTEST_APPLESS_MAIN(TestJobDefaults)
#include "test_job_defaults.moc"
