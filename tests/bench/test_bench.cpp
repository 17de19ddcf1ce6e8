// The benchmark (core/bench) on the hermetic fixture world: a tiny untrained generator and tiny
// untrained perception models whose vocabulary is the fixture catalog's, so nothing needs the
// emoji artwork, the shipped checkpoints or a network. Checks the bootstrap math, the frozen
// suite, resumable runs, reference points, per-item failures, PSRBench import (paths leaving the
// folder, unknown categories, missing images, wrong sizes) and export, and the HTML report.
// LibTorch before Qt: Qt's `slots` macro breaks LibTorch headers included after it.
#include <ATen/ATen.h>
#include <torch/nn/module.h>

#include "bench_fixture.h"
#include "model/checkpoint.h"
#include "perceive/perception_models.h"

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "bench/bench_psrbench.h"
#include "bench/bench_report.h"
#include "bench/bench_runner.h"
#include "bench/bench_stats.h"
#include "bench/cluster_intervals.h"
#include "bench/bench_suite.h"
#include "common/error.h"
#include "model/checkpoint.h"
#include "model/model_config.h"
#include "model/tokenizer.h"
#include "perceive/perception_models.h"
#include "store/migrations.h"
#include "store/workspace.h"
#include "train_data/eval_compare.h"
#include "train_data/generator_eval.h"
#include "world/catalog.h"
#include "world/image.h"
#include "world/image_codec.h"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace psr;

namespace {

void writePng(const fs::path& file, int w, int h, std::uint8_t value) {
  world::Image image(w, h, 3);
  std::fill(image.pixels.begin(), image.pixels.end(), value);
  fs::create_directories(file.parent_path());
  world::writePngFile(file, image);
}

json readJson(const fs::path& file) {
  std::ifstream in(file);
  return json::parse(in);
}

void writeJson(const fs::path& file, const json& j) { std::ofstream(file) << j.dump(2); }

}  // namespace

class TestBench : public QObject {
  Q_OBJECT

  QTemporaryDir tmp_;
  fs::path dir_;
  std::unique_ptr<store::Workspace> ws_;
  std::unique_ptr<world::WorldCatalog> catalog_;
  std::unique_ptr<perceive::PerceptionModels> perception_;
  fs::path generator_;

  /// A new suite of `samples` items per subset with runs of `oracle` and of the tiny generator
  /// (label `tiny`, 2 steps, seed 0), each scoring every item.
  bench::Suite suiteWithOracleAndTiny(const std::string& name, int samples, std::uint64_t seed) {
    bench::SuiteOptions so;
    so.name = name;
    so.samples = samples;
    so.seed = seed;
    const auto suite = bench::createSuite(*ws_, *catalog_, so);
    const long long items = (long long)suite.items.size();
    bench::RunOptions o;
    o.model = "oracle";
    if (bench::runBench(*ws_, suite, *perception_, o)["computed"].get<long long>() != items)
      throw std::runtime_error("oracle did not score every item of " + name);
    o.model = generator_.string();
    o.label = "tiny";
    o.steps = 2;
    o.batch = 8;
    if (bench::runBench(*ws_, suite, *perception_, o)["computed"].get<long long>() != items)
      throw std::runtime_error("tiny did not score every item of " + name);
    return suite;
  }

 private slots:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    dir_ = fs::path(tmp_.path().toStdString());
    auto world = makeBenchWorld(dir_);
    ws_ = std::move(world.ws);
    catalog_ = std::move(world.catalog);
    perception_ = std::move(world.perception);
    at::manual_seed(5);
    auto g = model::createGenerator(model::modelPreset("tiny"), model::WordTokenizer({"<pad>", "<s>", "<unk>", "add"}));
    generator_ = dir_ / "tiny-generator";
    model::saveGenerator(generator_, g);
  }

  void schemaHasBenchTables() {
    QCOMPARE(store::latestSchemaVersion(), 5);
    QCOMPARE(ws_->db().queryInt("PRAGMA user_version"), std::int64_t(5));
    QCOMPARE(ws_->db().queryInt("SELECT count(*) FROM sqlite_master WHERE name IN ('bench_suites', 'bench_items', "
                                "'bench_outputs', 'bench_cells', 'bench_results_cell_insert', 'bench_runs_by_suite')"),
             std::int64_t(6));
  }

  void bootstrapMath() {
    // One seed: exactly the helper `psr eval generator` uses.
    const std::vector<double> values = {0.1, 0.4, 0.35, 0.8, 0.55, 0.2, 0.9, 0.6};
    bench::Grid grid;
    for (double v : values) grid.push_back({v});
    const auto mine = bench::bootstrapGrid(grid, 500, 11);
    const auto ref = train_data::meanWithInterval(values, 500, 11);
    QCOMPARE(mine.mean, ref["mean"].get<double>());
    QCOMPARE(mine.lo, ref["lo"].get<double>());
    QCOMPARE(mine.hi, ref["hi"].get<double>());
    QCOMPARE(mine.samples, 8LL);
    QVERIFY(mine.lo <= mine.mean && mine.mean <= mine.hi);
    // A constant grid has a zero-width interval; NaN cells and empty rows are skipped.
    const double nan = std::nan("");
    const bench::Grid flat = {{0.5, 0.5}, {0.5, nan}, {nan, nan}, {0.5, 0.5}};
    const auto f = bench::bootstrapGrid(flat, 200, 1);
    QCOMPARE(f.mean, 0.5);
    QCOMPARE(f.lo, 0.5);
    QCOMPARE(f.hi, 0.5);
    QCOMPARE(f.samples, 3LL);
    QCOMPARE(f.values, 5LL);
    // Two seeds: the point estimate is the mean of all cells; seed noise widens the interval.
    const bench::Grid noisy = {{0.0, 1.0}, {0.0, 1.0}, {0.0, 1.0}, {0.0, 1.0}};
    const auto n = bench::bootstrapGrid(noisy, 400, 2);
    QCOMPARE(n.mean, 0.5);
    QVERIFY(n.lo < 0.5 && n.hi > 0.5);
    QVERIFY(n.lo >= 0.0 && n.hi <= 1.0);
    // Overall: the mean of the grids' means, each subset weighing the same.
    const bench::Grid a = {{1.0}, {1.0}}, b = {{0.0}, {0.0}, {0.0}, {0.0}, {0.0}, {0.0}};
    const auto o = bench::bootstrapMeanOfGrids({&a, &b}, 100, 3);
    QCOMPARE(o.mean, 0.5);
    QCOMPARE(o.lo, 0.5);
    QCOMPARE(o.samples, 8LL);
    // Within noise: overlapping intervals.
    QVERIFY(bench::withinNoise({0.5, 0.4, 0.6}, {0.55, 0.45, 0.65}));
    QVERIFY(!bench::withinNoise({0.5, 0.45, 0.55}, {0.7, 0.6, 0.8}));
  }

  void pairedDifferences() {
    const double nan = std::nan("");
    // a has seeds {0, 1}, b has seeds {1, 2}: only seed 1 pairs. Sample 3 is only in a.
    const bench::SampleRows a = {{1, {0.9, 0.6}}, {2, {0.1, nan}}, {3, {0.5, 0.5}}};
    const bench::SampleRows b = {{1, {0.4, 0.0}}, {2, {0.3, 0.3}}};
    int common = -1;
    const auto g = bench::pairedDifferences(a, {0, 1}, b, {1, 2}, &common);
    QCOMPARE(common, 1);
    QCOMPARE(g.size(), std::size_t(2));
    QCOMPARE(g[0], std::vector<double>({0.6 - 0.4}));
    QVERIFY(std::isnan(g[1][0]));  // a did not score sample 2 on seed 1: nothing to pair
    // No seed in common: per-sample means over each model's own seeds.
    const auto m = bench::pairedDifferences(a, {0, 1}, b, {5, 6}, &common);
    QCOMPARE(common, 0);
    QCOMPARE(m.size(), std::size_t(2));
    QVERIFY(std::abs(m[0][0] - (0.75 - 0.2)) < 1e-12);
    QVERIFY(std::abs(m[1][0] - (0.1 - 0.3)) < 1e-12);
    // A correlated pair: two noisy models one constant step apart. The marginal intervals overlap,
    // the paired one is exactly the step and excludes 0.
    bench::SampleRows x, y;
    bench::Grid gx, gy;
    for (int i = 0; i < 40; ++i) {
      const double v = double((i * 37) % 11) / 10.0;
      x[i] = {v + 0.05};
      y[i] = {v};
      gx.push_back(x[i]);
      gy.push_back(y[i]);
    }
    QVERIFY(bench::withinNoise(bench::bootstrapGrid(gx, 300, 4), bench::bootstrapGrid(gy, 300, 4)));
    const auto p = bench::bootstrapGrid(bench::pairedDifferences(x, {0}, y, {0}), 300, 4);
    QVERIFY(std::abs(p.mean - 0.05) < 1e-12 && std::abs(p.lo - 0.05) < 1e-12 && std::abs(p.hi - 0.05) < 1e-12);
    QVERIFY(bench::excludesZero(p));
    QVERIFY(!bench::excludesZero({0.01, -0.01, 0.03, 10, 10}));
    QVERIFY(!bench::excludesZero({}));  // nothing paired is not a finding
  }

  // `psr eval compare`: paired differences of two reports of the same scenes.
  void evalReportsCompareByPairedBootstrap() {
    const int n = 40;
    // Scene i's oracle score, a blind score, and a model that adds `gain` plus per-scene noise
    // shared by both models (the pairing removes it; an unpaired comparison would not).
    auto report = [&](const char* name, double gain) {
      nlohmann::json ps;
      for (int i = 0; i < n; ++i) {
        const double scene = 0.3 * std::sin(1.7 * i);
        ps["psr"]["oracle"].push_back(0.7 + 0.05 * std::cos(i));
        ps["psr"]["blind"].push_back(0.02 * std::sin(3.1 * i));
        ps["psr"]["model"].push_back(0.3 + scene + gain + 0.01 * std::cos(5.3 * i));
        ps["semantic"]["model"].push_back(0.2 + scene);
        ps["aesthetic"]["model"].push_back(0.9);
      }
      return nlohmann::json{{"model", name},
                            {"settings", {{"seed", 1}, {"samples", n}, {"steps", 12}, {"guidance", 1.5}, {"split", "heldout"}}},
                            {"subsets", {{"2_subjects", {{"per_sample", ps}}}}}};
    };
    const auto a = report("a", 0.05), b = report("b", 0.0);
    const auto c = train_data::compareEvalReports(a, b);
    const auto& s = c["subsets"]["2_subjects"];
    QVERIFY(std::abs(s["psr"]["mean"].get<double>() - 0.05) < 1e-12);
    // Paired: the shared scene noise (±0.3) cancels, so the interval is tight and excludes 0.
    QVERIFY(s["psr"]["lo"].get<double>() > 0.04 && s["psr"]["hi"].get<double>() < 0.06);
    QVERIFY(s["psr"]["excludes_zero"].get<bool>());
    QVERIFY(s["normalized_consistency"]["mean"].get<double>() > 0.05);
    QVERIFY(s["normalized_consistency"]["excludes_zero"].get<bool>());
    QCOMPARE(s["semantic"]["mean"].get<double>(), 0.0);
    QVERIFY(!s["semantic"]["excludes_zero"].get<bool>());
    // Swapping the reports flips the sign.
    const auto r = train_data::compareEvalReports(b, a)["subsets"]["2_subjects"]["psr"];
    QVERIFY(std::abs(r["mean"].get<double>() + 0.05) < 1e-12);
    // Different scenes, other oracles or old reports without per-sample values are refused.
    auto other = b;
    other["settings"]["seed"] = 2;
    // The message of the psr::Error that comparing `a` with `other` throws ("" if none).
    auto refusal = [&] {
      try {
        train_data::compareEvalReports(a, other);
      } catch (const Error& error) {
        return std::string(error.what());
      }
      return std::string();
    };
    QVERIFY(refusal().find("settings.seed") != std::string::npos);
    other = b;
    other["subsets"]["2_subjects"]["per_sample"]["psr"]["oracle"][3] = 0.1;
    QVERIFY(refusal().find("sample 3") != std::string::npos);
    other = b;
    other["subsets"]["2_subjects"].erase("per_sample");
    QVERIFY(refusal().find("per-sample") != std::string::npos);

    // Pooling a second pair of other scenes (seed 2, the gain there 0.01) concatenates the
    // samples: the pooled PSR difference is the mean of both pairs' (equal counts).
    auto a2 = report("a", 0.01), b2 = report("b", 0.0);
    a2["settings"]["seed"] = 2;
    b2["settings"]["seed"] = 2;
    const auto pooled = train_data::compareEvalReportPairs({{a, b}, {a2, b2}});
    const auto& ps = pooled["subsets"]["2_subjects"]["psr"];
    QCOMPARE(ps["n"].get<int>(), 2 * n);
    QVERIFY(std::abs(ps["mean"].get<double>() - 0.03) < 1e-12);
    QCOMPARE(pooled["seeds"], (nlohmann::json{1, 2}));
    // One pair alone is the two-report comparison, number for number.
    QCOMPARE(train_data::compareEvalReportPairs({{a, b}})["subsets"], c["subsets"]);
    // The same scenes twice, or pairs of different evaluations, are refused.
    auto poolRefusal = [&](const nlohmann::json& x, const nlohmann::json& y) {
      try {
        train_data::compareEvalReportPairs({{a, b}, {x, y}});
      } catch (const Error& error) {
        return std::string(error.what());
      }
      return std::string();
    };
    QVERIFY(poolRefusal(a, b).find("same scenes") != std::string::npos);
    a2["settings"]["steps"] = 20;
    b2["settings"]["steps"] = 20;
    QVERIFY(poolRefusal(a2, b2).find("settings.steps") != std::string::npos);
  }

  void suiteIsFrozenAndDeterministic() {
    bench::SuiteOptions o;
    o.samples = 2;
    o.seed = 77;
    const auto suite = bench::createSuite(*ws_, *catalog_, o);
    QCOMPARE(suite.items.size(), std::size_t(14));
    o.name = "twin";
    const auto twin = bench::createSuite(*ws_, *catalog_, o);
    for (std::size_t i = 0; i < suite.items.size(); ++i) {
      const auto& a = suite.items[i];
      const auto& b = twin.items[i];
      QCOMPARE(a.instruction, b.instruction);
      QCOMPARE(a.referenceBlobs, b.referenceBlobs);  // content-addressed: same bytes
      QCOMPARE(a.oracleBlob, b.oracleBlob);
      QCOMPARE(a.categories.size(), std::size_t(pipeline::subsetSubjects(a.subset)));
      QCOMPARE(a.referenceBlobs.size(), a.categories.size());
      QVERIFY(!a.scene.is_null());
      // Held-out identities only.
      for (const auto& s : a.scene["subjects"]) {
        const auto* id = catalog_->findIdentity(s["identity"].get<std::string>());
        QVERIFY(id);
        QVERIFY(id->split == world::Split::Heldout);
      }
    }
    // Frozen: a second create of the same name is refused; a reload gives the same items.
    QVERIFY_THROWS_EXCEPTION(Error, bench::createSuite(*ws_, *catalog_, o));
    const auto loaded = bench::loadSuite(*ws_, "builtin");
    QCOMPARE(loaded.items.size(), suite.items.size());
    QCOMPARE(loaded.items[5].instruction, suite.items[5].instruction);
    QCOMPARE(loaded.items[5].scene, suite.items[5].scene);
    // The seen-identity sanity suite beside it.
    const auto created = bench::ensureBuiltinSuites(*ws_, *catalog_, 2, 77);
    QCOMPARE(created, std::vector<std::string>{"builtin-seen"});
    const auto seen = bench::loadSuite(*ws_, "builtin-seen");
    QCOMPARE(seen.split, std::string("train"));
    QCOMPARE(seen.items.size(), std::size_t(14));
    QVERIFY(bench::deleteSuite(*ws_, "twin"));
  }

  void runIsResumable() {
    const auto suite = bench::loadSuite(*ws_, "builtin");
    bench::RunOptions o;
    o.model = generator_.string();
    o.label = "tiny";
    o.steps = 2;
    o.batch = 4;
    long long lastTotal = -1;
    o.progress = [&](long long, long long total) { lastTotal = total; };
    const auto first = bench::runBench(*ws_, suite, *perception_, o);
    QCOMPARE(first["computed"].get<long long>(), 14LL);
    QCOMPARE(first["failed"].get<long long>(), 0LL);
    QCOMPARE(lastTotal, 14LL);
    QVERIFY(first["cost"]["generate_s_per_sample"].get<double>() > 0);
    QVERIFY(first["cost"]["eval_s_per_sample_without_generation"].get<double>() > 0);
    QCOMPARE(ws_->db().queryInt("SELECT count(*) FROM bench_results"), std::int64_t(14 * 3));
    // Second run: nothing new.
    const auto second = bench::runBench(*ws_, suite, *perception_, o);
    QCOMPARE(second["computed"].get<long long>(), 0LL);
    QCOMPARE(second["skipped"].get<long long>(), 14LL);
    QCOMPARE(lastTotal, 0LL);
    QCOMPARE(ws_->db().queryInt("SELECT count(*) FROM bench_results"), std::int64_t(14 * 3));
    // A lost value (an interrupted batch) is recomputed, and only it.
    ws_->db().exec("DELETE FROM bench_results WHERE sample_id = 3 AND metric = 'psr'");
    const auto third = bench::runBench(*ws_, suite, *perception_, o);
    QCOMPARE(third["computed"].get<long long>(), 1LL);
    // Two seeds: seed 0 is stored, only seed 1 is computed.
    o.seeds = 2;
    const auto seeds = bench::runBench(*ws_, suite, *perception_, o);
    QCOMPARE(seeds["computed"].get<long long>(), 14LL);
    QCOMPARE(seeds["skipped"].get<long long>(), 14LL);
    // The same folder with other weights (a model retrained in place) is another evaluation:
    // refused, naming the digest, and nothing is added; the old weights resume again.
    const auto dit = generator_ / "dit.safetensors", kept = dir_ / "dit.kept";
    fs::copy_file(dit, kept);
    {
      auto g = model::loadGenerator(generator_);
      at::NoGradGuard ng;
      for (auto& p : g.dit->parameters()) p.add_(0.01);
      model::saveGenerator(generator_, g);
    }
    const auto before = ws_->db().queryInt("SELECT count(*) FROM bench_results");
    try {
      bench::runBench(*ws_, suite, *perception_, o);
      QFAIL("changed weights were resumed as the stored run");
    } catch (const Error& e) {
      QVERIFY2(std::string(e.what()).find("weights_sha256") != std::string::npos, e.what());
    }
    QCOMPARE(ws_->db().queryInt("SELECT count(*) FROM bench_results"), before);
    fs::copy_file(kept, dit, fs::copy_options::overwrite_existing);
    QCOMPARE(bench::runBench(*ws_, suite, *perception_, o)["computed"].get<long long>(), 0LL);
    // Different settings under the same label are refused, not mixed: on its stored seeds, and on
    // a new seed (the report pools a label's seeds).
    o.steps = 3;
    QVERIFY_THROWS_EXCEPTION(Error, bench::runBench(*ws_, suite, *perception_, o));
    bench::RunOptions later = o;
    later.seeds = 1;
    later.firstSeed = 2;
    QVERIFY_THROWS_EXCEPTION(Error, bench::runBench(*ws_, suite, *perception_, later));
    QCOMPARE(ws_->db().queryInt("SELECT count(*) FROM bench_runs WHERE label = 'tiny' AND seed = 2"), std::int64_t(0));
    // Subset selection.
    bench::RunOptions s = o;
    s.label = "tiny-pos";
    s.seeds = 1;
    s.subsets = {pipeline::Subset::Position};
    QCOMPARE(bench::runBench(*ws_, suite, *perception_, s)["computed"].get<long long>(), 2LL);
  }

  void referencePoints() {
    const auto suite = bench::loadSuite(*ws_, "builtin");
    bench::RunOptions o;
    o.model = "oracle";
    const auto oracle = bench::runBench(*ws_, suite, *perception_, o);
    QCOMPARE(oracle["computed"].get<long long>(), 14LL);
    QCOMPARE(oracle["cost"]["generate_s_per_sample"].get<double>(), 0.0);
    o.model = "blind:" + generator_.string();
    o.label = "blind:tiny";
    o.steps = 2;
    const auto blind = bench::runBench(*ws_, suite, *perception_, o);
    QCOMPARE(blind["computed"].get<long long>(), 14LL);
    QCOMPARE(blind["config"]["kind"].get<std::string>(), std::string("blind"));
    QVERIFY_THROWS_EXCEPTION(Error, bench::parseModelSpec("blind:"));
    QVERIFY_THROWS_EXCEPTION(Error, bench::parseModelSpec((dir_ / "no-such-model").string()));
  }

  void reportAndHtml() {
    bench::ReportOptions o;
    o.bootstrap = 200;
    const auto r = bench::benchReport(*ws_, o);
    QCOMPARE(r["models"], json({"tiny", "tiny-pos", "oracle", "blind:tiny"}));
    QCOMPARE(r["subsets"].size(), std::size_t(7));
    const auto& tiny = r["results"]["tiny"];
    QCOMPARE(tiny["seeds"], json({0, 1}));
    QCOMPARE(tiny["semantic_scorer"].get<std::string>(), std::string("builtin"));
    QCOMPARE(tiny["semantic_unparsed"].get<long long>(), 0LL);
    QCOMPARE(tiny["samples"].get<long long>(), 14LL);
    for (const auto& [subset, metrics] : tiny["subsets"].items()) {
      for (const auto& metric : bench::kMetrics) {
        const auto& c = metrics[metric];
        QVERIFY(c["lo"].get<double>() <= c["mean"].get<double>() + 1e-12);
        QVERIFY(c["mean"].get<double>() <= c["hi"].get<double>() + 1e-12);
        QCOMPARE(c["samples"].get<long long>(), 2LL);
        QCOMPARE(c["values"].get<long long>(), 4LL);  // 2 samples x 2 seeds
      }
    }
    // Overall = mean of subset means.
    double sum = 0;
    for (const auto& [subset, metrics] : tiny["subsets"].items()) sum += metrics["psr"]["mean"].get<double>();
    QVERIFY(std::abs(tiny["overall"]["psr"]["mean"].get<double>() - sum / 7.0) < 1e-9);
    // Differences: every pair, subset and metric, each marked.
    bool sawOverall = false;
    for (const auto& d : r["differences"]) {
      QVERIFY(d.contains("within_noise"));
      if (d["a"] == "tiny" && d["b"] == "oracle" && d["subset"] == "overall" && d["metric"] == "psr") {
        sawOverall = true;
        const double expect = tiny["overall"]["psr"]["mean"].get<double>() -
                              r["results"]["oracle"]["overall"]["psr"]["mean"].get<double>();
        QVERIFY(std::abs(d["diff"].get<double>() - expect) < 1e-12);
      }
    }
    QVERIFY(sawOverall);
    // Paired differences: tiny (seeds 0, 1) - oracle pair on their common seeds, per suite item.
    // Recompute one cell from the stored values.
    std::map<std::int64_t, std::map<std::string, std::map<int, double>>> stored;  // sample -> label -> seed
    auto q = ws_->db().prepare(
        "SELECT r.label, r.seed, v.sample_id, v.value FROM bench_results v JOIN bench_runs r ON r.id = v.run_id "
        "WHERE r.suite = 'builtin' AND v.subset = 'attribute' AND v.metric = 'psr' AND r.label IN ('tiny', 'oracle')");
    while (q.step()) stored[q.columnInt(2)][q.columnText(0)][int(q.columnInt(1))] = q.columnDouble(3);
    const auto oracleSeeds = r["results"]["oracle"]["seeds"].get<std::vector<int>>();
    double expectSum = 0;
    int expectN = 0;
    for (auto& [sample, byLabel] : stored) {
      for (int seed : oracleSeeds) {
        if (byLabel["tiny"].count(seed) && byLabel["oracle"].count(seed)) {
          expectSum += byLabel["tiny"][seed] - byLabel["oracle"][seed];
          ++expectN;
        }
      }
    }
    QVERIFY(expectN > 0);
    bool sawPaired = false;
    for (const auto& d : r["differences"]) {
      QVERIFY(d.contains("paired"));  // every model here scored every item
      const auto& p = d["paired"];
      QVERIFY(p["lo"].get<double>() <= p["mean"].get<double>() + 1e-12);
      QVERIFY(p["mean"].get<double>() <= p["hi"].get<double>() + 1e-12);
      QCOMPARE(d["paired_significant"].get<bool>(), p["lo"].get<double>() > 0 || p["hi"].get<double>() < 0);
      if (d["a"] == "tiny" && d["b"] == "oracle" && d["subset"] == "attribute" && d["metric"] == "psr") {
        sawPaired = true;
        QCOMPARE(p["seeds"].get<int>(), int(oracleSeeds.size()));
        QCOMPARE(p["values"].get<long long>(), (long long)expectN);
        QVERIFY(std::abs(p["mean"].get<double>() - expectSum / expectN) < 1e-12);
      }
    }
    QVERIFY(sawPaired);
    // Worst samples carry their images and references.
    const auto& worst = r["worst"]["tiny"]["attribute"];
    QCOMPARE(worst.size(), std::size_t(2));
    QVERIFY(worst[0]["score"].get<double>() <= worst[1]["score"].get<double>());
    QVERIFY(worst[0].contains("image_blob"));
    QCOMPARE(worst[0]["reference_blobs"].size(), std::size_t(2));

    // The panel's grouped query agrees with the report.
    const auto cells = bench::panelMeans(ws_->db(), "builtin", {"oracle"});
    QCOMPARE(cells.size(), std::size_t(7 * 3));
    for (const auto& c : cells) {
      QCOMPARE(c.label, std::string("oracle"));
      QVERIFY(std::abs(c.mean - r["results"]["oracle"]["subsets"][c.subset][c.metric]["mean"].get<double>()) < 1e-9);
    }
    QCOMPARE(bench::panelMeans(ws_->db(), "builtin", {}).size(), std::size_t(3 * 7 * 3 + 3));

    // HTML: one self-contained file with the radar charts and embedded images.
    const auto html = bench::benchReportHtml(*ws_, r);
    QVERIFY(html.rfind("<!DOCTYPE html>", 0) == 0);
    std::size_t svgs = 0;
    for (auto at = html.find("<svg"); at != std::string::npos; at = html.find("<svg", at + 1)) ++svgs;
    QCOMPARE(svgs, std::size_t(3));
    QVERIFY(html.find("<polygon") != std::string::npos);
    QVERIFY(html.find("data:image/png;base64,iVBORw0KGgo") != std::string::npos);  // PNG signature
    // The overall table's badges follow the paired verdict where the report has one.
    std::size_t beyond = 0, expectedBeyond = 0, overallDiffs = 0;
    for (auto at = html.find(">beyond noise<"); at != std::string::npos; at = html.find(">beyond noise<", at + 1)) ++beyond;
    for (const auto& d : r["differences"]) {
      if (d["subset"] != "overall") continue;
      ++overallDiffs;
      const bool significant = d.contains("paired_significant") ? d["paired_significant"].get<bool>() : !d["within_noise"].get<bool>();
      expectedBeyond += significant ? 1 : 0;
    }
    QVERIFY(overallDiffs > 0);
    std::size_t marginalBeyond = 0;
    for (const auto& d : r["differences"])
      if (d["subset"] == "overall" && !d["within_noise"].get<bool>()) ++marginalBeyond;
    QVERIFY(marginalBeyond != expectedBeyond);  // the fixture tells the two rules apart
    QCOMPARE(beyond, expectedBeyond);
    QVERIFY(html.find("<h2>Paired differences</h2>") != std::string::npos);
    QVERIFY(html.find("src=\"http") == std::string::npos);
    QVERIFY(html.find("<link") == std::string::npos);
    QVERIFY(html.find("<script") == std::string::npos);
    QCOMPARE(bench::base64("Ma"), std::string("TWE="));
    QCOMPARE(bench::base64("Man"), std::string("TWFu"));
    QCOMPARE(bench::base64("M"), std::string("TQ=="));
  }

  // The report's category-robust paired intervals, recomputed from the stored values and the
  // suite items' subject categories. A suite of 6 items per subset over the fixture's 4 held-out
  // categories: the overall column is estimable, Four (every item shows all 4) is not.
  void categoryRobustIntervalsInTheReport() {
    const auto suite = suiteWithOracleAndTiny("wide", 6, 91);
    QCOMPARE(suite.items.size(), std::size_t(42));
    bench::ReportOptions ro;
    ro.suite = "wide";
    ro.bootstrap = 200;
    ro.models = {"tiny", "oracle"};
    const auto r = bench::benchReport(*ws_, ro);
    QCOMPARE(r["category_intervals"]["level"].get<double>(), 0.95);

    std::map<std::int64_t, std::vector<std::string>> keys;
    std::map<std::int64_t, std::string> subsetOf;
    for (const auto& item : suite.items) {
      for (const auto& c : item.categories) keys[item.id].push_back(c.key);
      subsetOf[item.id] = pipeline::subsetName(item.subset);
    }
    const auto subsets = r["subsets"].get<std::vector<std::string>>();
    int checked = 0, valid = 0, notEstimable = 0;
    for (const auto& metric : bench::kMetrics) {
      // sample -> label -> value (one seed each)
      std::map<std::int64_t, std::map<std::string, double>> stored;
      auto q = ws_->db().prepare(
          "SELECT r.label, v.sample_id, v.value FROM bench_results v JOIN bench_runs r ON r.id = v.run_id "
          "WHERE r.suite = 'wide' AND v.metric = ? AND r.label IN ('tiny', 'oracle')");
      q.bind(1, std::string_view(metric));
      while (q.step()) stored[q.columnInt(1)][q.columnText(0)] = q.columnDouble(2);
      for (const auto& d : r["differences"]) {
        if (d["metric"] != metric) continue;
        const std::string col = d["subset"].get<std::string>();
        std::vector<int> groups;
        std::vector<std::vector<std::string>> clusters;
        std::vector<double> values;
        for (auto& [sample, byLabel] : stored) {
          if (col != "overall" && subsetOf[sample] != col) continue;
          if (!byLabel.count("tiny") || !byLabel.count("oracle")) continue;
          groups.push_back(int(std::find(subsets.begin(), subsets.end(), subsetOf[sample]) - subsets.begin()));
          clusters.push_back(keys[sample]);
          values.push_back(byLabel["tiny"] - byLabel["oracle"]);
        }
        const auto expect = bench::ClusterDesign(groups, clusters).interval(values);
        QVERIFY(d.contains("paired_by_category"));
        const auto& c = d["paired_by_category"];
        QVERIFY(std::abs(c["mean"].get<double>() - expect.mean) < 1e-12);
        QVERIFY(std::abs(c["mean"].get<double>() - d["paired"]["mean"].get<double>()) < 1e-12);
        QCOMPARE(c["items"].get<long long>(), expect.items);
        QCOMPARE(c["categories"].get<long long>(), expect.clusters);
        QCOMPARE(c.contains("lo"), expect.valid);
        if (expect.valid) {
          ++valid;
          QVERIFY(std::abs(c["lo"].get<double>() - expect.lo) < 1e-12);
          QVERIFY(std::abs(c["hi"].get<double>() - expect.hi) < 1e-12);
          QVERIFY(std::abs(c["df"].get<double>() - expect.df) < 1e-9);
          QCOMPARE(d["paired_by_category_significant"].get<bool>(), expect.lo > 0 || expect.hi < 0);
        } else {
          ++notEstimable;
          QCOMPARE(c["reason"].get<std::string>(), expect.reason);
          QVERIFY(!d.contains("paired_by_category_significant"));
        }
        if (col == "overall") QVERIFY(expect.valid);
        if (col == "four") QVERIFY(!expect.valid);
        ++checked;
      }
    }
    QCOMPARE(checked, 3 * 8);
    QVERIFY(valid > 0 && notEstimable > 0);
    const auto html = bench::benchReportHtml(*ws_, r);
    QVERIFY(html.find("title=\"category-robust 95 % interval\">cat [") != std::string::npos);
    QVERIFY(bench::deleteSuite(*ws_, "wide"));
  }

  void pooledReportPairsOverBothSuites() {
    // A second suite with the same models: the pooled report keeps the suites' items apart and
    // pairs each model's values per (suite, item, seed).
    const auto b = suiteWithOracleAndTiny("pool-b", 1, 78);
    bench::RunOptions o;
    o.model = generator_.string();
    o.label = "tiny";
    o.steps = 2;
    o.batch = 4;

    bench::ReportOptions r;
    r.bootstrap = 200;
    r.pool = {"pool-b"};
    // The report refuses with this code and a message naming `needle`.
    auto refuses = [&](ErrorCode code, const char* needle) {
      try {
        bench::benchReport(*ws_, r);
      } catch (const Error& e) {
        return e.code() == code && std::string(e.what()).find(needle) != std::string::npos;
      }
      return false;
    };
    // tiny has seeds 0, 1 on builtin and only 0 here: refused, not silently mixed.
    r.models = {"tiny", "oracle"};
    QVERIFY(refuses(ErrorCode::InvalidArgument, "same seeds"));
    o.seeds = 2;
    QCOMPARE(bench::runBench(*ws_, b, *perception_, o)["computed"].get<long long>(), 7LL);

    r.models.clear();  // the labels run on both suites, in the first suite's order
    const auto pooled = bench::benchReport(*ws_, r);
    QCOMPARE(pooled["models"], json({"tiny", "oracle"}));
    QCOMPARE(pooled["suite"].get<std::string>(), std::string("builtin + pool-b"));
    QCOMPARE(pooled["pooled_suites"].size(), std::size_t(2));
    QCOMPARE(pooled["pooled_suites"][1]["items"].get<std::size_t>(), std::size_t(7));
    QCOMPARE(pooled["results"]["tiny"]["samples"].get<long long>(), 21LL);  // 14 + 7: no id collides
    QCOMPARE(pooled["results"]["tiny"]["subsets"]["attribute"]["psr"]["values"].get<long long>(), 6LL);

    // The paired attribute PSR difference, recomputed from both suites' stored values.
    std::map<std::pair<std::string, std::int64_t>, std::map<std::string, std::map<int, double>>> stored;
    auto q = ws_->db().prepare(
        "SELECT r.suite, r.label, r.seed, v.sample_id, v.value FROM bench_results v JOIN bench_runs r ON r.id = v.run_id "
        "WHERE r.suite IN ('builtin', 'pool-b') AND v.subset = 'attribute' AND v.metric = 'psr' AND r.label IN ('tiny', 'oracle')");
    while (q.step()) stored[{q.columnText(0), q.columnInt(3)}][q.columnText(1)][int(q.columnInt(2))] = q.columnDouble(4);
    double sum = 0;
    int n = 0;
    for (auto& [item, byLabel] : stored) {
      for (auto& [seed, value] : byLabel["oracle"]) {
        if (!byLabel["tiny"].count(seed)) continue;
        sum += byLabel["tiny"][seed] - value;
        ++n;
      }
    }
    QCOMPARE(n, 3);  // two builtin items and one pool-b item, on oracle's seed 0
    bool saw = false;
    for (const auto& d : pooled["differences"]) {
      if (d["a"] != "tiny" || d["b"] != "oracle" || d["subset"] != "attribute" || d["metric"] != "psr") continue;
      saw = true;
      QCOMPARE(d["paired"]["values"].get<long long>(), 3LL);
      QVERIFY(std::abs(d["paired"]["mean"].get<double>() - sum / n) < 1e-12);
    }
    QVERIFY(saw);
    // Worst samples name their suite and carry that suite's image and references.
    bool sawPoolB = false;
    for (const auto& w : pooled["worst"]["tiny"]["attribute"]) {
      QVERIFY(w.contains("suite") && w.contains("image_blob") && w.contains("instruction"));
      sawPoolB = sawPoolB || w["suite"] == "pool-b";
    }
    QCOMPARE(pooled["worst"]["tiny"]["attribute"].size(), std::size_t(3));  // 3 pooled items, worst = 3
    QVERIFY(sawPoolB);
    QVERIFY(bench::benchReportHtml(*ws_, pooled).find("builtin + pool-b") != std::string::npos);

    r.pool = {"builtin"};
    QVERIFY(refuses(ErrorCode::InvalidArgument, "named twice"));
    r.pool = {"pool-b"};
    r.models = {"tiny-pos"};  // run on builtin only
    QVERIFY(refuses(ErrorCode::NotFound, "pool-b"));
    QVERIFY(bench::deleteSuite(*ws_, "pool-b"));
  }

  void psrbenchExportImportRoundTrip() {
    bench::PsrBenchExportOptions e;
    e.outDir = dir_ / "export";
    e.model = "tiny";
    const auto written = bench::exportPsrBenchSuite(*ws_, e);
    QCOMPARE(written["items"].get<long long>(), 14LL);
    QCOMPARE(written["results"].get<long long>(), 14LL);
    const auto attribute = readJson(e.outDir / "Attribute.json");
    QCOMPARE(attribute.size(), std::size_t(2));
    QVERIFY(attribute[0]["input_path"].is_array());
    QVERIFY(attribute[0].contains("category1") && attribute[0].contains("category2"));
    QVERIFY(fs::exists(e.outDir / attribute[0]["result_path"].get<std::string>()));

    bench::PsrBenchImportOptions i;
    i.dir = e.outDir;
    i.name = "roundtrip";
    i.label = "tiny-reimported";
    const auto imported = bench::importPsrBench(*ws_, *perception_, i);
    QCOMPARE(imported["items"].get<long long>(), 14LL);
    QCOMPARE(imported["item_errors"].size(), std::size_t(0));
    QCOMPARE(imported["run"]["computed"].get<long long>(), 14LL);
    // Importing again reuses the frozen suite and computes nothing.
    const auto again = bench::importPsrBench(*ws_, *perception_, i);
    QVERIFY(again["reused"].get<bool>());
    QCOMPARE(again["run"]["computed"].get<long long>(), 0LL);
  }

  void psrbenchBadItems() {
    const fs::path root = dir_ / "psrbench";
    const fs::path good = dir_ / "export";  // references from the round trip
    fs::create_directories(root / "img");
    fs::copy_file(good / "subjects/Attribute/0_1.png", root / "img/a.png");
    fs::copy_file(good / "subjects/Attribute/0_2.png", root / "img/b.png");
    writePng(dir_ / "outside.png", 64, 64, 128);
    writePng(root / "img/result.png", 64, 64, 200);
    writePng(root / "img/small.png", 32, 32, 200);
    fs::create_symlink(dir_ / "outside.png", root / "img/escape.png");
    const auto noun = [&](int k) { return catalog_->categories[std::size_t(k)].noun; };
    json items = json::array();
    // 0: fine, with a result.
    items.push_back({{"instruction", "Put the " + noun(0) + " left of the " + noun(1) + "."},
                     {"input_path", {"img/a.png", "img/b.png"}}, {"category1", noun(0)}, {"category2", noun(1)},
                     {"result_path", "img/result.png"}});
    // 1: a reference path leaving the folder.
    items.push_back({{"instruction", "x"}, {"input_path", {"../outside.png", "img/b.png"}}, {"category1", noun(0)},
                     {"category2", noun(1)}});
    // 2: a symlink escaping the folder.
    items.push_back({{"instruction", "x"}, {"input_path", {"img/escape.png", "img/b.png"}}, {"category1", noun(0)},
                     {"category2", noun(1)}});
    // 3: an unknown category.
    items.push_back({{"instruction", "x"}, {"input_path", {"img/a.png", "img/b.png"}}, {"category1", "zebracorn"},
                     {"category2", noun(1)}});
    // 4: a missing image.
    items.push_back({{"instruction", "x"}, {"input_path", {"img/a.png", "img/nope.png"}}, {"category1", noun(0)},
                     {"category2", noun(1)}});
    // 5: fine, but its result has the wrong size.
    items.push_back({{"instruction", "Put the " + noun(0) + " next to the " + noun(1) + "."},
                     {"input_path", {"img/a.png", "img/b.png"}}, {"category1", noun(0)}, {"category2", noun(1)},
                     {"result_path", "img/small.png"}});
    // 6: fine, but its result path leaves the folder.
    items.push_back({{"instruction", "Put the " + noun(0) + " next to the " + noun(1) + "."},
                     {"input_path", {"img/a.png", "img/b.png"}}, {"category1", noun(0)}, {"category2", noun(1)},
                     {"result_path", "../outside.png"}});
    // 7: not even an object.
    items.push_back(42);
    writeJson(root / "Attribute.json", items);
    std::ofstream(root / "Action.json") << "{ not json";

    bench::PsrBenchImportOptions o;
    o.dir = root;
    o.run.expectSize = 64;
    const auto r = bench::importPsrBench(*ws_, *perception_, o);
    QCOMPARE(r["suite"].get<std::string>(), std::string("psrbench:psrbench"));
    QCOMPARE(r["items"].get<long long>(), 8LL);
    QCOMPARE(r["usable"].get<long long>(), 3LL);
    QCOMPARE(r["files"]["Attribute.json"].get<std::string>(), std::string("ok"));
    QVERIFY(r["files"]["Action.json"].get<std::string>().find("JSON") != std::string::npos);
    QCOMPARE(r["files"]["Four.json"].get<std::string>(), std::string("missing"));
    std::map<long long, std::string> errors;
    for (const auto& e : r["item_errors"]) errors[e["index"].get<long long>()] = e["error"].get<std::string>();
    QVERIFY2(errors[1].find("leaves the PSRBench folder") != std::string::npos, errors[1].c_str());
    QVERIFY2(errors[2].find("leaves the PSRBench folder") != std::string::npos, errors[2].c_str());
    QVERIFY2(errors[3].find("zebracorn") != std::string::npos && errors[3].find("unknown") != std::string::npos,
             errors[3].c_str());
    QVERIFY2(errors[4].find("nope.png") != std::string::npos, errors[4].c_str());
    QVERIFY2(errors[6].find("leaves the PSRBench folder") != std::string::npos, errors[6].c_str());
    QVERIFY(errors.count(7));
    QVERIFY(!errors.count(0) && !errors.count(5));
    // The results: item 0 scored; item 5 (32 px, 64 expected) and item 6 reported per item.
    const auto& run = r["run"];
    QCOMPARE(run["computed"].get<long long>(), 1LL);
    QCOMPARE(run["failed"].get<long long>(), 2LL);
    std::map<long long, std::string> runErrors;
    for (const auto& e : run["runs"][0]["errors"]) runErrors[e["sample_id"].get<long long>()] = e["error"].get<std::string>();
    QVERIFY2(runErrors[5].find("expected 64x64") != std::string::npos, runErrors[5].c_str());
    QVERIFY2(runErrors[6].find("leaves") != std::string::npos, runErrors[6].c_str());
    // The suite is stored with its per-item errors, so reports show them.
    const auto suite = bench::loadSuite(*ws_, "psrbench:psrbench");
    QVERIFY(suite.items[3].error.find("zebracorn") != std::string::npos);
    // resolveInside: plain checks.
    QVERIFY_THROWS_EXCEPTION(Error, bench::resolveInside(root, "/etc/passwd"));
    QVERIFY_THROWS_EXCEPTION(Error, bench::resolveInside(root, "img/../../outside.png"));
    QCOMPARE(bench::resolveInside(root, "img/../img/a.png"), fs::weakly_canonical(root / "img/a.png"));
    // A folder without any subset file.
    fs::create_directories(dir_ / "empty");
    bench::PsrBenchImportOptions none;
    none.dir = dir_ / "empty";
    QVERIFY_THROWS_EXCEPTION(Error, bench::importPsrBench(*ws_, *perception_, none));
  }

  void failingItemsAreReportedAndTheRestScored() {
    // A reference blob lost from the store: that sample fails, the others are scored.
    const auto suite = bench::loadSuite(*ws_, "builtin-seen");
    fs::remove(ws_->blobs().pathOf(suite.items[0].referenceBlobs[0]));
    bench::RunOptions o;
    o.model = "oracle";
    const auto r = bench::runBench(*ws_, suite, *perception_, o);
    QCOMPARE(r["failed"].get<long long>(), 1LL);
    QCOMPARE(r["computed"].get<long long>(), 13LL);
    QCOMPARE(r["runs"][0]["errors"][0]["sample_id"].get<long long>(), 0LL);
    // The failure is stored and shown by the report; a re-run retries only it.
    bench::ReportOptions ro;
    ro.suite = "builtin-seen";
    const auto report = bench::benchReport(*ws_, ro);
    QCOMPARE(report["results"]["oracle"]["failed"].get<long long>(), 1LL);
    QCOMPARE(report["errors"]["oracle"].size(), std::size_t(1));
    const auto again = bench::runBench(*ws_, suite, *perception_, o);
    QCOMPARE(again["failed"].get<long long>(), 1LL);
    QCOMPARE(again["computed"].get<long long>(), 0LL);
    QCOMPARE(again["skipped"].get<long long>(), 13LL);
    QVERIFY(bench::benchReportHtml(*ws_, report).find("could not be scored") != std::string::npos);
  }
};

QTEST_GUILESS_MAIN(TestBench)
#include "test_bench.moc"
