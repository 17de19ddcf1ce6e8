// The `psr` executable as a user runs it: versions, workspace init/info, and bad input.
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QCoreApplication>
#include <QFile>
#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include "store/migrations.h"

namespace {

struct Result {
  int exitCode = -1;
  QString out;
  QString err;
};

// 'nobody' must be able to reach the binary, but a build tree under a 0700 folder (mktemp -d)
// is not traversable for it: run a copy from a world-readable folder instead.
QString binaryForNobody() {
  const QString dir = QDir::tempPath() + "/psr-test-cli-" + QString::number(QCoreApplication::applicationPid());
  const QString copy = dir + "/psr";
  if (!QFile::exists(copy)) {
    QDir().mkpath(dir);
    ::chmod(dir.toLocal8Bit().constData(), 0755);
    QFile::copy(PSR_CLI_PATH, copy);
    ::chmod(copy.toLocal8Bit().constData(), 0755);
  }
  return copy;
}

Result runPsr(const QStringList& args, const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment(),
              bool dropPrivileges = false) {
  QProcess p;
  p.setProcessEnvironment(env);
  if (dropPrivileges) {
    // Root ignores file modes, so the read-only check runs the CLI as 'nobody' in that case.
    p.setChildProcessModifier([] {
      if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) _exit(100);
    });
  }
  p.start(dropPrivileges ? binaryForNobody() : QString(PSR_CLI_PATH), args);
  if (!p.waitForFinished(120000)) return {};
  return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
          QString::fromUtf8(p.readAllStandardError())};
}

}  // namespace

class TestCli : public QObject {
  Q_OBJECT

 private slots:
  void versionListsEveryDependency();
  void helpAndUsageErrors();
  void initThenInfoJson();
  void workspaceFromEnvironment();
  void infoHumanReadable();
  void badWorkspaces_data();
  void badWorkspaces();
  void readOnlyWorkspace();
  void installedBinaryUsesItsOwnModels();

 private:
  QTemporaryDir tmp_;
  QString path(const QString& name) const { return tmp_.filePath(name); }
};

void TestCli::versionListsEveryDependency() {
  const Result r = runPsr({"--version"});
  QCOMPARE(r.exitCode, 0);
  for (const char* name : {"PSR Studio: 0.", "LibTorch: 1.", "Qt: 6.", "OpenCV: 4.", "SQLite: 3.", "CUDA: "}) {
    QVERIFY2(r.out.contains(QLatin1String(name)), qPrintable(QString("missing '%1' in:\n%2").arg(name, r.out)));
  }
}

void TestCli::helpAndUsageErrors() {
  const Result help = runPsr({"--help"});
  QCOMPARE(help.exitCode, 0);
  QVERIFY(help.out.contains("workspace"));
  const Result unknown = runPsr({"frobnicate"});
  QCOMPARE(unknown.exitCode, 2);
  const Result extra = runPsr({"workspace", "init", "a", "b"});
  QCOMPARE(extra.exitCode, 2);
}

void TestCli::initThenInfoJson() {
  const QString dir = path("ws");
  Result init = runPsr({"workspace", "init", dir});
  QCOMPARE(init.exitCode, 0);
  QVERIFY(init.out.contains("workspace ready"));
  QVERIFY(QFileInfo(dir + "/studio.db").isFile());
  QCOMPARE(runPsr({"workspace", "init", dir}).exitCode, 0);  // idempotent

  const Result info = runPsr({"--workspace", dir, "workspace", "info", "--json"});
  QCOMPARE(info.exitCode, 0);
  QJsonParseError err{};
  const QJsonObject obj = QJsonDocument::fromJson(info.out.toUtf8(), &err).object();
  QCOMPARE(err.error, QJsonParseError::NoError);
  QCOMPARE(obj["schema_version"].toInt(), psr::store::latestSchemaVersion());
  QCOMPARE(QFileInfo(obj["path"].toString()).canonicalFilePath(), QFileInfo(dir).canonicalFilePath());
  QCOMPARE(obj["counts"].toObject()["samples"].toInt(-1), 0);
  QCOMPARE(obj["counts"].toObject()["blobs"].toInt(-1), 0);
}

void TestCli::workspaceFromEnvironment() {
  const QString dir = path("ws-env");
  auto env = QProcessEnvironment::systemEnvironment();
  env.insert("PSR_WORKSPACE", dir);
  QCOMPARE(runPsr({"workspace", "init"}, env).exitCode, 0);  // DIR defaults to the selected workspace
  sqlite3* db = nullptr;
  QCOMPARE(sqlite3_open((dir + "/studio.db").toLocal8Bit().constData(), &db), SQLITE_OK);
  sqlite3_exec(db, "INSERT INTO models(name, kind) VALUES ('sft', 'generator')", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  const Result info = runPsr({"workspace", "info", "--json"}, env);
  QCOMPARE(info.exitCode, 0);
  QCOMPARE(QJsonDocument::fromJson(info.out.toUtf8()).object()["counts"].toObject()["models"].toInt(), 1);
}

void TestCli::infoHumanReadable() {
  const QString dir = path("ws-human");
  QCOMPARE(runPsr({"workspace", "init", dir}).exitCode, 0);
  const Result info = runPsr({"-w", dir, "workspace", "info"});
  QCOMPARE(info.exitCode, 0);
  QVERIFY(info.out.contains("schema:"));
  QVERIFY(info.out.contains(QFileInfo(dir).fileName()));
}

void TestCli::badWorkspaces_data() {
  QTest::addColumn<QString>("kind");
  QTest::addColumn<int>("exitCode");
  QTest::addColumn<QString>("wording");
  QTest::newRow("missing folder") << "missing" << 3 << "does not exist";
  QTest::newRow("not a workspace") << "plain" << 4 << "not a PSR Studio workspace";
  QTest::newRow("newer schema") << "newer" << 5 << "newer PSR Studio";
  QTest::newRow("corrupt database") << "corrupt" << 6 << "damaged";
}

void TestCli::badWorkspaces() {
  QFETCH(QString, kind);
  QFETCH(int, exitCode);
  QFETCH(QString, wording);
  const QString dir = path("bad-" + kind);
  if (kind != "missing") QVERIFY(QDir().mkpath(dir));
  if (kind == "newer" || kind == "corrupt") {
    QCOMPARE(runPsr({"workspace", "init", dir}).exitCode, 0);
    sqlite3* db = nullptr;
    QCOMPARE(sqlite3_open((dir + "/studio.db").toLocal8Bit().constData(), &db), SQLITE_OK);
    sqlite3_exec(db, "PRAGMA user_version = 999", nullptr, nullptr, nullptr);
    sqlite3_close(db);
    if (kind == "corrupt") {
      QFile f(dir + "/studio.db");
      QVERIFY(f.open(QIODevice::ReadWrite));
      f.write(QByteArray(64, '\x5a'));
    }
  }
  QByteArray before;
  if (QFile f(dir + "/studio.db"); f.open(QIODevice::ReadOnly)) before = f.readAll();

  const Result r = runPsr({"-w", dir, "workspace", "info", "--json"});
  QCOMPARE(r.exitCode, exitCode);
  QVERIFY2(r.err.contains(wording), qPrintable(r.err));
  QVERIFY(r.out.isEmpty());
  QByteArray after;
  if (QFile f(dir + "/studio.db"); f.open(QIODevice::ReadOnly)) after = f.readAll();
  QCOMPARE(after, before);
}

void TestCli::readOnlyWorkspace() {
  const QString dir = path("ws-ro");
  QCOMPARE(runPsr({"workspace", "init", dir}).exitCode, 0);
  ::chmod(tmp_.path().toLocal8Bit().constData(), 0755);
  ::chmod(dir.toLocal8Bit().constData(), 0555);
  ::chmod((dir + "/studio.db").toLocal8Bit().constData(), 0444);
  const Result r = runPsr({"-w", dir, "workspace", "info"}, QProcessEnvironment::systemEnvironment(), true);
  const Result init = runPsr({"workspace", "init", dir + "/sub"}, QProcessEnvironment::systemEnvironment(), true);
  ::chmod(dir.toLocal8Bit().constData(), 0755);
  ::chmod((dir + "/studio.db").toLocal8Bit().constData(), 0644);
  QCOMPARE(r.exitCode, 7);
  QVERIFY2(r.err.contains("not writable"), qPrintable(r.err));
  QCOMPARE(init.exitCode, 7);
  QVERIFY(!QFileInfo::exists(dir + "/sub"));
}

// An installed psr (the .deb: <prefix>/bin/psr and <prefix>/share/psr-studio/models) must read
// the shipped models beside itself, not from the source tree of the machine that built it.
void TestCli::installedBinaryUsesItsOwnModels() {
  QTemporaryDir prefix;
  QVERIFY(QDir().mkpath(prefix.filePath("bin")));
  const QString exe = prefix.filePath("bin/psr");
  QVERIFY(QFile::copy(PSR_CLI_PATH, exe));
  QVERIFY(QFile::setPermissions(exe, QFile::permissions(exe) | QFileDevice::ExeOwner));
  QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
  env.remove("PSR_GENERATOR_MODELS");
  auto exportSft = [&](const QString& out) {
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(exe, {"model", "export", "--from", "sft", "--out", prefix.filePath(out)});
    p.waitForFinished(60000);
    return Result{p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
  };
  // No share/ beside it: the build's source tree, which ships sft.
  const Result fromSource = exportSft("a");
  QVERIFY2(fromSource.exitCode == 0, qPrintable(fromSource.err));
  QVERIFY(QFile::exists(prefix.filePath("a/config.json")));
  // An install layout without sft: the binary looks there, and says so.
  const QString installed = prefix.filePath("share/psr-studio/models/generator");
  QVERIFY(QDir().mkpath(installed));
  const Result fromInstall = exportSft("b");
  QVERIFY(fromInstall.exitCode != 0);
  QVERIFY2(fromInstall.err.contains("is not in " + QDir::cleanPath(installed)), qPrintable(fromInstall.err));
  QVERIFY(!QFile::exists(prefix.filePath("b/config.json")));
}

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
