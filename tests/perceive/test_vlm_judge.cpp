// The PSRBench VLM judge over the OpenAI-compatible client, against a scripted loopback server
// (the openai tests' server): rubric and image in the request, temperature 0.2, parsed and
// unparsed answers, server errors and timeouts.
#include <QtTest>

#include <chrono>

#include <nlohmann/json.hpp>

#include "../openai/loopback_server.h"
#include "common/error.h"
#include "openai/judge_rubric.h"
#include "openai/openai_client.h"

using namespace std::chrono_literals;
using psr::openai::JudgeRequest;
using psr::openai::OpenAiClient;
using psr::openai::OpenAiConfig;
using psr::openai::VlmJudge;
using Reply = LoopbackServer::Reply;

namespace {

Reply answer(const std::string& content) {
  const nlohmann::json body{{"choices", {{{"index", 0}, {"message", {{"role", "assistant"}, {"content", content}}}}}}};
  return {200, {{"Content-Type", "application/json"}}, body.dump(), 0ms};
}

std::shared_ptr<OpenAiClient> clientFor(const LoopbackServer& server) {
  return std::make_shared<OpenAiClient>(OpenAiConfig::fromJson({{"base_url", server.baseUrl()},
                                                                {"model", "qwen2.5-vl"},
                                                                {"api_key_env", "PSR_TEST_NO_KEY"},
                                                                {"timeout_s", 1},
                                                                {"connect_timeout_s", 1},
                                                                {"max_retries", 1},
                                                                {"retry_backoff_s", 0.01}}));
}

JudgeRequest request(const std::string& subset = "position") {
  return {subset, "The crab is to the left of the teapot.", {0x89, 'P', 'N', 'G', 1, 2, 3}};
}

}  // namespace

class TestVlmJudge : public QObject {
  Q_OBJECT

 private slots:
  void scoresAndSendsTheProtocol() {
    LoopbackServer server(LoopbackServer::script({answer("[Thought]: The crab is left. [Score]: 8")}));
    VlmJudge judge(clientFor(server));
    const auto v = judge.judge(request(), {});
    QVERIFY(v.score.parsed);
    QCOMPARE(v.score.score, 0.8);
    QCOMPARE(judge.unparsedCount(), std::uint64_t(0));
    const auto body = nlohmann::json::parse(server.requests().at(0).body);
    QCOMPARE(body.at("temperature").get<double>(), 0.2);
    const std::string text = body.dump();
    QVERIFY(text.find("spatial relation") != std::string::npos);            // the position rubric
    QVERIFY(text.find("data:image/png;base64,") != std::string::npos);     // the image as a data URL
    QVERIFY(text.find("to the left of the teapot") != std::string::npos);  // the instruction
  }

  void unparsedAnswersScoreFiveAndAreCounted() {
    LoopbackServer server(LoopbackServer::script({answer("I cannot tell."), answer("garbage \x01 {{")}));
    VlmJudge judge(clientFor(server));
    for (int i = 0; i < 2; ++i) {
      const auto v = judge.judge(request("attribute"), {});
      QVERIFY(!v.score.parsed);
      QCOMPARE(v.score.score, 0.5);
    }
    QCOMPARE(judge.unparsedCount(), std::uint64_t(2));
  }

  void serverErrorsAndTimeoutsThrow() {
    LoopbackServer failing(LoopbackServer::script({{500, {}, "{\"error\":\"boom\"}", 0ms}}));
    VlmJudge a(clientFor(failing));
    QVERIFY_THROWS_EXCEPTION(psr::Error, a.judge(request(), {}));
    QCOMPARE(int(failing.requests().size()), 2);  // the first try and one retry
    LoopbackServer slow(LoopbackServer::script({[] {
      auto r = answer("[Score]: 9");
      r.delay = 3s;
      return r;
    }()}));
    VlmJudge b(clientFor(slow));
    QVERIFY_THROWS_EXCEPTION(psr::Error, b.judge(request(), {}));
  }

  void rubricsCoverEverySubset() {
    for (const char* s : {"attribute", "action", "background", "position", "complex", "three", "Four"}) {
      QVERIFY(psr::openai::judgeRubric(s).find("[Score]:") != std::string::npos);
    }
    QVERIFY_THROWS_EXCEPTION(psr::Error, psr::openai::judgeRubric("colour"));
    LoopbackServer server(LoopbackServer::script({answer("[Score]: 1")}));
    VlmJudge judge(clientFor(server));
    QVERIFY_THROWS_EXCEPTION(psr::Error, judge.judge({"position", "x", {}}, {}));
  }
};

QTEST_GUILESS_MAIN(TestVlmJudge)
#include "test_vlm_judge.moc"
