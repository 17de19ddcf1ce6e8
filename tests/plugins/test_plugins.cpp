// Plugin loading: a real MODULE plugin registers a provider; bad plugins are reported.
#include <QProcess>
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
  void loadsOnlyFromTheNamedFolders();
  void refusesWritableByEveryone();
  void cliLoadsOnlyConfiguredFolders();
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

namespace {

/// A private copy of the working fixture plugin in `dir` (named `name`).
fs::path copyEcho(const fs::path& dir, const std::string& name = "echo_plugin.so") {
  fs::create_directories(dir);
  fs::copy_file(PSR_TEST_PLUGIN_DIR "/good/echo_plugin.so", dir / name, fs::copy_options::overwrite_existing);
  fs::permissions(dir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                           fs::perms::others_read | fs::perms::others_exec);
  return dir / name;
}

}  // namespace

void TestPlugins::loadsOnlyFromTheNamedFolders() {
  QTemporaryDir tmp;
  const fs::path root = tmp.path().toStdString();
  // Plugins in sub-folders, under other extensions, or beside the named folder are not loaded.
  copyEcho(root / "named" / "sub");
  copyEcho(root / "named", "echo_plugin.so.bak");
  copyEcho(root / "named", "echo_plugin.so.1");
  copyEcho(root / "beside");
  fs::create_symlink(root / "beside", root / "named" / "link-to-folder.so");
  psr::plugin::Registry registry(psr::logger());
  const auto loaded = psr::plugin::loadPlugins({root / "named"}, registry);
  QVERIFY2(loaded.empty(), loaded.empty() ? "" : loaded[0].file.c_str());
  QVERIFY(registry.names<Greeter>().empty());
}

void TestPlugins::refusesWritableByEveryone() {
  QTemporaryDir tmp;
  const fs::path root = tmp.path().toStdString();
  const auto file = copyEcho(root / "plugins");
  fs::permissions(file, fs::perms::others_write, fs::perm_options::add);
  {
    psr::plugin::Registry registry(psr::logger());
    const auto loaded = psr::plugin::loadPlugins({root / "plugins"}, registry);
    QCOMPARE(loaded.size(), std::size_t(1));
    QVERIFY2(loaded[0].error.find("writable by every user") != std::string::npos, loaded[0].error.c_str());
    QVERIFY(registry.names<Greeter>().empty());
  }
  fs::permissions(file, fs::perms::others_write, fs::perm_options::remove);
  fs::permissions(root / "plugins", fs::perms::others_write, fs::perm_options::add);
  {
    psr::plugin::Registry registry(psr::logger());
    const auto loaded = psr::plugin::loadPlugins({root / "plugins"}, registry);
    QCOMPARE(loaded.size(), std::size_t(1));
    QVERIFY2(loaded[0].error.find("folder is writable by every user") != std::string::npos, loaded[0].error.c_str());
  }
  fs::permissions(root / "plugins", fs::perms::others_write, fs::perm_options::remove);
  {
    psr::plugin::Registry registry(psr::logger());
    const auto loaded = psr::plugin::loadPlugins({root / "plugins"}, registry);
    QCOMPARE(loaded.size(), std::size_t(1));
    QCOMPARE(QString::fromStdString(loaded[0].error), QString());
  }
}

void TestPlugins::cliLoadsOnlyConfiguredFolders() {
  // A working plugin in the current folder, in a workspace-like folder and on LD_LIBRARY_PATH
  // is never loaded by `psr`: only $PSR_PLUGIN_PATH and the installed folder are searched, and
  // empty entries of $PSR_PLUGIN_PATH do not mean the current folder.
  QTemporaryDir tmp;
  const fs::path root = tmp.path().toStdString();
  copyEcho(root);
  copyEcho(root / "plugins");
  copyEcho(root / "lib");
  auto run = [&](const QString& pluginPath) {
    QProcess p;
    auto env = QProcessEnvironment::systemEnvironment();
    env.remove("PSR_PLUGIN_PATH");
    if (!pluginPath.isNull()) env.insert("PSR_PLUGIN_PATH", pluginPath);
    env.insert("LD_LIBRARY_PATH", QString::fromStdString((root / "lib").string()));
    p.setProcessEnvironment(env);
    p.setWorkingDirectory(QString::fromStdString(root.string()));
    p.start(PSR_CLI_PATH, {"plugins", "list", "--json"});
    if (!p.waitForFinished(60000) || p.exitCode() != 0) qFatal("psr plugins list failed");
    return nlohmann::json::parse(p.readAllStandardOutput().toStdString());
  };
  auto names = [](const nlohmann::json& j) {
    std::vector<std::string> out;
    for (const auto& p : j.at("plugins")) out.push_back(p.at("name").get<std::string>());
    return out;
  };
  for (const QString& path : {QString(), QStringLiteral(""), QStringLiteral(":"), QStringLiteral("::")}) {
    const auto j = run(path);
    const auto loaded = names(j);
    QVERIFY2(std::find(loaded.begin(), loaded.end(), "echo") == loaded.end(), j.dump().c_str());
    for (const auto& dir : j.at("dirs")) {
      const std::string d = dir.get<std::string>();
      QVERIFY2(d.rfind(root.string(), 0) != 0, d.c_str());
    }
  }
  // Named explicitly, it loads.
  const auto j = run(QString::fromStdString((root / "plugins").string()));
  const auto loaded = names(j);
  QVERIFY2(std::find(loaded.begin(), loaded.end(), "echo") != loaded.end(), j.dump().c_str());
}

QTEST_GUILESS_MAIN(TestPlugins)
#include "test_plugins.moc"
