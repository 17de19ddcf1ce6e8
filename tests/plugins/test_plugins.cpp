// Plugin loading: a real MODULE plugin registers a provider; bad plugins are reported.
#include <QTemporaryDir>
#include <QtTest>
#include <fstream>

#include <nlohmann/json.hpp>

#include "common/logging.h"
#include "greeter.h"
#include "plugin/plugin_loader.h"

namespace fs = std::filesystem;

class TestPlugins : public QObject {
  Q_OBJECT

 private slots:
  void loadsPluginAndCreatesProvider();
  void reportsBadPlugins();
  void missingFolderIsNotAnError();
};

void TestPlugins::loadsPluginAndCreatesProvider() {
  psr::plugin::Registry registry(psr::logger());
  const auto loaded = psr::plugin::loadPlugins({PSR_TEST_PLUGIN_DIR "/good"}, registry);
  QCOMPARE(loaded.size(), std::size_t(1));
  QCOMPARE(QString::fromStdString(loaded[0].error), QString());
  QCOMPARE(QString::fromStdString(loaded[0].name), QStringLiteral("echo"));
  QCOMPARE(QString::fromStdString(loaded[0].version), QStringLiteral("1.2.3"));
  QCOMPARE(registry.names<Greeter>(), std::vector<std::string>{"echo"});
  auto greeter = registry.create<Greeter>("echo", nlohmann::json{{"word", "bonjour"}});
  QVERIFY(greeter);
  QCOMPARE(QString::fromStdString(greeter->greet("crab")), QStringLiteral("bonjour, crab"));
  QVERIFY(!registry.create<Greeter>("absent", nlohmann::json::object()));
}

void TestPlugins::reportsBadPlugins() {
  QTemporaryDir dir;
  const fs::path bad = dir.path().toStdString();
  std::ofstream(bad / "garbage.so") << "this is not an ELF file";
  psr::plugin::Registry registry(psr::logger());
  auto loaded = psr::plugin::loadPlugins({PSR_TEST_PLUGIN_DIR "/bad", bad}, registry);
  QCOMPARE(loaded.size(), std::size_t(3));
  std::map<std::string, std::string> errors;
  for (const auto& p : loaded) errors[p.file.filename().string()] = p.error;
  QVERIFY(errors.at("future_plugin.so").find("ABI") != std::string::npos);
  QVERIFY(errors.at("not_a_plugin.so").find("not a PSR Studio plugin") != std::string::npos);
  QVERIFY(errors.at("garbage.so").find("cannot load") != std::string::npos);
  QVERIFY(registry.names<Greeter>().empty());
}

void TestPlugins::missingFolderIsNotAnError() {
  psr::plugin::Registry registry(psr::logger());
  QVERIFY(psr::plugin::loadPlugins({"/nonexistent/psr/plugins"}, registry).empty());
}

QTEST_APPLESS_MAIN(TestPlugins)
#include "test_plugins.moc"
