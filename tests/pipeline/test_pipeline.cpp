// The two-stage data pipeline: every subset's edit, split purity, provenance and scores, reject
// reasons, duplicates, cancel/resume, SIGKILL during `psr data synth` and --resume, exports, bad
// input. Hermetic: the fixture world of tests/world, enriched by pipeline_fixture.cpp.
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/logging.h"
#include "io/safetensors.h"
#include "pipeline/export_psrbench.h"
#include "pipeline/export_shards.h"
#include "pipeline/subset_mix.h"
#include "pipeline/synthesize.h"
#include "pipeline/world_providers.h"
#include "pipeline_fixture.h"
#include "store/workspace.h"
#include "test_providers.h"
#include "world/catalog.h"

using nlohmann::json;
using psr::Error;
using psr::ErrorCode;
namespace fs = std::filesystem;
namespace pp = psr::pipeline;
namespace w = psr::world;

Q_DECLARE_METATYPE(pp::Subset)

namespace {

std::pair<ErrorCode, std::string> failureOf(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return {e.code(), e.what()};
  }
  return {ErrorCode::Generic, "no error"};
}

pp::SynthSpec spec(std::optional<pp::Subset> subset, long long count, const std::string& dataset,
                   std::uint64_t seed = 1) {
  pp::SynthSpec s;
  s.subset = subset;
  s.count = count;
  s.dataset = dataset;
  s.seed = seed;
  s.batchSize = 8;
  return s;
}

/// One stored sample with what the checks need.
struct Stored {
  long long id = 0, seq = 0;
  std::string subset, split, instruction, sceneText;
  json scene, provenance, scores;
  double consistency = 0;
  std::vector<std::string> categories;
  std::vector<json> referenceScenes;
};

std::vector<Stored> samplesOf(psr::store::Workspace& ws, const std::string& dataset) {
  std::vector<Stored> out;
  auto st = ws.db().prepare(
      "SELECT s.id, s.seq, s.subset, s.split, s.instruction, s.scene, s.provenance, s.scores, s.consistency FROM "
      "samples s "
      "JOIN datasets d ON d.id = s.dataset_id WHERE d.name = ? ORDER BY s.seq");
  st.bind(1, std::string_view(dataset));
  auto refs = ws.db().prepare("SELECT category, scene FROM sample_references WHERE sample_id = ? ORDER BY slot");
  while (st.step()) {
    Stored s{st.columnInt(0),
             st.columnInt(1),
             st.columnText(2),
             st.columnText(3),
             st.columnText(4),
             st.columnText(5),
             json::parse(st.columnText(5)),
             json::parse(st.columnText(6)),
             json::parse(st.columnText(7)),
             st.columnDouble(8),
             {},
             {}};
    refs.reset();
    refs.bind(1, std::int64_t(s.id));
    while (refs.step()) {
      s.categories.push_back(refs.columnText(0));
      s.referenceScenes.push_back(json::parse(refs.columnText(1)));
    }
    out.push_back(std::move(s));
  }
  return out;
}

/// Every sample has all its reference rows, and every blob it names has a row and a file.
void verifyIntegrity(psr::store::Workspace& ws) {
  auto& db = ws.db();
  QCOMPARE(QString::fromStdString([&] {
             auto st = db.prepare("PRAGMA integrity_check");
             st.step();
             return st.columnText(0);
           }()),
           QStringLiteral("ok"));
  QCOMPARE(db.queryInt("SELECT count(*) FROM pragma_foreign_key_check"), std::int64_t(0));
  QCOMPARE(db.queryInt("SELECT count(*) FROM samples s WHERE s.n_subjects <> "
                       "(SELECT count(*) FROM sample_references r WHERE r.sample_id = s.id)"),
           std::int64_t(0));
  QCOMPARE(db.queryInt("SELECT count(*) FROM samples WHERE target_blob IS NULL OR source_blob IS NULL"),
           std::int64_t(0));
  auto blobs = db.prepare(
      "SELECT target_blob FROM samples UNION SELECT source_blob FROM samples UNION SELECT blob FROM sample_references");
  while (blobs.step()) {
    const std::string sha = blobs.columnText(0);
    QVERIFY2(ws.blobs().contains(sha), sha.c_str());
    QCOMPARE(ws.blobs().read(sha).substr(1, 3), std::string("PNG"));
  }
  QCOMPARE(db.queryInt("SELECT count(*) FROM (SELECT target_blob b FROM samples UNION SELECT source_blob FROM samples "
                       "UNION SELECT blob FROM sample_references) WHERE b NOT IN (SELECT sha256 FROM blobs)"),
           std::int64_t(0));
}

struct CliResult {
  int code = -1;
  QString out, err;
};

CliResult runPsr(const QStringList& args) {
  QProcess p;
  p.start(PSR_CLI_PATH, args);
  p.waitForFinished(120000);
  return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
          QString::fromUtf8(p.readAllStandardError())};
}

}  // namespace

class TestPipeline : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void subsetsSatisfyTheirEdit_data();
  void subsetsSatisfyTheirEdit();
  void allCyclesSubsetsEvenly();
  void heldoutRunsUseHeldoutIdentitiesOnly();
  void rejectReasonsAreCounted();
  void repeatedSeedsAreDuplicates();
  void threadsDoNotChangeResults();
  void cancelCommitsAndResumes();
  void killedRunResumesIdentically();
  void shardsAreReadable();
  void psrBenchLayoutIsOfficial();
  void badInputIsRefused();
  void subsetMixDrawsByWeight();

 private:
  QTemporaryDir tmp_;
  fs::path dir_;
  std::unique_ptr<psr::store::Workspace> ws_;
  w::WorldCatalog catalog_;
};

void TestPipeline::initTestCase() {
  QVERIFY(tmp_.isValid());
  psr::setConsoleLogLevel(spdlog::level::err);  // the fixtures lack most artwork on purpose
  dir_ = fs::path(tmp_.path().toStdString());
  ws_ = makePipelineWorkspace(dir_ / "main");
  catalog_ = w::WorldCatalog::load(*ws_);
}

void TestPipeline::subsetsSatisfyTheirEdit_data() {
  QTest::addColumn<pp::Subset>("subset");
  for (pp::Subset s : pp::kAllSubsets) QTest::newRow(pp::subsetName(s)) << s;
}

void TestPipeline::subsetsSatisfyTheirEdit() {
  QFETCH(pp::Subset, subset);
  const std::string dataset = std::string("edit-") + pp::subsetName(subset);
  const auto report = pp::synthesize(*ws_, spec(subset, 6, dataset));
  QCOMPARE(QString::fromStdString(report.state), QStringLiteral("finished"));
  QCOMPARE(report.produced, 6LL);
  const auto samples = samplesOf(*ws_, dataset);
  QCOMPARE(int(samples.size()), 6);
  for (const auto& s : samples) {
    const w::Scene target = w::sceneFromJson(s.scene);
    const w::Scene source = w::sceneFromJson(s.scene.at("source"));
    const std::size_t n = std::size_t(pp::subsetSubjects(subset));
    QCOMPARE(target.subjects.size(), n);
    QCOMPARE(s.categories.size(), n);
    QCOMPARE(s.scene.at("pixel_boxes").size(), n);
    for (std::size_t i = 0; i < n; ++i) QCOMPARE(target.subjects[i].identity, source.subjects[i].identity);
    std::set<std::string> distinct;
    switch (subset) {
      case pp::Subset::Attribute:
        for (const auto& sub : target.subjects) {
          QCOMPARE(int(sub.accessories.size()), 1);
          distinct.insert(sub.accessories[0]);
        }
        QCOMPARE(distinct.size(), n);
        break;
      case pp::Subset::Action:
        for (const auto& sub : target.subjects) {
          QVERIFY(!sub.action.empty());
          distinct.insert(sub.action);
        }
        QCOMPARE(distinct.size(), n);
        break;
      case pp::Subset::Background:
        QVERIFY(target.background != source.background);
        break;
      case pp::Subset::Position:
        QCOMPARE(int(target.relations.size()), 1);
        QVERIFY(w::relationHolds(target, target.relations[0]));
        QVERIFY(source.relations.empty() || source.relations[0].kind != target.relations[0].kind);
        break;
      case pp::Subset::Complex:
        QVERIFY(target.background != source.background);
        QCOMPARE(int(target.relations.size()), 1);
        QVERIFY(w::relationHolds(target, target.relations[0]));
        for (const auto& sub : target.subjects) QVERIFY(!sub.accessories.empty() || !sub.action.empty());
        break;
      case pp::Subset::Three:
      case pp::Subset::Four:
        QVERIFY(target.background != source.background);
        break;
    }
    // Instructions name every category and describe no looks.
    for (const auto& c : s.categories) QVERIFY2(s.instruction.find(c) != std::string::npos, s.instruction.c_str());
    for (const char* look : {"small", "large", "red", "blue"}) QVERIFY(s.instruction.find(look) == std::string::npos);
    // Provenance: provider and seed per stage; scores per subject.
    for (const char* stage : {"plan", "prompt_writer", "t2i", "detector", "single_subject", "editor", "captioner"}) {
      QVERIFY2(s.provenance.contains(stage), stage);
      QVERIFY(s.provenance[stage].at("provider").is_string());
      QVERIFY(s.provenance[stage].at("seed").is_number_unsigned());
    }
    QCOMPARE(s.scores.at("consistency").size(), n);
    QCOMPARE(s.scores.at("detector_confidence").size(), n);
    QCOMPARE(s.scores.at("copy_paste").size(), n);
    double lowest = 1.0;
    for (double c : s.scores["consistency"]) lowest = std::min(lowest, c);
    QCOMPARE(s.consistency, lowest);
    QVERIFY(s.consistency >= pp::FilterThresholds{}.minConsistency);
    // References: the identity alone, in another context than the target.
    for (std::size_t i = 0; i < n; ++i) {
      const w::Scene ref = w::sceneFromJson(s.referenceScenes[i]);
      QCOMPARE(int(ref.subjects.size()), 1);
      QCOMPARE(ref.subjects[0].identity, target.subjects[i].identity);
      QVERIFY(ref.background != source.background);
      QVERIFY(!s.referenceScenes[i].at("prompt").get<std::string>().empty());
    }
  }
  verifyIntegrity(*ws_);
}

void TestPipeline::allCyclesSubsetsEvenly() {
  const auto report = pp::synthesize(*ws_, spec(std::nullopt, 23, "all-subsets"));
  QCOMPARE(report.produced, 23LL);
  QCOMPARE(int(report.bySubset.size()), 7);
  for (const auto& [subset, n] : report.bySubset) QVERIFY2(n == 3 || n == 4, subset.c_str());
}

void TestPipeline::heldoutRunsUseHeldoutIdentitiesOnly() {
  for (auto [subset, split] :
       {std::pair{pp::Subset::Four, w::Split::Heldout}, std::pair{pp::Subset::Four, w::Split::Train},
        std::pair{pp::Subset::Complex, w::Split::Heldout}}) {
    auto s = spec(subset, 5, std::string("split-") + w::splitName(split) + pp::subsetName(subset));
    s.split = split;
    QCOMPARE(pp::synthesize(*ws_, s).produced, 5LL);
    for (const auto& sample : samplesOf(*ws_, s.dataset)) {
      QCOMPARE(QString::fromStdString(sample.split), QString(w::splitName(split)));
      std::vector<json> scenes = sample.referenceScenes;
      scenes.push_back(sample.scene);
      scenes.push_back(sample.scene["source"]);
      for (const auto& scene : scenes) {
        for (const auto& sub : w::sceneFromJson(scene).subjects)
          QCOMPARE(catalog_.findIdentity(sub.identity)->split, split);
      }
    }
  }
}

void TestPipeline::rejectReasonsAreCounted() {
  struct Case {
    std::function<pp::ProviderSet(const w::WorldCatalog&)> make;
    const char* reason;
  };
  const Case cases[] = {
      {leakyProviders, "copy_paste"}, {inconsistentProviders, "consistency"}, {unsureProviders, "detector_confidence"}};
  for (const auto& c : cases) {
    auto s = spec(pp::Subset::Background, 3, std::string("rejects-") + c.reason);
    s.maxAttempts = 10;
    s.providers = [&] { return c.make(catalog_); };
    const auto report = pp::synthesize(*ws_, s);
    QCOMPARE(QString::fromStdString(report.state), QStringLiteral("failed"));
    QVERIFY2(report.message.find("rejected too many") != std::string::npos, report.message.c_str());
    QCOMPARE(report.produced, 0LL);
    QCOMPARE(report.attempted, 10LL);
    QCOMPARE(int(report.rejects.size()), 1);
    QCOMPARE(report.rejects.at(c.reason), 10LL);
    auto row = ws_->db().prepare("SELECT rejects, state FROM synth_runs WHERE id = ?");
    row.bind(1, std::int64_t(report.runId));
    QVERIFY(row.step());
    QCOMPARE(json::parse(row.columnText(0)).at(c.reason).get<long long>(), 10LL);
    QCOMPARE(QString::fromStdString(row.columnText(1)), QStringLiteral("failed"));
  }
  // A working pair of references never looks like a paste: the built-in world's similarity stays low.
  for (const auto& sample : samplesOf(*ws_, "edit-background")) {
    for (double v : sample.scores["copy_paste"]) QVERIFY(v < pp::FilterThresholds{}.maxCopyPaste);
  }
}

void TestPipeline::repeatedSeedsAreDuplicates() {
  const auto first = pp::synthesize(*ws_, spec(pp::Subset::Attribute, 5, "dupes", 42));
  QCOMPARE(first.produced, 5LL);
  const auto second = pp::synthesize(*ws_, spec(pp::Subset::Attribute, 5, "dupes", 42));
  QCOMPARE(second.produced, 5LL);
  QVERIFY(second.rejects.count("duplicate"));
  QVERIFY(second.rejects.at("duplicate") >= first.produced - (long long)first.rejects.size());
  QCOMPARE(ws_->db().queryInt("SELECT count(*) - count(DISTINCT content_hash) FROM samples s JOIN datasets d ON d.id = "
                              "s.dataset_id WHERE d.name = 'dupes'"),
           std::int64_t(0));
}

void TestPipeline::threadsDoNotChangeResults() {
  auto one = spec(std::nullopt, 14, "threads-1", 5);
  one.threads = 1;
  auto two = spec(std::nullopt, 14, "threads-2", 5);
  two.threads = 2;
  pp::synthesize(*ws_, one);
  pp::synthesize(*ws_, two);
  const auto a = samplesOf(*ws_, "threads-1"), b = samplesOf(*ws_, "threads-2");
  QCOMPARE(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    QCOMPARE(a[i].seq, b[i].seq);
    QCOMPARE(a[i].instruction, b[i].instruction);
    QCOMPARE(a[i].sceneText, b[i].sceneText);
  }
}

void TestPipeline::cancelCommitsAndResumes() {
  psr::CancellationToken cancel;
  auto s = spec(std::nullopt, 20, "cancelled", 9);
  const auto stopped = pp::synthesize(
      *ws_, s, [&](const psr::Progress&) { cancel.cancel(); }, cancel);
  QCOMPARE(QString::fromStdString(stopped.state), QStringLiteral("cancelled"));
  QVERIFY(stopped.produced > 0 && stopped.produced < 20);
  QCOMPARE(stopped.attempted, 8LL);  // exactly one batch committed
  s.resumeRun = stopped.runId;
  const auto resumed = pp::synthesize(*ws_, s);
  QCOMPARE(QString::fromStdString(resumed.state), QStringLiteral("finished"));
  QCOMPARE(resumed.produced, 20LL);
  QCOMPARE(int(samplesOf(*ws_, "cancelled").size()), 20);
  // Resuming a finished run does nothing.
  QCOMPARE(pp::synthesize(*ws_, s).producedNow, 0LL);
  verifyIntegrity(*ws_);
}

void TestPipeline::killedRunResumesIdentically() {
  const fs::path dir = dir_ / "kill";
  auto ws = makePipelineWorkspace(dir);
  const QString wsDir = QString::fromStdString((dir / "ws").string());
  const QStringList common = {"-w", wsDir, "data", "synth"};
  const QStringList fresh = {"--subset", "all", "--count", "240", "--seed", "7", "--batch-size", "8"};
  const CliResult straight = runPsr(common + fresh + QStringList{"--dataset", "straight", "--json"});
  QVERIFY2(straight.code == 0, qPrintable(straight.err));
  QCOMPARE(json::parse(straight.out.toStdString()).at("produced").get<long long>(), 240LL);

  auto producedOfKilledRun = [&](long long& runId) {
    auto st = ws->db().prepare(
        "SELECT r.id, r.produced FROM synth_runs r JOIN datasets d ON d.id = r.dataset_id WHERE d.name = 'killed'");
    if (!st.step()) return -1LL;
    runId = st.columnInt(0);
    return (long long)st.columnInt(1);
  };
  long long runId = 0;
  int kills = 0;
  for (int round = 0; round < 4; ++round) {
    QProcess p;
    p.start(PSR_CLI_PATH, common + (runId == 0 ? fresh + QStringList{"--dataset", "killed"}
                                               : QStringList{"--resume", QString::number(runId)}));
    QVERIFY(p.waitForStarted());
    const long long threshold = 40LL * (round + 1);
    while (p.state() == QProcess::Running && producedOfKilledRun(runId) < threshold) QThread::msleep(2);
    QThread::msleep(std::uint64_t(round * 7 % 11));  // land inside a batch as well as between batches
    if (p.state() == QProcess::Running) {
      p.kill();  // SIGKILL: no handler, no clean-up
      ++kills;
    }
    p.waitForFinished();
    ws->db().exec("PRAGMA wal_checkpoint(PASSIVE)");
    verifyIntegrity(*ws);
  }
  QVERIFY2(kills >= 3, qPrintable(QString::number(kills)));
  const CliResult resumed = runPsr(common + QStringList{"--resume", QString::number(runId), "--json"});
  QVERIFY2(resumed.code == 0, qPrintable(resumed.err));
  const json report = json::parse(resumed.out.toStdString());
  QCOMPARE(report.at("produced").get<long long>(), 240LL);
  QCOMPARE(QString::fromStdString(report.at("state").get<std::string>()), QStringLiteral("finished"));
  verifyIntegrity(*ws);

  const auto a = samplesOf(*ws, "straight"), b = samplesOf(*ws, "killed");
  QCOMPARE(int(b.size()), 240);
  QCOMPARE(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    QCOMPARE(a[i].seq, b[i].seq);
    QCOMPARE(a[i].instruction, b[i].instruction);
    QCOMPARE(a[i].sceneText, b[i].sceneText);
    QCOMPARE(a[i].categories, b[i].categories);
  }
  QCOMPARE(ws->db().queryInt("SELECT count(DISTINCT attempted) FROM synth_runs"), std::int64_t(1));
}

void TestPipeline::shardsAreReadable() {
  pp::ShardExportOptions o;
  o.outDir = dir_ / "shards";
  o.dataset = "all-subsets";
  o.shardSize = 10;
  const auto report = pp::exportShards(*ws_, o);
  QCOMPARE(report.samples, 23LL);
  QCOMPARE(report.shards, 3LL);
  long long seen = 0;
  for (int i = 0; i < 3; ++i) {
    const psr::io::SafetensorsReader r(o.outDir / ("shard-0000" + std::to_string(i) + ".safetensors"));
    const auto& target = r.at("target");
    const std::int64_t n = target.shape.at(0);
    QCOMPARE(n, i < 2 ? std::int64_t(10) : std::int64_t(3));
    QCOMPARE(target.dtype, psr::io::DType::U8);
    QCOMPARE(target.shape, (std::vector<std::int64_t>{n, 64, 64, 3}));
    QCOMPARE(r.at("references").shape, (std::vector<std::int64_t>{n, 4, 64, 64, 3}));
    QCOMPARE(r.at("references").dtype, psr::io::DType::U8);
    QCOMPARE(r.at("reference_mask").shape, (std::vector<std::int64_t>{n, 4}));
    const auto& offsets = r.at("instruction_offsets");
    QCOMPARE(offsets.dtype, psr::io::DType::I64);
    QCOMPARE(offsets.shape, (std::vector<std::int64_t>{n + 1}));
    const json meta = json::parse(r.metadata().at("samples"));
    QCOMPARE(QString::fromStdString(r.metadata().at("format")), QStringLiteral("psr-shard-v1"));
    QCOMPARE(std::int64_t(meta.size()), n);
    const auto* off = reinterpret_cast<const std::int64_t*>(offsets.data);
    const auto* text = reinterpret_cast<const char*>(r.at("instruction").data);
    const auto* mask = reinterpret_cast<const std::uint8_t*>(r.at("reference_mask").data);
    for (std::int64_t k = 0; k < n; ++k) {
      QCOMPARE(std::string(text + off[k], std::size_t(off[k + 1] - off[k])),
               meta[std::size_t(k)].at("instruction").get<std::string>());
      int refs = 0;
      for (int slot = 0; slot < 4; ++slot) refs += mask[k * 4 + slot];
      QCOMPARE(refs, int(meta[std::size_t(k)].at("categories").size()));
    }
    seen += n;
  }
  QCOMPARE(seen, 23LL);
}

void TestPipeline::psrBenchLayoutIsOfficial() {
  const fs::path out = dir_ / "psrbench";
  const CliResult r = runPsr({"-w", QString::fromStdString(ws_->dir().string()), "data", "export", "psrbench", "--out",
                              QString::fromStdString(out.string()), "--dataset", "split-heldoutfour"});
  QVERIFY2(r.code == 0, qPrintable(r.err));
  for (pp::Subset subset : pp::kAllSubsets) {
    std::ifstream in(out / (std::string(pp::subsetTitle(subset)) + ".json"));
    QVERIFY(in.good());
    const json items = json::parse(in);
    QVERIFY(items.is_array());
    QCOMPARE(int(items.size()), subset == pp::Subset::Four ? 5 : 0);
    for (const auto& item : items) {
      QVERIFY(item.at("instruction").is_string());
      QCOMPARE(int(item.at("input_path").size()), 4);
      for (const auto& path : item["input_path"]) {
        QVERIFY(fs::path(path.get<std::string>()).is_relative());
        QVERIFY2(fs::exists(out / path.get<std::string>()), path.get<std::string>().c_str());
      }
      for (int k = 1; k <= 4; ++k) {
        const std::string noun = item.at("category" + std::to_string(k)).get<std::string>();
        QVERIFY(item["instruction"].get<std::string>().find(noun) != std::string::npos);
      }
    }
  }
}

void TestPipeline::badInputIsRefused() {
  QCOMPARE(failureOf([&] { pp::parseSubset("colour"); }).first, ErrorCode::InvalidArgument);
  QCOMPARE(failureOf([&] { pp::synthesize(*ws_, spec(pp::Subset::Action, 0, "bad")); }).first,
           ErrorCode::InvalidArgument);
  QCOMPARE(failureOf([&] { pp::synthesize(*ws_, spec(pp::Subset::Action, -4, "bad")); }).first,
           ErrorCode::InvalidArgument);
  pp::ShardExportOptions noShards;
  noShards.outDir = dir_ / "no-shards";
  noShards.dataset = "nothing";
  QCOMPARE(failureOf([&] { pp::exportShards(*ws_, noShards); }).first, ErrorCode::NotFound);
  QVERIFY(!fs::exists(noShards.outDir));
  pp::PsrBenchExportOptions noBench;
  noBench.outDir = dir_ / "no-bench";
  noBench.dataset = "nothing";
  QCOMPARE(failureOf([&] { pp::exportPsrBench(*ws_, noBench); }).first, ErrorCode::NotFound);
  QVERIFY(!fs::exists(noBench.outDir));
  auto resume = spec(std::nullopt, 1, "bad");
  resume.resumeRun = 9999;
  QCOMPARE(failureOf([&] { pp::synthesize(*ws_, resume); }).first, ErrorCode::NotFound);

  const fs::path dir = dir_ / "no-heldout";
  auto ws = makePipelineWorkspace(dir, /*heldout=*/false);
  auto heldout = spec(pp::Subset::Attribute, 3, "bad");
  heldout.split = w::Split::Heldout;
  const auto [code, message] = failureOf([&] { pp::synthesize(*ws, heldout); });
  QCOMPARE(code, ErrorCode::InvalidArgument);
  QVERIFY2(message.find("no heldout identities") != std::string::npos, message.c_str());

  const QString wsDir = QString::fromStdString((dir / "ws").string());
  const struct {
    QStringList args;
    int code;
    const char* says;
  } cli[] = {
      {{"--subset", "colour", "--count", "5"}, 2, "unknown subset 'colour'"},
      {{"--subset", "attribute", "--count", "0"}, 2, "--count must be a positive"},
      {{"--subset", "attribute", "--count", "-3"}, 2, "--count must be a positive"},
      {{"--subset", "attribute"}, 2, "--count must be a positive"},
      {{"--count", "5"}, 2, "--subset is required"},
      {{"--subset", "four", "--count", "5", "--split", "heldout"}, 2, "no heldout identities"},
      {{"--subset", "four", "--count", "5", "--split", "both"}, 2, "--split must be train or heldout"},
      {{"--resume", "77"}, 3, "run 77 does not exist"},
  };
  for (const auto& c : cli) {
    const CliResult r = runPsr(QStringList{"-w", wsDir, "data", "synth"} + c.args);
    QVERIFY2(r.code == c.code, qPrintable(c.args.join(' ') + " -> " + QString::number(r.code) + " " + r.err));
    QVERIFY2(r.err.contains(c.says), qPrintable(r.err));
  }
  QCOMPARE(ws->db().queryInt("SELECT count(*) FROM synth_runs"), std::int64_t(0));
  QCOMPARE(ws->db().queryInt("SELECT count(*) FROM samples"), std::int64_t(0));
}

// The task mix of RL prompts: draws follow the weights whatever the JSON key order, a zero
// weight is never drawn, and bad mixes are refused with what is wrong.
void TestPipeline::subsetMixDrawsByWeight() {
  const auto mix = pp::SubsetMix::fromJson({{"four", 0.25}, {"position", 0.0}, {"attribute", 0.75}});
  QCOMPARE(mix.weights.front().first, pp::Subset::Attribute);  // PSRBench order
  QCOMPARE(mix.toJson(), nlohmann::json({{"attribute", 0.75}, {"position", 0.0}, {"four", 0.25}}));
  std::map<pp::Subset, int> drawn;
  const int n = 4000;
  for (int i = 0; i < n; ++i) ++drawn[mix.pick((i + 0.5) / n)];
  QCOMPARE(drawn[pp::Subset::Attribute], 3000);
  QCOMPARE(drawn[pp::Subset::Four], 1000);
  QCOMPARE(drawn.count(pp::Subset::Position), std::size_t(0));
  QCOMPARE(mix.pick(1.0), pp::Subset::Four);  // a draw rounded up to 1 stays inside

  const struct {
    nlohmann::json mix;
    const char* says;
  } bad[] = {
      {nlohmann::json::array({"attribute"}), "must be an object"},
      {{{"colour", 1.0}}, "unknown subset 'colour'"},
      {{{"action", -0.5}}, "non-negative number"},
      {{{"action", "half"}}, "non-negative number"},
      {{{"action", 0.0}, {"four", 0.0}}, "no positive weight"},
      {nlohmann::json::object(), "no positive weight"},
      {{{"action", std::numeric_limits<double>::infinity()}}, "finite non-negative number"},
      {{{"action", 1e308}, {"four", 1e308}}, "too large to sum"},
  };
  for (const auto& b : bad) {
    const auto [code, message] = failureOf([&] { pp::SubsetMix::fromJson(b.mix); });
    QCOMPARE(code, ErrorCode::InvalidArgument);
    QVERIFY2(message.find(b.says) != std::string::npos, message.c_str());
  }
}

QTEST_GUILESS_MAIN(TestPipeline)
#include "test_pipeline.moc"
