// The OpenAI-compatible prompt writer and captioner against a scripted loopback server: answer
// parsing, the requests they send, their post-checks, the plugin's registrations, and
// `psr data synth --prompt-writer openai --captioner openai` end to end on the fixture world
// (with a failing request and a dead server), plus `psr plugins list`.
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>
#include <atomic>
#include <fstream>
#include <functional>
#include <mutex>
#include <optional>
#include <set>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/logging.h"
#include "loopback_server.h"
#include "openai/openai_captioner.h"
#include "openai/openai_client.h"
#include "openai/openai_prompt_writer.h"
#include "pipeline_fixture.h"
#include "plugin/plugin_loader.h"
#include "store/workspace.h"

using namespace std::chrono_literals;
using nlohmann::json;
using Reply = LoopbackServer::Reply;
namespace fs = std::filesystem;
namespace pp = psr::pipeline;

namespace {

constexpr const char* kModel = "test-model";

Reply ok(const std::string& content) {
  const json body{{"choices", {{{"index", 0}, {"message", {{"role", "assistant"}, {"content", content}}}}}}};
  return {200, {{"Content-Type", "application/json"}}, body.dump(), 0ms};
}

Reply serverError() { return {500, {{"Content-Type", "application/json"}}, R"({"error":{"message":"boom"}})", 0ms}; }

// Short timeouts and backoffs keep every failure path within a second.
json configJson(const LoopbackServer& server) {
  return {{"base_url", server.baseUrl()}, {"model", kModel},       {"api_key_env", "PSR_TEST_UNSET_KEY"},
          {"timeout_s", 10},              {"max_retries", 1},      {"retry_backoff_s", 0.01}};
}

std::shared_ptr<psr::openai::ChatClient> clientFor(const LoopbackServer& server) {
  return std::make_shared<psr::openai::OpenAiClient>(psr::openai::OpenAiConfig::fromJson(configJson(server)));
}

pp::GroupPlan plan(std::vector<std::string> categories) {
  pp::GroupPlan p;
  p.subset = pp::Subset::Attribute;
  p.categories = std::move(categories);
  return p;
}

/// The text of message `index` of a chat request body, and its image URLs.
std::pair<std::string, std::vector<std::string>> messageOf(const std::string& body, std::size_t index) {
  const json content = json::parse(body).at("messages").at(index).at("content");
  if (content.is_string()) return {content.get<std::string>(), {}};
  std::string text;
  std::vector<std::string> images;
  for (const auto& part : content) {
    if (part.at("type") == "text") text += part.at("text").get<std::string>();
    if (part.at("type") == "image_url") images.push_back(part.at("image_url").at("url").get<std::string>());
  }
  return {text, images};
}

std::optional<psr::Error> errorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const psr::Error& e) {
    return e;
  }
  return std::nullopt;
}

/// A chat model that follows the providers' instructions: it reads the categories from each
/// request and answers a prompt writer with JSON, a captioner with a numbered instruction. It
/// remembers what it said, and can fail every attempt of one captioner request or all requests.
class FollowingModel {
 public:
  enum class Failure { None, OneCaption, All };
  explicit FollowingModel(Failure failure) : failure_(failure) {}

  Reply answer(const LoopbackServer::Request& request) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (failure_ == Failure::All) return serverError();
    const std::string system = messageOf(request.body, 0).first;
    const std::string user = messageOf(request.body, 1).first;
    if (system.find("t2i_prompt") != std::string::npos) {
      const auto from = user.find("Categories (in order): ") + 23;
      const auto categories = json::parse(user.substr(from, user.find('\n', from) - from)).get<std::vector<std::string>>();
      json answer{{"t2i_prompt", "LLM group scene #" + std::to_string(++served_)}, {"subject_prompts", json::array()}};
      for (const auto& c : categories) answer["subject_prompts"].push_back("LLM scene of a " + c);
      t2iPrompts.insert(answer["t2i_prompt"].get<std::string>());
      return ok("Here you are:\n```json\n" + answer.dump(2) + "\n```");
    }
    // Retries repeat the body, so every attempt of the doomed request fails.
    if (failure_ == Failure::OneCaption && (!doomed_ || *doomed_ == request.body)) {
      doomed_ = request.body;
      ++failedAttempts;
      return serverError();
    }
    const auto from = user.find("Categories: ") + 12;
    std::string list = user.substr(from, user.find('\n', from) - from);
    const std::string instruction = "Show the " + list + " together (caption " + std::to_string(++served_) + ")";
    instructions.insert(instruction);
    return ok("  \"" + instruction + "\"\n");
  }

  std::set<std::string> instructions, t2iPrompts;
  int failedAttempts = 0;

 private:
  std::mutex mutex_;
  Failure failure_;
  std::optional<std::string> doomed_;
  int served_ = 0;
};

struct CliResult {
  int code;
  QString out, err;
};

/// Runs `psr` with the built plugin folder, after `morePluginDirs`, on PSR_PLUGIN_PATH.
CliResult runPsr(const QStringList& args, const QString& morePluginDirs = {}) {
  QProcess p;
  auto env = QProcessEnvironment::systemEnvironment();
  env.insert("PSR_PLUGIN_PATH", morePluginDirs + (morePluginDirs.isEmpty() ? "" : ":") + PSR_OPENAI_PLUGIN_DIR);
  p.setProcessEnvironment(env);
  p.start(PSR_CLI_PATH, args);
  p.waitForFinished(120000);
  return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
          QString::fromUtf8(p.readAllStandardError())};
}

}  // namespace

class TestOpenAiProviders : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void promptWriterParsesAnswers_data();
  void promptWriterParsesAnswers();
  void promptWriterRejectsBadAnswers_data();
  void promptWriterRejectsBadAnswers();
  void captionerSendsImagesAndCategories();
  void captionerRejectsMissingCategory();
  void categoryMatching();
  void pluginRegistersProviders();
  void synthWithOpenAiProviders();
  void synthRejectsFailedSampleAndFinishes();
  void synthStopsWhenProviderIsDown();
  void synthUnknownProviderListsNames();
  void pluginsListShowsOpenAi();
  void apiKeyComesFromEnvironmentAndNeverLeaks();

 private:
  void writeConfig(const LoopbackServer& server);
  QStringList synthArgs(const QString& dataset) const;

  QTemporaryDir tmp_;
  std::unique_ptr<psr::store::Workspace> ws_;
  QString configFile_;
};

void TestOpenAiProviders::initTestCase() {
  // libcurl honours proxy variables; a developer's proxy must not see loopback requests.
  for (const char* var : {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"}) {
    qunsetenv(var);
  }
  psr::setConsoleLogLevel(spdlog::level::err);
  QVERIFY(tmp_.isValid());
  ws_ = makePipelineWorkspace(fs::path(tmp_.path().toStdString()) / "world");
  configFile_ = tmp_.filePath("provider.json");
}

void TestOpenAiProviders::promptWriterParsesAnswers_data() {
  QTest::addColumn<QString>("answer");
  const QString object = R"({"t2i_prompt": "A crab and a dog on a beach.", "subject_prompts": )"
                         R"(["A crab in a forest.", "A dog in a kitchen."]})";
  QTest::newRow("bare") << object;
  QTest::newRow("fenced json") << "```json\n" + object + "\n```";
  QTest::newRow("fenced, prose around") << "Sure! Here are the prompts:\n```\n" + object + "\n```\nEnjoy.";
  QTest::newRow("prose around, no fence") << "The prompts: " + object + " Hope this helps.";
  QTest::newRow("fence with a broken block first") << "```\n{oops\n```\n```json\n" + object + "\n```";
}

void TestOpenAiProviders::promptWriterParsesAnswers() {
  QFETCH(QString, answer);
  LoopbackServer server(LoopbackServer::script({ok(answer.toStdString())}));
  psr::openai::OpenAiPromptWriter writer(clientFor(server), kModel);
  QCOMPARE(QString::fromStdString(writer.name()), QStringLiteral("openai:test-model"));
  const auto prompts = writer.write(plan({"crab", "dog"}), {});
  QCOMPARE(QString::fromStdString(prompts.t2iPrompt), QStringLiteral("A crab and a dog on a beach."));
  QCOMPARE(prompts.subjects.size(), std::size_t(2));
  QCOMPARE(QString::fromStdString(prompts.subjects[0].category), QStringLiteral("crab"));
  QCOMPARE(QString::fromStdString(prompts.subjects[0].prompt), QStringLiteral("A crab in a forest."));
  QCOMPARE(QString::fromStdString(prompts.subjects[1].category), QStringLiteral("dog"));
  QCOMPARE(QString::fromStdString(prompts.subjects[1].prompt), QStringLiteral("A dog in a kitchen."));
  QVERIFY(!prompts.subjects[0].scene);

  const auto requests = server.requests();
  QCOMPARE(requests.size(), std::size_t(1));
  QVERIFY(messageOf(requests[0].body, 0).first.find("t2i_prompt") != std::string::npos);
  const std::string user = messageOf(requests[0].body, 1).first;
  QVERIFY2(user.find(R"(["crab","dog"])") != std::string::npos, user.c_str());
  QVERIFY2(user.find("attribute") != std::string::npos, user.c_str());
}

void TestOpenAiProviders::promptWriterRejectsBadAnswers_data() {
  QTest::addColumn<QString>("answer");
  QTest::addColumn<QString>("says");
  QTest::newRow("garbage") << "I cannot help with that." << "holds no JSON object";
  QTest::newRow("array") << R"(["A crab.", "A dog."])" << "holds no JSON object";
  QTest::newRow("too few") << R"({"t2i_prompt": "x", "subject_prompts": ["A crab."]})"
                           << "to list 2 prompts, one per category (crab and dog)";
  QTest::newRow("too many") << R"({"t2i_prompt": "x", "subject_prompts": ["a", "b", "c"]})" << "to list 2 prompts";
  QTest::newRow("not a list") << R"({"t2i_prompt": "x", "subject_prompts": "a crab and a dog"})"
                              << "to list 2 prompts";
  QTest::newRow("missing t2i") << R"({"subject_prompts": ["a", "b"]})" << "lacks \"t2i_prompt\"";
  QTest::newRow("empty subject prompt") << R"({"t2i_prompt": "x", "subject_prompts": ["a", " "]})"
                                        << "subject prompt 2 must be a non-empty string";
  QTest::newRow("number t2i") << R"({"t2i_prompt": 3, "subject_prompts": ["a", "b"]})"
                              << "\"t2i_prompt\" must be a non-empty string";
}

void TestOpenAiProviders::promptWriterRejectsBadAnswers() {
  QFETCH(QString, answer);
  QFETCH(QString, says);
  LoopbackServer server(LoopbackServer::script({ok(answer.toStdString())}));
  psr::openai::OpenAiPromptWriter writer(clientFor(server), kModel);
  const auto error = errorOf([&] { writer.write(plan({"crab", "dog"}), {}); });
  QVERIFY(error);
  QCOMPARE(int(error->code()), int(psr::ErrorCode::Corrupt));
  QVERIFY2(QString(error->what()).contains(says), error->what());
  QVERIFY2(QString(error->what()).contains("openai:test-model"), error->what());
}

void TestOpenAiProviders::captionerSendsImagesAndCategories() {
  LoopbackServer server(LoopbackServer::script({ok("\n \"Put a crown on the Crab and place the dogs left of it.\" ")}));
  psr::openai::OpenAiCaptioner captioner(clientFor(server), kModel);
  QCOMPARE(QString::fromStdString(captioner.name()), QStringLiteral("openai:test-model"));
  pp::SceneImage before{psr::world::Image(8, 8, 3), std::nullopt, {}};
  pp::SceneImage after{psr::world::Image(8, 8, 3), std::nullopt, {}};
  after.image.pixels[0] = 255;
  const std::string instruction = captioner.caption({pp::Subset::Attribute, {"crab", "dog"}, &before, &after}, {});
  QCOMPARE(QString::fromStdString(instruction),
           QStringLiteral("Put a crown on the Crab and place the dogs left of it."));

  const auto requests = server.requests();
  QCOMPARE(requests.size(), std::size_t(1));
  const auto [text, images] = messageOf(requests[0].body, 1);
  QVERIFY2(text.find("crab and dog") != std::string::npos, text.c_str());
  QCOMPARE(images.size(), std::size_t(2));
  for (const auto& url : images) QVERIFY(url.rfind("data:image/png;base64,iVBORw0KGgo", 0) == 0);
  QVERIFY(images[0] != images[1]);  // before, then after
  QVERIFY(messageOf(requests[0].body, 0).first.find("Never describe how a subject looks") != std::string::npos);
}

void TestOpenAiProviders::captionerRejectsMissingCategory() {
  LoopbackServer server(LoopbackServer::script({ok("Put a crown on the crab."), ok("  ''  ")}));
  psr::openai::OpenAiCaptioner captioner(clientFor(server), kModel);
  pp::SceneImage image{psr::world::Image(8, 8, 3), std::nullopt, {}};
  const pp::CaptionRequest request{pp::Subset::Attribute, {"crab", "dog"}, &image, &image};
  const auto missing = errorOf([&] { captioner.caption(request, {}); });
  QVERIFY(missing);
  QCOMPARE(int(missing->code()), int(psr::ErrorCode::Corrupt));
  QVERIFY2(QString(missing->what()).contains("does not name dog"), missing->what());
  const auto empty = errorOf([&] { captioner.caption(request, {}); });
  QVERIFY(empty);
  QVERIFY2(QString(empty->what()).contains("empty instruction"), empty->what());
  const auto noImage = errorOf([&] { captioner.caption({pp::Subset::Attribute, {"crab"}, &image, nullptr}, {}); });
  QVERIFY(noImage);
  QCOMPARE(int(noImage->code()), int(psr::ErrorCode::InvalidArgument));
  QCOMPARE(server.requests().size(), std::size_t(2));
}

void TestOpenAiProviders::categoryMatching() {
  using psr::openai::missingCategories;
  using V = std::vector<std::string>;
  QCOMPARE(missingCategories("The Crab sits next to the DOG.", {"crab", "dog"}), V{});
  QCOMPARE(missingCategories("Two crabs and three foxes.", {"crab", "fox"}), V{});
  QCOMPARE(missingCategories("A crabby scrab and a hotdog.", {"crab", "dog"}), (V{"crab", "dog"}));
  QCOMPARE(missingCategories("Put the top hat on the owl.", {"top hat", "owl", "owl"}), V{});
  QCOMPARE(missingCategories("Put the hat on the owl.", {"top hat", "kite", "kite"}), (V{"top hat", "kite"}));
  QCOMPARE(psr::openai::strippedAnswer(" \n\u201c'Show the crab.'\u201d\t"), std::string("Show the crab."));
  QCOMPARE(psr::openai::strippedAnswer("\"\""), std::string());
}

void TestOpenAiProviders::pluginRegistersProviders() {
  psr::plugin::Registry registry(psr::logger());
  const auto loaded = psr::plugin::loadPlugins({PSR_OPENAI_PLUGIN_DIR}, registry);
  QVERIFY(std::any_of(loaded.begin(), loaded.end(), [](const auto& p) { return p.name == "openai" && p.error.empty(); }));
  QCOMPARE(registry.names<pp::PromptWriter>(), std::vector<std::string>{"openai"});
  QCOMPARE(registry.names<pp::Captioner>(), std::vector<std::string>{"openai"});

  LoopbackServer server(LoopbackServer::script(
      {ok(R"({"t2i_prompt": "A crab.", "subject_prompts": ["A crab alone."]})"), ok("The crab waves.")}));
  const auto writer = registry.create<pp::PromptWriter>("openai", configJson(server));
  const auto captioner = registry.create<pp::Captioner>("openai", configJson(server));
  QVERIFY(writer && captioner);
  QCOMPARE(QString::fromStdString(writer->name()), QStringLiteral("openai:test-model"));
  QCOMPARE(QString::fromStdString(captioner->name()), QStringLiteral("openai:test-model"));
  QCOMPARE(QString::fromStdString(writer->write(plan({"crab"}), {}).subjects.at(0).prompt),
           QStringLiteral("A crab alone."));
  pp::SceneImage image{psr::world::Image(4, 4, 3), std::nullopt, {}};
  QCOMPARE(QString::fromStdString(captioner->caption({pp::Subset::Action, {"crab"}, &image, &image}, {})),
           QStringLiteral("The crab waves."));
  // Errors made inside the plugin arrive as psr::Error with their code.
  const auto bad = errorOf([&] { registry.create<pp::Captioner>("openai", {{"base_url", "x"}}); });
  QVERIFY(bad);
  QCOMPARE(int(bad->code()), int(psr::ErrorCode::InvalidArgument));
}

void TestOpenAiProviders::writeConfig(const LoopbackServer& server) {
  std::ofstream(configFile_.toStdString()) << configJson(server).dump(2);
}

QStringList TestOpenAiProviders::synthArgs(const QString& dataset) const {
  return {"-w",      QString::fromStdString(ws_->dir().string()),
          "data",    "synth",
          "--subset", "attribute",
          "--count", "4",
          "--dataset", dataset,
          "--prompt-writer", "openai",
          "--captioner", "openai",
          "--provider-config", configFile_,
          "--json"};
}

void TestOpenAiProviders::synthWithOpenAiProviders() {
  FollowingModel model(FollowingModel::Failure::None);
  LoopbackServer server([&](const LoopbackServer::Request& r) { return model.answer(r); });
  writeConfig(server);
  const CliResult r = runPsr(synthArgs("llm"));
  QVERIFY2(r.code == 0, qPrintable(r.err));
  const json report = json::parse(r.out.toStdString());
  QCOMPARE(report.at("state").get<std::string>(), std::string("finished"));
  QCOMPARE(report.at("produced").get<long long>(), 4LL);

  auto st = ws_->db().prepare(
      "SELECT s.id, s.instruction, s.prompt, s.provenance FROM samples s JOIN datasets d ON d.id = s.dataset_id "
      "WHERE d.name = 'llm' ORDER BY s.seq");
  auto refs = ws_->db().prepare("SELECT category, scene FROM sample_references WHERE sample_id = ? ORDER BY slot");
  int samples = 0;
  while (st.step()) {
    ++samples;
    const std::string instruction = st.columnText(1);
    QVERIFY2(model.instructions.count(instruction), instruction.c_str());
    QVERIFY2(model.t2iPrompts.count(st.columnText(2)), st.columnText(2).c_str());
    const json provenance = json::parse(st.columnText(3));
    QCOMPARE(provenance.at("prompt_writer").at("provider").get<std::string>(), std::string("openai:test-model"));
    QCOMPARE(provenance.at("captioner").at("provider").get<std::string>(), std::string("openai:test-model"));
    QCOMPARE(provenance.at("t2i").at("provider").get<std::string>(), std::string("emoji-world"));
    refs.reset();
    refs.bind(1, std::int64_t(st.columnInt(0)));
    int n = 0;
    while (refs.step()) {
      ++n;
      // The LLM's subject prompt, rendered from the world's reference scene.
      const json scene = json::parse(refs.columnText(1));
      QCOMPARE(scene.at("prompt").get<std::string>(), "LLM scene of a " + refs.columnText(0));
      QCOMPARE(scene.at("subjects").size(), std::size_t(1));
    }
    QCOMPARE(n, 2);
  }
  QCOMPARE(samples, 4);
}

void TestOpenAiProviders::synthRejectsFailedSampleAndFinishes() {
  FollowingModel model(FollowingModel::Failure::OneCaption);
  LoopbackServer server([&](const LoopbackServer::Request& r) { return model.answer(r); });
  writeConfig(server);
  const CliResult r = runPsr(synthArgs("llm-one-failure"));
  QVERIFY2(r.code == 0, qPrintable(r.err));
  const json report = json::parse(r.out.toStdString());
  QCOMPARE(report.at("state").get<std::string>(), std::string("finished"));
  QCOMPARE(report.at("produced").get<long long>(), 4LL);
  QCOMPARE(report.at("rejects").at("provider_error").get<long long>(), 1LL);
  long long rejected = 0;
  for (const auto& [reason, n] : report.at("rejects").items()) rejected += n.get<long long>();
  QCOMPARE(report.at("attempted").get<long long>(), 4 + rejected);
  QCOMPARE(model.failedAttempts, 2);  // the first attempt and its one retry
  QVERIFY2(r.err.contains("rejected (provider_error)") && r.err.contains("HTTP 500"), qPrintable(r.err));
}

void TestOpenAiProviders::synthStopsWhenProviderIsDown() {
  FollowingModel model(FollowingModel::Failure::All);
  LoopbackServer server([&](const LoopbackServer::Request& r) { return model.answer(r); });
  writeConfig(server);
  const CliResult r = runPsr(synthArgs("llm-down"));
  QCOMPARE(r.code, 1);
  QVERIFY2(r.err.contains("all 4 attempts of a batch failed in a provider") && r.err.contains("HTTP 500: boom"),
           qPrintable(r.err));
  QCOMPARE(ws_->db().queryInt("SELECT COUNT(*) FROM synth_runs r JOIN datasets d ON d.id = r.dataset_id "
                              "WHERE d.name = 'llm-down' AND r.state = 'failed' AND r.produced = 0"),
           std::int64_t(1));
}

void TestOpenAiProviders::synthUnknownProviderListsNames() {
  std::ofstream(configFile_.toStdString()) << json{{"model", kModel}}.dump();
  QStringList args = synthArgs("unknown");
  args[args.indexOf("--captioner") + 1] = "gpt-nowhere";
  const CliResult r = runPsr(args);
  QCOMPARE(r.code, 2);
  QVERIFY2(r.err.contains("--captioner 'gpt-nowhere' is unknown; available: emoji-world, openai"), qPrintable(r.err));
}

void TestOpenAiProviders::pluginsListShowsOpenAi() {
  QTemporaryDir broken;
  std::ofstream(broken.filePath("broken.so").toStdString()) << "not an ELF file";
  const CliResult r = runPsr({"plugins", "list", "--json"}, broken.path());
  QVERIFY2(r.code == 0, qPrintable(r.err));
  const json list = json::parse(r.out.toStdString());
  const auto& plugins = list.at("plugins");
  const auto it = std::find_if(plugins.begin(), plugins.end(), [](const json& p) { return p.at("name") == "openai"; });
  QVERIFY2(it != plugins.end(), r.out.toUtf8().constData());
  QCOMPARE(fs::path(it->at("file").get<std::string>()).filename().string(), std::string("psr_openai.so"));
  QVERIFY(!it->at("version").get<std::string>().empty());
  QCOMPARE(list.at("refused").size(), std::size_t(1));
  QCOMPARE(fs::path(list.at("refused")[0].at("file").get<std::string>()).filename().string(), std::string("broken.so"));
  QVERIFY(list.at("refused")[0].at("reason").get<std::string>().rfind("cannot load", 0) == 0);
  QCOMPARE(list.at("dirs").size(), std::size_t(2));
  // The build tree's plugin folder is also the executable's: named twice, searched once.
  QCOMPARE(std::count_if(plugins.begin(), plugins.end(), [](const json& p) { return p.at("name") == "openai"; }), 1L);
}

namespace {

/// Every file under `dir` (recursively) whose bytes contain `needle`.
std::vector<std::string> filesContaining(const fs::path& dir, const std::string& needle) {
  std::vector<std::string> hits;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.find(needle) != std::string::npos) hits.push_back(e.path().string());
  }
  return hits;
}

}  // namespace

void TestOpenAiProviders::apiKeyComesFromEnvironmentAndNeverLeaks() {
  // The key is only in the environment. The server uses it, echoes it in an error body (cut so
  // that an excerpt would split it) and once in an answer; neither the workspace (database,
  // WAL, logs, runs), nor the output, nor the exports may hold any of it afterwards.
  const std::string key = "sk-test-" + std::to_string(QRandomGenerator::global()->generate64()) + "-secret";
  const std::string keyStart = key.substr(0, 10);
  FollowingModel model(FollowingModel::Failure::None);
  std::atomic<int> calls{0};
  std::mutex seenMutex;
  std::set<std::string> authorizations;
  LoopbackServer server([&](const LoopbackServer::Request& r) {
    {
      std::lock_guard<std::mutex> lock(seenMutex);
      const auto it = r.headers.find("authorization");
      authorizations.insert(it == r.headers.end() ? "" : it->second);
    }
    const int n = ++calls;
    if (n == 1) {
      const std::string pad(480, 'x');  // the 500-byte excerpt would end 11 bytes into the key
      return Reply{500, {{"Content-Type", "application/json"}},
                   json{{"error", {{"message", pad + " bad key " + key}}}}.dump(), 0ms};
    }
    Reply reply = model.answer(r);
    if (n == 3) {
      // A captioner or prompt writer answer that repeats the key.
      auto body = json::parse(reply.body);
      auto& content = body["choices"][0]["message"]["content"];
      content = content.get<std::string>() + " " + key;
      reply.body = body.dump();
    }
    return reply;
  });
  json config = configJson(server);
  config["api_key_env"] = "PSR_TEST_SECRET_KEY";
  config["max_retries"] = 2;
  std::ofstream(configFile_.toStdString()) << config.dump(2);

  QProcess p;
  auto env = QProcessEnvironment::systemEnvironment();
  env.insert("PSR_PLUGIN_PATH", PSR_OPENAI_PLUGIN_DIR);
  env.insert("PSR_TEST_SECRET_KEY", QString::fromStdString(key));
  p.setProcessEnvironment(env);
  QStringList args = synthArgs("secret");
  args.removeAll("--json");
  p.start(PSR_CLI_PATH, args);
  QVERIFY(p.waitForFinished(120000));
  const std::string out = p.readAllStandardOutput().toStdString(), err = p.readAllStandardError().toStdString();
  QVERIFY2(p.exitCode() == 0, err.c_str());
  {
    std::lock_guard<std::mutex> lock(seenMutex);
    QCOMPARE(authorizations, std::set<std::string>{"Bearer " + key});  // the key was used, from the environment
  }
  QVERIFY2(calls.load() >= 3, "the scripted server was not reached");
  QVERIFY2(out.find(keyStart) == std::string::npos, out.c_str());
  QVERIFY2(err.find(keyStart) == std::string::npos, err.c_str());
  // The config file holds only the variable's name.
  {
    std::ifstream in(configFile_.toStdString());
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    QVERIFY(text.find(keyStart) == std::string::npos && text.find("PSR_TEST_SECRET_KEY") != std::string::npos);
  }

  // Exports of the dataset.
  const QString ws = QString::fromStdString(ws_->dir().string());
  const fs::path exports = fs::path(tmp_.path().toStdString()) / "exports";
  QCOMPARE(runPsr({"-w", ws, "data", "export", "shards", "--out", QString::fromStdString((exports / "shards").string()),
                   "--dataset", "secret", "--split", "all"})
               .code,
           0);
  QCOMPARE(runPsr({"-w", ws, "data", "export", "psrbench", "--out",
                   QString::fromStdString((exports / "bench").string()), "--dataset", "secret", "--split", "train"})
               .code,
           0);
  ws_->db().exec("PRAGMA wal_checkpoint(PASSIVE)");
  const auto hits = filesContaining(fs::path(tmp_.path().toStdString()), keyStart);
  QVERIFY2(hits.empty(), hits.empty() ? "" : hits.front().c_str());
  // A key written into the config file itself is refused, and the message does not repeat it.
  json withKey = configJson(server);
  withKey["api_key"] = key;
  const auto e = errorOf([&] { psr::openai::OpenAiConfig::fromJson(withKey); });
  QVERIFY(e);
  QCOMPARE(e->code(), psr::ErrorCode::InvalidArgument);
  QVERIFY2(std::string(e->what()).find(keyStart) == std::string::npos, e->what());
}

QTEST_GUILESS_MAIN(TestOpenAiProviders)
#include "test_openai_providers.moc"
