// The OpenAI-compatible provider: base64, judge-score parsing, configuration, and the chat
// client against a scripted loopback server (success, retries, errors, cancellation, rate
// limit, threads), then the same client created through the built plugin.
#include <QElapsedTimer>
#include <QtTest>
#include <atomic>
#include <optional>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/logging.h"
#include "loopback_server.h"
#include "openai/base64.h"
#include "openai/judge_score.h"
#include "openai/openai_client.h"
#include "openai/retry_policy.h"
#include "plugin/plugin_loader.h"

using namespace std::chrono_literals;
using psr::openai::ChatMessage;
using psr::openai::OpenAiClient;
using psr::openai::OpenAiConfig;
using Reply = LoopbackServer::Reply;

namespace {

constexpr const char* kKeyEnv = "PSR_TEST_OPENAI_KEY";
constexpr const char* kKey = "sk-test-7f3a9c1e5b2d4a6f";

std::string completionBody(const std::string& content) {
  return nlohmann::json{
      {"id", "chatcmpl-1"},
      {"object", "chat.completion"},
      {"choices",
       {{{"index", 0}, {"message", {{"role", "assistant"}, {"content", content}}}, {"finish_reason", "stop"}}}}}
      .dump();
}

Reply ok(const std::string& content) {
  return {200, {{"Content-Type", "application/json"}}, completionBody(content), 0ms};
}

Reply status(int code, const std::string& body = "{}") {
  return {code, {{"Content-Type", "application/json"}}, body, 0ms};
}

// Short timeouts and backoffs keep the whole test within a few seconds.
nlohmann::json configJson(const LoopbackServer& server, const nlohmann::json& overrides = nlohmann::json::object()) {
  nlohmann::json j{{"base_url", server.baseUrl()}, {"model", "test-model"}, {"api_key_env", kKeyEnv}, {"timeout_s", 5},
                   {"connect_timeout_s", 2},       {"max_retries", 2},      {"retry_backoff_s", 0.01}};
  j.update(overrides);
  return j;
}

OpenAiConfig config(const LoopbackServer& server, const nlohmann::json& overrides = nlohmann::json::object()) {
  return OpenAiConfig::fromJson(configJson(server, overrides));
}

std::vector<ChatMessage> hello() { return {ChatMessage::user("hello")}; }

template <class F>
std::optional<psr::Error> errorOf(F&& f) {
  try {
    f();
  } catch (const psr::Error& e) {
    return e;
  }
  return std::nullopt;
}

QString codeOf(const std::optional<psr::Error>& e) { return e ? psr::errorCodeName(e->code()) : "no error"; }

const char* what(const std::optional<psr::Error>& e) { return e ? e->what() : "no error"; }

bool contains(const std::optional<psr::Error>& e, const std::string& text) {
  return e && std::string(e->what()).find(text) != std::string::npos;
}

// A port nothing listens on: bound, then closed.
int closedPort() {
  LoopbackServer probe(LoopbackServer::script({ok("")}));
  const std::string url = probe.baseUrl();
  return std::stoi(url.substr(url.rfind(':') + 1));
}

}  // namespace

class TestOpenAi : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void cleanup();
  void base64KnownVectors_data();
  void base64KnownVectors();
  void base64MatchesQt();
  void judgeScore_data();
  void judgeScore();
  void configDefaultsAndErrors();
  void retryPolicy();
  void completesTextAndImage();
  void noAuthorizationWithoutKey();
  void readsContentParts();
  void timeoutIsRetriedThenFails();
  void serverErrorThenSuccess();
  void tooManyRequestsHonoursRetryAfter();
  void clientErrorIsNotRetried();
  void badResponses_data();
  void badResponses();
  void connectionRefused();
  void keyNeverInErrors();
  void cancellationIsPrompt();
  void rateLimitSpacesRequests();
  void concurrentCalls();
  void pluginCreatesClient();
};

void TestOpenAi::initTestCase() {
  // libcurl honours proxy variables; a developer's proxy must not see loopback requests.
  for (const char* var : {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"}) {
    qunsetenv(var);
  }
  psr::setConsoleLogLevel(spdlog::level::err);
}

void TestOpenAi::cleanup() { qunsetenv(kKeyEnv); }

void TestOpenAi::base64KnownVectors_data() {
  QTest::addColumn<QByteArray>("input");
  QTest::addColumn<QString>("expected");
  // RFC 4648 §10, then bytes that use the last alphabet characters.
  QTest::newRow("empty") << QByteArray() << "";
  QTest::newRow("f") << QByteArray("f") << "Zg==";
  QTest::newRow("fo") << QByteArray("fo") << "Zm8=";
  QTest::newRow("foo") << QByteArray("foo") << "Zm9v";
  QTest::newRow("foob") << QByteArray("foob") << "Zm9vYg==";
  QTest::newRow("fooba") << QByteArray("fooba") << "Zm9vYmE=";
  QTest::newRow("foobar") << QByteArray("foobar") << "Zm9vYmFy";
  QTest::newRow("high bytes") << QByteArray("\x00\xff\xfe\xfb\xef", 5) << "AP/+++8=";
}

void TestOpenAi::base64KnownVectors() {
  QFETCH(QByteArray, input);
  QFETCH(QString, expected);
  QCOMPARE(QString::fromStdString(psr::openai::base64Encode(std::string_view(input.constData(), input.size()))),
           expected);
}

void TestOpenAi::base64MatchesQt() {
  std::vector<std::uint8_t> bytes;
  for (int n = 0; n < 300; ++n) {
    const QByteArray qt = QByteArray(reinterpret_cast<const char*>(bytes.data()), qsizetype(bytes.size())).toBase64();
    QCOMPARE(QByteArray::fromStdString(psr::openai::base64Encode(bytes)), qt);
    bytes.push_back(std::uint8_t(n * 37 + 11));
  }
}

void TestOpenAi::judgeScore_data() {
  QTest::addColumn<QString>("answer");
  QTest::addColumn<double>("score");
  QTest::addColumn<bool>("parsed");
  QTest::addColumn<QString>("thought");
  QTest::newRow("plain") << "[Thought]: ok [Score]: 7" << 0.7 << true << "ok";
  QTest::newRow("newline") << "[Thought]: The cat wears the hat.\n[Score]: 9" << 0.9 << true
                           << "The cat wears the hat.";
  QTest::newRow("bold label") << "**[Thought]:** fine\n**[Score]:** 8.5" << 0.85 << true << "fine";
  QTest::newRow("bold value") << "[Score]: **6**" << 0.6 << true << "";
  QTest::newRow("bold brackets") << "**[Score]**: 4" << 0.4 << true << "";
  QTest::newRow("case and spacing") << "[thought] :  good\n[ SCORE ] :   3" << 0.3 << true << "good";
  QTest::newRow("no brackets") << "Thought: meh. Score: 5" << 0.5 << true << "meh.";
  QTest::newRow("full-width colon") << "[Score]\xef\xbc\x9a 8" << 0.8 << true << "";
  QTest::newRow("fraction of ten") << "[Score]: 7/10" << 0.7 << true << "";
  QTest::newRow("fraction of hundred") << "[Score]: 85 / 100" << 0.85 << true << "";
  QTest::newRow("above ten clamped") << "[Score]: 11" << 1.0 << true << "";
  QTest::newRow("negative clamped") << "[Score]: -3" << 0.0 << true << "";
  QTest::newRow("last score wins") << "[Thought]: format is [Score]: x, so [Score]: 2" << 0.2 << true
                                   << "format is [Score]: x, so";
  QTest::newRow("no score") << "no score here" << 0.5 << false << "no score here";
  QTest::newRow("score not a number") << "[Thought]: unsure [Score]: N/A" << 0.5 << false << "unsure [Score]: N/A";
  QTest::newRow("empty") << "" << 0.5 << false << "";
  QTest::newRow("underscore is not score") << "underscore: 9" << 0.5 << false << "underscore: 9";
  // Degenerate generations must not make the parser slow or deep.
  QTest::newRow("long run of asterisks") << QString(200000, '*') + "[Score]: 7" << 0.7 << true << "";
  QTest::newRow("long run of spaces") << "[Score]:" + QString(200000, ' ') + "x" << 0.5 << false
                                      << "[Score]:" + QString(200000, ' ') + "x";
}

void TestOpenAi::judgeScore() {
  QFETCH(QString, answer);
  QFETCH(double, score);
  QFETCH(bool, parsed);
  QFETCH(QString, thought);
  const auto result = psr::openai::parseJudgeScore(answer.toStdString());
  QCOMPARE(result.parsed, parsed);
  QVERIFY2(std::abs(result.score - score) < 1e-9, qPrintable(QString::number(result.score)));
  QCOMPARE(QString::fromStdString(result.thought), thought);
}

void TestOpenAi::configDefaultsAndErrors() {
  const auto c = OpenAiConfig::fromJson({{"model", "qwen2.5-vl"}, {"base_url", "http://localhost:8000/v1/"}});
  QCOMPARE(QString::fromStdString(c.chatCompletionsUrl()), QStringLiteral("http://localhost:8000/v1/chat/completions"));
  QCOMPARE(c.temperature, 0.2);
  QCOMPARE(QString::fromStdString(c.apiKeyEnv), QStringLiteral("OPENAI_API_KEY"));
  QVERIFY(!c.maxTokens);
  QCOMPARE(OpenAiConfig::fromJson({{"model", "m"}}).baseUrl, std::string("https://api.openai.com/v1"));
  const std::vector<std::pair<nlohmann::json, std::string>> bad = {
      {nlohmann::json::array(), "JSON object"},
      {{{"base_url", "http://x"}}, "'model' is required"},
      {{{"model", "m"}, {"temprature", 0.2}}, "unknown key 'temprature'"},
      {{{"model", "m"}, {"temperature", 3}}, "'temperature'"},
      {{{"model", "m"}, {"temperature", "0.2"}}, "'temperature'"},
      {{{"model", "m"}, {"base_url", "ftp://x"}}, "'base_url'"},
      {{{"model", ""}}, "'model'"},
      {{{"model", "m"}, {"max_retries", 1.5}}, "'max_retries'"},
      {{{"model", "m"}, {"max_tokens", 0}}, "'max_tokens'"},
      {{{"model", "m"}, {"timeout_s", 0}}, "'timeout_s'"},
  };
  for (const auto& [json, message] : bad) {
    const auto e = errorOf([&] { OpenAiConfig::fromJson(json); });
    QCOMPARE(codeOf(e), QStringLiteral("invalid_argument"));
    QVERIFY2(contains(e, message), what(e));
  }
}

void TestOpenAi::retryPolicy() {
  using psr::openai::backoffDelay;
  for (long s : {408, 429, 500, 502, 503, 504, 599})
    QVERIFY2(psr::openai::isRetryableStatus(s), qPrintable(QString::number(s)));
  for (long s : {200, 301, 400, 401, 403, 404, 409, 413, 422, 600}) QVERIFY(!psr::openai::isRetryableStatus(s));
  for (int i = 0; i < 50; ++i) {
    QVERIFY(backoffDelay(0, 1.0) >= 500ms && backoffDelay(0, 1.0) < 1000ms);
    QVERIFY(backoffDelay(3, 1.0) >= 4000ms && backoffDelay(3, 1.0) < 8000ms);
  }
  QVERIFY(backoffDelay(40, 1.0) <= 60s);
  QCOMPARE(backoffDelay(2, 0.0), 0ms);

  const auto after = [](const char* value) {
    psr::openai::HttpResponse r;
    r.headers = {{"content-type", "application/json"}, {"retry-after", value}};
    return psr::openai::retryAfter(r);
  };
  QCOMPARE(after("0"), std::optional(0ms));
  QCOMPARE(after("2"), std::optional(2000ms));
  QCOMPARE(after("1.5"), std::optional(1500ms));
  QCOMPARE(after("Wed, 21 Oct 2015 07:28:00 GMT"), std::optional(0ms));  // a date in the past
  const auto future = after("Fri, 31 Dec 2100 23:59:59 GMT");
  QVERIFY(future && *future > std::chrono::hours(24 * 365));
  QVERIFY(!after("soon"));
  QVERIFY(!after("-1"));
  QVERIFY(!psr::openai::retryAfter(psr::openai::HttpResponse{}));
}

void TestOpenAi::completesTextAndImage() {
  LoopbackServer server(LoopbackServer::script({ok("a red fox")}));
  qputenv(kKeyEnv, kKey);
  OpenAiClient client(config(server, {{"max_tokens", 64}}));
  // Larger than 1 KiB, so libcurl would ask for "100-continue" unless the client disables it.
  std::vector<std::uint8_t> png{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  for (int i = 0; i < 3000; ++i) png.push_back(std::uint8_t(i * 7));
  const std::vector<ChatMessage> messages{ChatMessage::system("You describe images."),
                                          ChatMessage::user("Describe the subject.", {png})};
  QCOMPARE(QString::fromStdString(client.complete(messages, {})), QStringLiteral("a red fox"));

  const auto requests = server.requests();
  QCOMPARE(requests.size(), std::size_t(1));
  const auto& r = requests[0];
  QCOMPARE(QString::fromStdString(r.method), QStringLiteral("POST"));
  QCOMPARE(QString::fromStdString(r.target), QStringLiteral("/v1/chat/completions"));
  QCOMPARE(QString::fromStdString(r.headers.at("content-type")), QStringLiteral("application/json"));
  QCOMPARE(QString::fromStdString(r.headers.at("authorization")), QStringLiteral("Bearer ") + kKey);
  QVERIFY(!r.headers.count("expect"));
  const auto body = nlohmann::json::parse(r.body);
  QCOMPARE(body.at("model").get<std::string>(), std::string("test-model"));
  QCOMPARE(body.at("temperature").get<double>(), 0.2);
  QCOMPARE(body.at("max_tokens").get<int>(), 64);
  const auto& sent = body.at("messages");
  QCOMPARE(sent.size(), std::size_t(2));
  QCOMPARE(sent[0], (nlohmann::json{{"role", "system"}, {"content", "You describe images."}}));
  QCOMPARE(sent[1].at("role").get<std::string>(), std::string("user"));
  const auto& parts = sent[1].at("content");
  QCOMPARE(parts.size(), std::size_t(2));
  QCOMPARE(parts[0], (nlohmann::json{{"type", "text"}, {"text", "Describe the subject."}}));
  QCOMPARE(parts[1].at("type").get<std::string>(), std::string("image_url"));
  const auto url = QByteArray::fromStdString(parts[1].at("image_url").at("url").get<std::string>());
  const QByteArray prefix = "data:image/png;base64,";
  QVERIFY(url.startsWith(prefix));
  const auto decoded = QByteArray::fromBase64Encoding(url.mid(prefix.size()), QByteArray::AbortOnBase64DecodingErrors);
  QVERIFY(decoded);
  QCOMPARE(*decoded, QByteArray(reinterpret_cast<const char*>(png.data()), qsizetype(png.size())));

  const auto stats = client.stats();
  QCOMPARE(stats.requests, 1u);
  QCOMPARE(stats.retries, 0u);
  QCOMPARE(stats.failures, 0u);
  QCOMPARE(stats.rateLimitWaits, 0u);
}

void TestOpenAi::noAuthorizationWithoutKey() {
  LoopbackServer server(LoopbackServer::script({ok("hi")}));
  OpenAiClient client(config(server));
  QCOMPARE(QString::fromStdString(client.complete(hello(), {})), QStringLiteral("hi"));
  const auto requests = server.requests();
  QCOMPARE(requests.size(), std::size_t(1));
  QVERIFY(!requests[0].headers.count("authorization"));
  // A text-only message goes out as a plain string.
  QCOMPARE(nlohmann::json::parse(requests[0].body).at("messages")[0].at("content").get<std::string>(),
           std::string("hello"));
}

void TestOpenAi::readsContentParts() {
  const nlohmann::json body{
      {"choices",
       {{{"message",
          {{"role", "assistant"},
           {"content",
            {{{"type", "text"}, {"text", "[Thought]: fine "}}, {{"type", "text"}, {"text", "[Score]: 8"}}}}}}}}}};
  LoopbackServer server(LoopbackServer::script({status(200, body.dump())}));
  OpenAiClient client(config(server));
  QCOMPARE(QString::fromStdString(client.complete(hello(), {})), QStringLiteral("[Thought]: fine [Score]: 8"));
}

void TestOpenAi::timeoutIsRetriedThenFails() {
  LoopbackServer server(LoopbackServer::script({{200, {}, completionBody("late"), 5s}}));
  OpenAiClient client(config(server, {{"timeout_s", 0.3}, {"max_retries", 2}}));
  QElapsedTimer timer;
  timer.start();
  const auto e = errorOf([&] { client.complete(hello(), {}); });
  const qint64 ms = timer.elapsed();
  QCOMPARE(codeOf(e), QStringLiteral("io"));
  QVERIFY2(contains(e, server.baseUrl() + "/chat/completions"), what(e));
  QVERIFY2(contains(e, "timed out"), what(e));
  QVERIFY2(contains(e, "gave up after 3 attempts"), what(e));
  QVERIFY2(ms >= 850 && ms < 3000, qPrintable(QString::number(ms)));
  QTRY_COMPARE(server.requests().size(), std::size_t(3));
  const auto stats = client.stats();
  QCOMPARE(stats.requests, 3u);
  QCOMPARE(stats.retries, 2u);
  QCOMPARE(stats.failures, 1u);
}

void TestOpenAi::serverErrorThenSuccess() {
  LoopbackServer server(LoopbackServer::script({status(500, R"({"error":{"message":"overloaded"}})"), ok("fine")}));
  OpenAiClient client(config(server));
  QCOMPARE(QString::fromStdString(client.complete(hello(), {})), QStringLiteral("fine"));
  QCOMPARE(server.requests().size(), std::size_t(2));
  QCOMPARE(client.stats().retries, 1u);
  QCOMPARE(client.stats().failures, 0u);
}

void TestOpenAi::tooManyRequestsHonoursRetryAfter() {
  Reply slowDown = status(429, R"({"error":{"message":"rate limited"}})");
  slowDown.headers.emplace_back("Retry-After", "0");
  LoopbackServer server(LoopbackServer::script({slowDown, ok("after 429")}));
  // A backoff of 30 s would fail the time check: only Retry-After can make the retry quick.
  OpenAiClient client(config(server, {{"retry_backoff_s", 30}}));
  QElapsedTimer timer;
  timer.start();
  QCOMPARE(QString::fromStdString(client.complete(hello(), {})), QStringLiteral("after 429"));
  QVERIFY(timer.elapsed() < 2000);
  QCOMPARE(client.stats().retries, 1u);

  // Asked to come back in an hour, the client reports it instead of blocking.
  Reply quota = status(429, R"({"error":{"message":"quota exceeded"}})");
  quota.headers.emplace_back("Retry-After", "3600");
  LoopbackServer exhausted(LoopbackServer::script({quota}));
  OpenAiClient patient(config(exhausted));
  const auto e = errorOf([&] { patient.complete(hello(), {}); });
  QCOMPARE(codeOf(e), QStringLiteral("io"));
  QVERIFY2(contains(e, "quota exceeded") && contains(e, "retry after 3600 s"), what(e));
  QCOMPARE(exhausted.requests().size(), std::size_t(1));
}

void TestOpenAi::clientErrorIsNotRetried() {
  LoopbackServer server(LoopbackServer::script(
      {status(400, R"({"error":{"message":"The model 'nope' does not exist","type":"invalid_request_error"}})")}));
  OpenAiClient client(config(server, {{"max_retries", 5}}));
  const auto e = errorOf([&] { client.complete(hello(), {}); });
  QCOMPARE(codeOf(e), QStringLiteral("invalid_argument"));
  QVERIFY2(contains(e, "HTTP 400") && contains(e, "The model 'nope' does not exist"), what(e));
  QVERIFY2(contains(e, server.baseUrl()), what(e));
  QCOMPARE(server.requests().size(), std::size_t(1));
  QCOMPARE(client.stats().retries, 0u);
  QCOMPARE(client.stats().failures, 1u);
}

void TestOpenAi::badResponses_data() {
  QTest::addColumn<QString>("body");
  QTest::addColumn<QString>("code");
  QTest::addColumn<QString>("message");
  QTest::newRow("garbage") << "\x01\x02 not json at all"
                           << "corrupt"
                           << "not JSON";
  QTest::newRow("html") << "<html><body><h1>Welcome to nginx!</h1></body></html>"
                        << "corrupt"
                        << "<html><body><h1>Welcome to nginx!";
  QTest::newRow("empty") << ""
                         << "corrupt"
                         << "(empty body)";
  QTest::newRow("array") << "[1, 2]"
                         << "corrupt"
                         << "not a JSON object";
  QTest::newRow("missing choices") << R"({"id":"x","object":"chat.completion"})"
                                   << "corrupt"
                                   << "no choices";
  QTest::newRow("empty choices") << R"({"choices":[]})"
                                 << "corrupt"
                                 << "no choices";
  QTest::newRow("no message") << R"({"choices":[{"index":0}]})"
                              << "corrupt"
                              << "no message";
  QTest::newRow("null content") << R"({"choices":[{"message":{"content":null},"finish_reason":"content_filter"}]})"
                                << "corrupt"
                                << "finish_reason: content_filter";
  QTest::newRow("error with 200") << R"({"error":{"message":"quota exhausted"}})"
                                  << "io"
                                  << "quota exhausted";
}

void TestOpenAi::badResponses() {
  QFETCH(QString, body);
  QFETCH(QString, code);
  QFETCH(QString, message);
  LoopbackServer server(LoopbackServer::script({{200, {{"Content-Type", "text/html"}}, body.toStdString(), 0ms}}));
  OpenAiClient client(config(server));
  const auto e = errorOf([&] { client.complete(hello(), {}); });
  QCOMPARE(codeOf(e), code);
  QVERIFY2(contains(e, message.toStdString()), what(e));
  QVERIFY2(contains(e, server.baseUrl()), what(e));
  // A malformed answer is the server's bug, not a transient failure: no retry.
  QCOMPARE(server.requests().size(), std::size_t(1));
}

void TestOpenAi::connectionRefused() {
  const int port = closedPort();
  const std::string base = "http://127.0.0.1:" + std::to_string(port) + "/v1";
  OpenAiClient client(
      OpenAiConfig::fromJson({{"base_url", base}, {"model", "m"}, {"max_retries", 1}, {"retry_backoff_s", 0.01}}));
  QElapsedTimer timer;
  timer.start();
  const auto e = errorOf([&] { client.complete(hello(), {}); });
  QCOMPARE(codeOf(e), QStringLiteral("io"));
  QVERIFY2(contains(e, base + "/chat/completions") && contains(e, "gave up after 2 attempts"), what(e));
  QVERIFY2(contains(e, "onnect"), what(e));  // libcurl's "Couldn't connect" / "Failed to connect"
  QVERIFY(timer.elapsed() < 2000);
  QCOMPARE(client.stats().requests, 2u);
}

void TestOpenAi::keyNeverInErrors() {
  // Some servers echo the refused key; the client must not pass it on.
  const std::string echo = std::string(R"({"error":{"message":"Incorrect API key provided: )") + kKey + "\"}}";
  LoopbackServer server(LoopbackServer::script({status(401, echo)}));
  qputenv(kKeyEnv, kKey);
  OpenAiClient client(config(server));
  const auto e = errorOf([&] { client.complete(hello(), {}); });
  QCOMPARE(codeOf(e), QStringLiteral("io"));
  QVERIFY2(contains(e, "HTTP 401") && contains(e, "Incorrect API key provided: [redacted]"), what(e));
  QVERIFY(!contains(e, kKey));
  QCOMPARE(server.requests().size(), std::size_t(1));

  // Transport failures carry the key nowhere either.
  LoopbackServer slow(LoopbackServer::script({{200, {}, completionBody("late"), 5s}}));
  OpenAiClient timedOut(config(slow, {{"timeout_s", 0.2}, {"max_retries", 0}}));
  const auto t = errorOf([&] { timedOut.complete(hello(), {}); });
  QVERIFY(t && !contains(t, kKey));

  // Without a key, a 401 says which variable to set.
  qunsetenv(kKeyEnv);
  OpenAiClient keyless(config(server));
  const auto k = errorOf([&] { keyless.complete(hello(), {}); });
  QVERIFY2(contains(k, std::string("environment variable ") + kKeyEnv + " is not set"), what(k));
}

void TestOpenAi::cancellationIsPrompt() {
  LoopbackServer server(LoopbackServer::script({{200, {}, completionBody("late"), 5s}}));
  OpenAiClient client(config(server, {{"timeout_s", 10}}));
  psr::CancellationToken cancel;
  std::thread canceller([cancel] {
    std::this_thread::sleep_for(200ms);
    cancel.cancel();
  });
  QElapsedTimer timer;
  timer.start();
  const auto e = errorOf([&] { client.complete(hello(), cancel); });
  const qint64 ms = timer.elapsed();
  canceller.join();
  QCOMPARE(codeOf(e), QStringLiteral("cancelled"));
  QVERIFY2(ms >= 150 && ms < 700, qPrintable(QString::number(ms)));
  QCOMPARE(client.stats().failures, 0u);

  // A cancellation during a retry backoff is just as prompt.
  LoopbackServer failing(LoopbackServer::script({status(503)}));
  OpenAiClient backingOff(config(failing, {{"retry_backoff_s", 20}}));
  psr::CancellationToken cancel2;
  std::thread canceller2([cancel2] {
    std::this_thread::sleep_for(200ms);
    cancel2.cancel();
  });
  timer.restart();
  const auto e2 = errorOf([&] { backingOff.complete(hello(), cancel2); });
  canceller2.join();
  QCOMPARE(codeOf(e2), QStringLiteral("cancelled"));
  QVERIFY(timer.elapsed() < 700);

  // Already cancelled: nothing is sent.
  const auto before = server.requests().size();
  QCOMPARE(codeOf(errorOf([&] { client.complete(hello(), cancel); })), QStringLiteral("cancelled"));
  QCOMPARE(server.requests().size(), before);
}

void TestOpenAi::rateLimitSpacesRequests() {
  LoopbackServer server(LoopbackServer::script({ok("ok")}));
  OpenAiClient client(config(server, {{"requests_per_minute", 600}}));  // one per 100 ms
  QElapsedTimer timer;
  timer.start();
  for (int i = 0; i < 5; ++i) QCOMPARE(QString::fromStdString(client.complete(hello(), {})), QStringLiteral("ok"));
  const qint64 ms = timer.elapsed();
  QVERIFY2(ms >= 390 && ms < 2000, qPrintable(QString::number(ms)));
  QCOMPARE(client.stats().requests, 5u);
  QVERIFY(client.stats().rateLimitWaits >= 3u);
}

void TestOpenAi::concurrentCalls() {
  // Each answer echoes its request's text, so crossed answers would show.
  LoopbackServer server([](const LoopbackServer::Request& r) {
    const auto text = nlohmann::json::parse(r.body).at("messages")[0].at("content").get<std::string>();
    return Reply{200, {}, completionBody("echo " + text), 5ms};
  });
  OpenAiClient client(config(server));
  constexpr int kThreads = 4;
  constexpr int kCalls = 5;
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCalls; ++i) {
        const std::string text = "thread " + std::to_string(t) + " call " + std::to_string(i);
        try {
          if (client.complete({ChatMessage::user(text)}, {}) == "echo " + text) ++good;
        } catch (const std::exception& e) {
          qWarning("%s", e.what());
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  QCOMPARE(good.load(), kThreads * kCalls);
  QCOMPARE(client.stats().requests, std::uint64_t(kThreads * kCalls));
  QCOMPARE(client.stats().failures, 0u);
  QCOMPARE(server.requests().size(), std::size_t(kThreads * kCalls));
}

void TestOpenAi::pluginCreatesClient() {
  psr::plugin::Registry registry(psr::logger());
  const auto loaded = psr::plugin::loadPlugins({PSR_OPENAI_PLUGIN_DIR}, registry);
  const auto it = std::find_if(loaded.begin(), loaded.end(), [](const auto& p) { return p.name == "openai"; });
  QVERIFY(it != loaded.end());
  QCOMPARE(QString::fromStdString(it->error), QString());
  QCOMPARE(QString::fromStdString(it->file.filename().string()), QStringLiteral("psr_openai.so"));
  const auto names = registry.names<psr::openai::ChatClient>();
  QVERIFY(std::find(names.begin(), names.end(), "openai") != names.end());

  LoopbackServer server(
      LoopbackServer::script({ok("from the plugin"), status(404, R"({"error":{"message":"no such model"}})")}));
  auto client = registry.create<psr::openai::ChatClient>("openai", configJson(server));
  QVERIFY(client);
  QCOMPARE(QString::fromStdString(client->complete(hello(), {})), QStringLiteral("from the plugin"));
  QCOMPARE(server.requests().size(), std::size_t(1));

  // Errors thrown inside the plugin arrive as psr::Error with their code.
  const auto notFound = errorOf([&] { client->complete(hello(), {}); });
  QCOMPARE(codeOf(notFound), QStringLiteral("not_found"));
  QVERIFY2(contains(notFound, "no such model"), what(notFound));
  const auto badConfig = errorOf([&] { registry.create<psr::openai::ChatClient>("openai", {{"base_url", "x"}}); });
  QCOMPARE(codeOf(badConfig), QStringLiteral("invalid_argument"));
}

QTEST_GUILESS_MAIN(TestOpenAi)
#include "test_openai.moc"
