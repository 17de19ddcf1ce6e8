// `psr bench run --judge openai`: the openai plugin's VLM judge as the benchmark's semantic scorer,
// against the openai tests' scripted loopback server, on the hermetic fixture world with tiny
// perception models and the oracle (no generation), 2 samples of 2 subsets. The judge comes from
// the built plugin through the registry, as the CLI gets it. Checks the stored values and the
// recorded scorer, unparsed answers (0.5, flagged, counted), transport failures (reported per
// item, the rest scored, a re-run asks the judge again for those only), cancellation, the report,
// and the CLI end to end.
// LibTorch before Qt: Qt's `slots` macro breaks LibTorch headers included after it.
#include "bench_fixture.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <chrono>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "../openai/loopback_server.h"
#include "bench/bench_report.h"
#include "bench/bench_runner.h"
#include "bench/bench_suite.h"
#include "bench/semantic_judge.h"
#include "common/error.h"
#include "common/logging.h"
#include "plugin/plugin_loader.h"
#include "store/workspace.h"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace psr;
using namespace std::chrono_literals;
using Reply = LoopbackServer::Reply;

namespace {

Reply answer(const std::string& content) {
  const json body{{"choices", {{{"index", 0}, {"message", {{"role", "assistant"}, {"content", content}}}}}}};
  return {200, {{"Content-Type", "application/json"}}, body.dump(), 0ms};
}

/// What a judge request asked: the rubric, the instruction and the image (base64).
struct Asked {
  std::string rubric, instruction, imageBase64;
};

Asked asked(const LoopbackServer::Request& request) {
  Asked a;
  const auto body = json::parse(request.body);
  for (const auto& message : body.at("messages")) {
    const auto& content = message.at("content");
    if (message.at("role") == "system") {
      a.rubric = content.get<std::string>();  // a lone text part goes out as a plain string
      continue;
    }
    for (const auto& part : content) {
      const std::string type = part.value("type", "text");
      if (type == "text") a.instruction = part.at("text").get<std::string>().substr(std::string("Instruction: ").size());
      if (type == "image_url") {
        const auto url = part.at("image_url").at("url").get<std::string>();
        a.imageBase64 = url.substr(url.find(',') + 1);
      }
    }
  }
  return a;
}

/// The position rubric asks about the spatial relation (plugins/openai/judge_rubric.cpp).
bool asksPosition(const LoopbackServer::Request& r) { return asked(r).rubric.find("spatial relation") != std::string::npos; }

json judgeConfig(const LoopbackServer& server, double timeoutS = 1, const std::string& model = "judge-test") {
  return {{"base_url", server.baseUrl()}, {"model", model},     {"api_key_env", "PSR_TEST_NO_KEY"},
          {"timeout_s", timeoutS},        {"connect_timeout_s", 1}, {"max_retries", 1},
          {"retry_backoff_s", 0.01}};
}

}  // namespace

class TestBenchJudge : public QObject {
  Q_OBJECT

  QTemporaryDir tmp_;
  fs::path dir_;
  BenchWorld world_;
  plugin::Registry registry_{logger()};
  bench::Suite suite_;
  std::vector<const bench::SuiteItem*> items_;  // the 4 samples the runs use

  std::shared_ptr<bench::SemanticJudge> judgeFor(const LoopbackServer& server, double timeoutS = 1,
                                                 const std::string& model = "judge-test") {
    return registry_.create<bench::SemanticJudge>("openai", judgeConfig(server, timeoutS, model));
  }

  bench::RunOptions options(const std::string& label, std::shared_ptr<bench::SemanticJudge> judge) {
    bench::RunOptions o;
    o.model = "oracle";
    o.label = label;
    o.subsets = {pipeline::Subset::Attribute, pipeline::Subset::Position};
    o.batch = 4;
    o.judge = std::move(judge);
    return o;
  }

  /// sample id -> stored value of `metric` for `label` (seed 0).
  std::map<std::int64_t, double> values(const std::string& label, const std::string& metric) {
    std::map<std::int64_t, double> out;
    auto q = world_.ws->db().prepare(
        "SELECT b.sample_id, b.value FROM bench_results b JOIN bench_runs r ON r.id = b.run_id "
        "WHERE r.label = ? AND b.metric = ?");
    q.bind(1, std::string_view(label)).bind(2, std::string_view(metric));
    while (q.step()) out[q.columnInt(0)] = q.columnDouble(1);
    return out;
  }

  std::set<std::int64_t> outputErrors(const std::string& label) {
    std::set<std::int64_t> out;
    auto q = world_.ws->db().prepare(
        "SELECT o.sample_id FROM bench_outputs o JOIN bench_runs r ON r.id = o.run_id "
        "WHERE r.label = ? AND o.error IS NOT NULL");
    q.bind(1, std::string_view(label));
    while (q.step()) out.insert(q.columnInt(0));
    return out;
  }

  const bench::SuiteItem& itemOf(pipeline::Subset subset) {
    for (const auto* item : items_) {
      if (item->subset == subset) return *item;
    }
    throw std::logic_error("no item of that subset");
  }

 private slots:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    dir_ = fs::path(tmp_.path().toStdString());
    world_ = makeBenchWorld(dir_);
    bench::SuiteOptions so;
    so.samples = 2;
    so.seed = 77;
    suite_ = bench::createSuite(*world_.ws, *world_.catalog, so);
    items_ = suite_.select({pipeline::Subset::Attribute, pipeline::Subset::Position});
    QCOMPARE(items_.size(), std::size_t(4));
    std::set<std::string> instructions;
    for (const auto* item : items_) instructions.insert(item->instruction);
    QCOMPARE(instructions.size(), std::size_t(4));  // the server tells samples apart by instruction
    // The judge comes from the built plugin, registered for the benchmark's interface.
    const auto loaded = plugin::loadPlugins({PSR_OPENAI_PLUGIN_DIR}, registry_);
    bool openai = false;
    for (const auto& p : loaded) openai = openai || (p.name == "openai" && p.error.empty());
    QVERIFY(openai);
    QCOMPARE(registry_.names<bench::SemanticJudge>(), std::vector<std::string>{"openai"});
  }

  void judgeScoresAreStoredAsSemantic() {
    LoopbackServer server(LoopbackServer::script({answer("[Thought]: Everything holds. [Score]: 8")}));
    auto judge = judgeFor(server);
    QVERIFY(judge);
    QCOMPARE(judge->name(), std::string("openai:judge-test"));
    const auto r = bench::runBench(*world_.ws, suite_, *world_.perception, options("judged", judge));
    QCOMPARE(r["computed"].get<long long>(), 4LL);
    QCOMPARE(r["failed"].get<long long>(), 0LL);
    QCOMPARE(r["semantic_scorer"].get<std::string>(), std::string("judge:openai:judge-test"));
    QCOMPARE(r["judge"], json({{"judged", 4}, {"failed", 0}, {"unparsed", 0}}));
    QCOMPARE(r["runs"][0]["judge"]["unparsed_samples"], json::array());
    const auto semantic = values("judged", "semantic");
    QCOMPARE(semantic.size(), std::size_t(4));
    for (const auto& [sample, v] : semantic) QCOMPARE(v, 0.8);
    QCOMPARE(values("judged", "psr").size(), std::size_t(4));
    QCOMPARE(values("judged", "aesthetic").size(), std::size_t(4));
    // One request per sample, with its instruction, its subset's rubric and the stored image.
    const auto requests = server.requests();
    QCOMPARE(requests.size(), std::size_t(4));
    for (const auto* item : items_) {
      bool found = false;
      for (const auto& req : requests) {
        const auto a = asked(req);
        if (a.instruction != item->instruction) continue;
        found = true;
        QCOMPARE(asksPosition(req), item->subset == pipeline::Subset::Position);
        QCOMPARE(a.imageBase64, bench::base64(world_.ws->blobs().read(item->oracleBlob)));
      }
      QVERIFY2(found, item->instruction.c_str());
    }
    // The scorer is part of the label's settings: no continuing it with another scorer, on any seed.
    QVERIFY_THROWS_EXCEPTION(Error, bench::runBench(*world_.ws, suite_, *world_.perception, options("judged", nullptr)));
    QVERIFY_THROWS_EXCEPTION(
        Error, bench::runBench(*world_.ws, suite_, *world_.perception, options("judged", judgeFor(server, 1, "other-model"))));
    auto laterSeed = options("judged", nullptr);
    laterSeed.firstSeed = 1;
    QVERIFY_THROWS_EXCEPTION(Error, bench::runBench(*world_.ws, suite_, *world_.perception, laterSeed));
    const auto builtin = bench::runBench(*world_.ws, suite_, *world_.perception, options("builtin", nullptr));
    QCOMPARE(builtin["semantic_scorer"].get<std::string>(), std::string("builtin"));
    QVERIFY(!builtin.contains("judge"));
    QVERIFY_THROWS_EXCEPTION(Error, bench::runBench(*world_.ws, suite_, *world_.perception, options("builtin", judge)));
    QCOMPARE(server.requests().size(), std::size_t(4));  // refused before asking anything
    // The report says whose semantic values each label holds.
    bench::ReportOptions ro;
    ro.models = {"judged", "builtin"};
    ro.bootstrap = 50;
    const auto report = bench::benchReport(*world_.ws, ro);
    QCOMPARE(report["results"]["judged"]["semantic_scorer"].get<std::string>(), std::string("judge:openai:judge-test"));
    QCOMPARE(report["results"]["builtin"]["semantic_scorer"].get<std::string>(), std::string("builtin"));
    QCOMPARE(report["results"]["judged"]["overall"]["semantic"]["mean"].get<double>(), 0.8);
    QVERIFY(bench::benchReportHtml(*world_.ws, report).find("judged — judge:openai:judge-test") != std::string::npos);
  }

  void unparsedAnswersScoreHalfAndAreFlagged() {
    LoopbackServer server([](const LoopbackServer::Request& req) {
      return asksPosition(req) ? answer("I cannot tell from this image.") : answer("[Score]: 8");
    });
    const auto r = bench::runBench(*world_.ws, suite_, *world_.perception, options("garbled", judgeFor(server)));
    QCOMPARE(r["computed"].get<long long>(), 4LL);  // an unparsed answer is a value, not a failure
    QCOMPARE(r["failed"].get<long long>(), 0LL);
    QCOMPARE(r["judge"]["unparsed"].get<long long>(), 2LL);
    std::set<std::int64_t> position;
    for (const auto* item : items_) {
      if (item->subset == pipeline::Subset::Position) position.insert(item->id);
    }
    QCOMPARE(r["runs"][0]["judge"]["unparsed_samples"].get<std::set<std::int64_t>>(), position);
    for (const auto& [sample, v] : values("garbled", "semantic")) QCOMPARE(v, position.count(sample) ? 0.5 : 0.8);
    // The flag keeps the answer, for a person to see why.
    auto q = world_.ws->db().prepare("SELECT config FROM bench_runs WHERE label = 'garbled'");
    QVERIFY(q.step());
    const auto stored = json::parse(q.columnText(0));
    QCOMPARE(stored["semantic_unparsed"][std::to_string(*position.begin())].get<std::string>(),
             std::string("I cannot tell from this image."));
    // A re-run computes nothing and still reports the stored flags; so does the report.
    const auto again = bench::runBench(*world_.ws, suite_, *world_.perception, options("garbled", judgeFor(server)));
    QCOMPARE(again["computed"].get<long long>(), 0LL);
    QCOMPARE(again["judge"]["unparsed"].get<long long>(), 2LL);
    QCOMPARE(server.requests().size(), std::size_t(4));
    bench::ReportOptions ro;
    ro.models = {"garbled"};
    ro.bootstrap = 20;
    QCOMPARE(bench::benchReport(*world_.ws, ro)["results"]["garbled"]["semantic_unparsed"].get<long long>(), 2LL);
  }

  void transportFailuresAreFilledByARerun() {
    const std::string failing = itemOf(pipeline::Subset::Attribute).instruction;  // 500 after the retry
    const std::string slow = itemOf(pipeline::Subset::Position).instruction;      // past the 1 s timeout
    auto recovered = std::make_shared<std::atomic<bool>>(false);
    LoopbackServer server([failing, slow, recovered](const LoopbackServer::Request& req) {
      if (recovered->load()) return answer("[Score]: 8");
      const auto instruction = asked(req).instruction;
      if (instruction == failing) return Reply{500, {}, "{\"error\":\"boom\"}", 0ms};
      if (instruction == slow) {
        auto r = answer("[Score]: 9");
        r.delay = 3s;
        return r;
      }
      return answer("[Score]: 7");
    });
    auto judge = judgeFor(server);
    const auto r = bench::runBench(*world_.ws, suite_, *world_.perception, options("flaky", judge));
    QCOMPARE(r["computed"].get<long long>(), 2LL);
    QCOMPARE(r["failed"].get<long long>(), 2LL);
    QCOMPARE(r["judge"]["failed"].get<long long>(), 2LL);
    QCOMPARE(r["judge"]["judged"].get<long long>(), 2LL);
    const std::set<std::int64_t> bad = {itemOf(pipeline::Subset::Attribute).id, itemOf(pipeline::Subset::Position).id};
    std::set<std::int64_t> reported;
    for (const auto& e : r["runs"][0]["errors"]) {
      reported.insert(e["sample_id"].get<std::int64_t>());
      QVERIFY2(e["error"].get<std::string>().rfind("semantic judge: ", 0) == 0, e["error"].dump().c_str());
    }
    QCOMPARE(reported, bad);
    // PSR and aesthetic are stored for every sample; semantic for the others only (0.7).
    const auto psrBefore = values("flaky", "psr");
    QCOMPARE(psrBefore.size(), std::size_t(4));
    QCOMPARE(values("flaky", "aesthetic").size(), std::size_t(4));
    auto semantic = values("flaky", "semantic");
    QCOMPARE(semantic.size(), std::size_t(2));
    for (const auto& [sample, v] : semantic) {
      QVERIFY(!bad.count(sample));
      QCOMPARE(v, 0.7);
    }
    QCOMPARE(outputErrors("flaky"), bad);
    bench::ReportOptions ro;
    ro.models = {"flaky"};
    ro.bootstrap = 20;
    QCOMPARE(bench::benchReport(*world_.ws, ro)["results"]["flaky"]["failed"].get<long long>(), 2LL);

    // The server recovers: a re-run asks the judge about the two missing samples only.
    recovered->store(true);
    const std::size_t asks = server.requests().size();
    long long total = -1;
    auto o = options("flaky", judge);
    o.progress = [&](long long, long long t) { total = t; };
    const auto again = bench::runBench(*world_.ws, suite_, *world_.perception, o);
    QCOMPARE(total, 2LL);
    QCOMPARE(again["computed"].get<long long>(), 2LL);
    QCOMPARE(again["skipped"].get<long long>(), 2LL);
    QCOMPARE(again["failed"].get<long long>(), 0LL);
    QCOMPARE(server.requests().size(), asks + 2);
    semantic = values("flaky", "semantic");
    QCOMPARE(semantic.size(), std::size_t(4));
    for (const auto& [sample, v] : semantic) QCOMPARE(v, bad.count(sample) ? 0.8 : 0.7);
    QCOMPARE(values("flaky", "psr"), psrBefore);  // not recomputed
    QCOMPARE(outputErrors("flaky"), std::set<std::int64_t>{});
    QCOMPARE(bench::runBench(*world_.ws, suite_, *world_.perception, options("flaky", judge))["computed"].get<long long>(), 0LL);
  }

  void cancelStopsAJudgeCall() {
    CancellationToken cancel;
    LoopbackServer server([cancel](const LoopbackServer::Request&) {
      cancel.cancel();  // as SIGINT would, while the judge waits for this answer
      auto r = answer("[Score]: 8");
      r.delay = 10s;
      return r;
    });
    auto o = options("cancelled", judgeFor(server, 30));
    o.cancel = cancel;
    const auto start = std::chrono::steady_clock::now();
    try {
      bench::runBench(*world_.ws, suite_, *world_.perception, o);
      QFAIL("the run was not cancelled");
    } catch (const Error& e) {
      QCOMPARE(e.code(), ErrorCode::Cancelled);
    }
    QVERIFY(std::chrono::steady_clock::now() - start < 5s);  // the 10 s answer was not awaited
    QCOMPARE(server.requests().size(), std::size_t(1));
    QCOMPARE(values("cancelled", "psr").size(), std::size_t(0));  // the unfinished batch is not stored
    QCOMPARE(outputErrors("cancelled").size(), std::size_t(0));
    LoopbackServer fine(LoopbackServer::script({answer("[Score]: 6")}));
    const auto resumed = bench::runBench(*world_.ws, suite_, *world_.perception, options("cancelled", judgeFor(fine)));
    QCOMPARE(resumed["computed"].get<long long>(), 4LL);
    for (const auto& [sample, v] : values("cancelled", "semantic")) QCOMPARE(v, 0.6);
  }

  void cliRunsWithTheJudge() {
    saveTinyPerception(*world_.perception, dir_ / "perception");
    LoopbackServer server(LoopbackServer::script({answer("[Score]: 9")}));
    // One settings file may hold several roles; the judge reads its section.
    std::ofstream(dir_ / "judge.json") << json{{"judge", judgeConfig(server)}}.dump();
    const auto run = [&](const QStringList& extra) {
      QProcess p;
      auto env = QProcessEnvironment::systemEnvironment();
      env.insert("PSR_PLUGIN_PATH", PSR_OPENAI_PLUGIN_DIR);
      p.setProcessEnvironment(env);
      QStringList args = {"-w", QString::fromStdString((dir_ / "ws").string()), "bench", "run", "--model", "oracle",
                          "--suite", "builtin", "--subsets", "attribute", "--threads", "1", "--perception-models",
                          QString::fromStdString((dir_ / "perception").string()), "--json"};
      p.start(PSR_CLI_PATH, args + extra);
      p.waitForFinished(120000);
      return std::make_tuple(p.exitCode(), p.readAllStandardOutput().toStdString(), p.readAllStandardError().toStdString());
    };
    const auto [code, out, err] =
        run({"--label", "cli", "--judge", "openai", "--judge-config", QString::fromStdString((dir_ / "judge.json").string())});
    QVERIFY2(code == 0, err.c_str());
    const auto r = json::parse(out);
    QCOMPARE(r["semantic_scorer"].get<std::string>(), std::string("judge:openai:judge-test"));
    QCOMPARE(r["computed"].get<long long>(), 2LL);
    QCOMPARE(r["judge"]["judged"].get<long long>(), 2LL);
    QCOMPARE(server.requests().size(), std::size_t(2));
    for (const auto& [sample, v] : values("cli", "semantic")) QCOMPARE(v, 0.9);
    QCOMPARE(values("cli", "semantic").size(), std::size_t(2));
    // An unknown judge fails before anything runs, naming what there is.
    const auto [badCode, badOut, badErr] = run({"--label", "cli-bad", "--judge", "nosuch"});
    QCOMPARE(badCode, 2);
    QVERIFY2(badErr.find("--judge 'nosuch' is unknown; available: builtin, openai") != std::string::npos, badErr.c_str());
    QCOMPARE(world_.ws->db().queryInt("SELECT count(*) FROM bench_runs WHERE label = 'cli-bad'"), std::int64_t(0));
  }
};

QTEST_GUILESS_MAIN(TestBenchJudge)
#include "test_bench_judge.moc"
