// Crash safety of the workspace: every writer is killed with SIGKILL at random moments, then
// the database must pass PRAGMA integrity_check and foreign_key_check, every row that was
// committed before the kill must still be there (whole), and every checkpoint on disk must be
// complete. Writers: `psr data synth` (the real CLI, resumed after each kill), review edits,
// metrics logging and checkpoint writing (helper processes built with this test).
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "io/safetensors.h"
#include "pipeline_fixture.h"
#include "store/workspace.h"

namespace fs = std::filesystem;
using psr::store::Workspace;

namespace {

QString cliPath() {
  const QByteArray fromEnv = qgetenv("PSR_CLI_PATH");
  return fromEnv.isEmpty() ? QStringLiteral(PSR_CLI_PATH) : QString::fromLocal8Bit(fromEnv);
}

int randomIn(int lo, int hi) { return lo + int(QRandomGenerator::global()->bounded(hi - lo + 1)); }

/// SIGKILL (QProcess::kill) and reap; returns everything the process printed.
QByteArray killAndCollect(QProcess& p, QByteArray out) {
  p.kill();
  p.waitForFinished(20000);
  return out + p.readAllStandardOutput();
}

/// Reads stdout until `lines` complete lines arrived or `ms` passed.
/// The complete lines of `out` (a line cut by the kill is dropped).
QList<QByteArray> wholeLines(const QByteArray& out) {
  QList<QByteArray> lines = out.split('\n');
  lines.removeLast();  // empty after a final newline, else a partial line
  return lines;
}

QByteArray readLines(QProcess& p, int lines, int ms) {
  QByteArray out;
  QElapsedTimer t;
  t.start();
  while (out.count('\n') < lines && t.elapsed() < ms && p.state() == QProcess::Running) {
    p.waitForReadyRead(std::max<int>(1, ms - int(t.elapsed())));
    out += p.readAllStandardOutput();
  }
  return out;
}

void checkIntegrity(Workspace& ws) {
  auto& db = ws.db();
  auto check = db.prepare("PRAGMA integrity_check");
  QVERIFY(check.step());
  QCOMPARE(QString::fromStdString(check.columnText(0)), QStringLiteral("ok"));
  auto fk = db.prepare("PRAGMA foreign_key_check");
  QVERIFY2(!fk.step(), "foreign_key_check reports dangling references");
}

}  // namespace

class TestCrash : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void synthesisKilledAtRandomPoints();
  void reviewEditsKilledAtRandomPoints();
  void metricsKilledAtRandomPoints();
  void checkpointWritingKilledAtRandomPoints();

 private:
  QTemporaryDir tmp_;
  fs::path dir_;
  fs::path wsDir_;
  int kills_ = 0;
};

void TestCrash::initTestCase() {
  QVERIFY(tmp_.isValid());
  dir_ = fs::path(tmp_.path().toStdString());
  makePipelineWorkspace(dir_ / "world").reset();
  wsDir_ = dir_ / "world" / "ws";
  QVERIFY(fs::exists(wsDir_ / "studio.db"));
}

void TestCrash::synthesisKilledAtRandomPoints() {
  const QString ws = QString::fromStdString(wsDir_.string());
  auto db = Workspace::open(wsDir_);
  const QStringList common = {"-w", ws, "data", "synth"};
  // Large enough that no round finishes it: alone on this machine the fixture world synthesises
  // ~600 samples/s, and a round lasts under half a second after its first commit.
  const QStringList fresh = {"--subset", "all", "--count", "4000", "--seed", "5", "--batch-size", "8", "--dataset", "crash"};
  long long runId = 0;
  std::set<std::int64_t> committed;  // sample ids seen committed before a kill
  std::set<std::int64_t> verified;   // samples whose blobs were read back
  int kills = 0, verifiedBlobs = 0;
  for (int round = 0; round < 8; ++round) {
    QProcess p;
    p.start(cliPath(), common + (runId == 0 ? fresh : QStringList{"--resume", QString::number(runId)}));
    QVERIFY2(p.waitForStarted(10000), qPrintable(p.errorString()));
    // A random moment after this round committed its first batch (the process start-up, with
    // LibTorch, takes a varying second): inside a later batch, or between batches.
    auto produced = [&] {
      auto st = db->db().prepare(
          "SELECT r.produced FROM synth_runs r JOIN datasets d ON d.id = r.dataset_id WHERE d.name = 'crash'");
      return st.step() ? st.columnInt(0) : std::int64_t(-1);
    };
    const std::int64_t before = produced();
    QElapsedTimer waited;
    waited.start();
    // waitForFinished, not a sleep: without an event loop only a wait notices that the child
    // ended, and a stale "Running" kept this loop waiting the full minute for commits that could
    // never come (a resumed run that had already finished).
    while (p.state() == QProcess::Running && produced() <= std::max<std::int64_t>(before, 0) && waited.elapsed() < 60000)
      p.waitForFinished(2);
    p.waitForFinished(randomIn(0, 400));
    for (auto st = db->db().prepare(
             "SELECT s.id FROM samples s JOIN datasets d ON d.id = s.dataset_id WHERE d.name = 'crash'");
         st.step();)
      committed.insert(st.columnInt(0));
    p.waitForFinished(randomIn(0, 15));
    if (p.state() == QProcess::Running) {
      killAndCollect(p, {});
      ++kills;
    } else {
      p.waitForFinished();
      QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
    }
    checkIntegrity(*db);
    if (runId == 0) {
      auto st = db->db().prepare(
          "SELECT r.id FROM synth_runs r JOIN datasets d ON d.id = r.dataset_id WHERE d.name = 'crash'");
      if (st.step()) runId = st.columnInt(0);
    }
    // Nothing committed was lost; the run's counter matches its rows; every blob a sample
    // refers to exists whole (BlobStore::read verifies the SHA-256).
    std::set<std::int64_t> now;
    for (auto st = db->db().prepare(
             "SELECT s.id FROM samples s JOIN datasets d ON d.id = s.dataset_id WHERE d.name = 'crash'");
         st.step();)
      now.insert(st.columnInt(0));
    for (const auto id : committed) QVERIFY2(now.count(id), qPrintable(QString("sample %1 was lost").arg(id)));
    if (runId != 0) {
      QCOMPARE(db->db().queryInt("SELECT produced FROM synth_runs WHERE id = " + std::to_string(runId)),
               db->db().queryInt("SELECT count(*) FROM samples WHERE synth_run_id = " + std::to_string(runId)));
    }
    auto blobs = db->db().prepare(
        "SELECT target_blob FROM samples WHERE synth_run_id = ?1 AND id NOT IN (SELECT value FROM json_each(?2)) "
        "UNION SELECT r.blob FROM sample_references r JOIN samples s ON s.id = r.sample_id "
        "WHERE s.synth_run_id = ?1 AND s.id NOT IN (SELECT value FROM json_each(?2))");
    blobs.bind(1, std::int64_t(runId)).bind(2, std::string_view(nlohmann::json(verified).dump()));
    while (blobs.step()) {
      const std::string sha = blobs.columnText(0);
      QVERIFY2(!db->blobs().read(sha).empty(), sha.c_str());
      ++verifiedBlobs;
    }
    verified.insert(now.begin(), now.end());
    committed.insert(now.begin(), now.end());
  }
  QVERIFY2(kills >= 4, qPrintable(QString::number(kills)));
  QVERIFY(runId != 0);
  // The killed run resumes to the end.
  QProcess p;
  p.start(cliPath(), common + QStringList{"--resume", QString::number(runId), "--json"});
  QVERIFY(p.waitForFinished(180000));
  QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
  const auto report = nlohmann::json::parse(p.readAllStandardOutput().toStdString());
  QCOMPARE(report.at("produced").get<long long>(), 4000LL);
  checkIntegrity(*db);
  kills_ += kills;
  qInfo("synthesis: %d kills, %zu samples committed, %d new blobs verified", kills, committed.size(), verifiedBlobs);
}

void TestCrash::reviewEditsKilledAtRandomPoints() {
  auto ws = Workspace::open(wsDir_);
  auto& db = ws->db();
  QVERIFY(db.queryInt("SELECT count(*) FROM samples") > 0);
  // Expected review state per sample after every acknowledged edit ("none" when cleared).
  std::map<std::int64_t, std::string> expected;
  auto stateOf = [&](std::int64_t id) -> std::string {
    auto st = db.prepare("SELECT verdict, reason FROM reviews WHERE sample_id = ?");
    st.bind(1, id);
    if (!st.step()) return "none";
    const std::string verdict = st.columnText(0);
    return verdict == "rejected" ? verdict + ":" + std::to_string(st.columnInt(1)) : verdict;
  };
  int kills = 0, edits = 0;
  for (int round = 0; round < 10; ++round) {
    QProcess w;
    w.start(PSR_CRASH_WRITER_PATH, {"review", QString::fromStdString(wsDir_.string()), QString::number(round + 1)});
    QVERIFY2(w.waitForStarted(10000), qPrintable(w.errorString()));
    QByteArray out = readLines(w, randomIn(2, 120), 10000);
    QThread::usleep(std::uint64_t(randomIn(0, 3000)));
    out = killAndCollect(w, out);
    ++kills;
    std::int64_t inFlight = -1;
    for (const QByteArray& line : wholeLines(out)) {
      const auto parts = line.split(' ');
      if (parts.size() == 2 && parts[0] == "intent") inFlight = parts[1].toLongLong();
      if (parts.size() == 3 && parts[0] == "done") {
        expected[parts[1].toLongLong()] = parts[2].toStdString();
        inFlight = -1;
        ++edits;
      }
    }
    checkIntegrity(*ws);
    for (const auto& [id, state] : expected) {
      if (id == inFlight) continue;  // its edit may or may not have committed
      QCOMPARE(QString::fromStdString(stateOf(id)), QString::fromStdString(state));
    }
    if (inFlight >= 0) expected[inFlight] = stateOf(inFlight);
  }
  kills_ += kills;
  qInfo("review edits: %d kills, %d acknowledged edits checked", kills, edits);
}

void TestCrash::metricsKilledAtRandomPoints() {
  auto ws = Workspace::open(wsDir_);
  auto& db = ws->db();
  db.exec("INSERT INTO jobs(kind, spec, state) VALUES ('sft', '{}', 'running')");
  const std::int64_t job = db.lastInsertId();
  std::int64_t acknowledged = -1, next = 0;
  int kills = 0;
  for (int round = 0; round < 10; ++round) {
    QProcess w;
    w.start(PSR_CRASH_WRITER_PATH, {"metrics", QString::fromStdString(wsDir_.string()), QString::number(job),
                                    QString::number(next)});
    QVERIFY2(w.waitForStarted(10000), qPrintable(w.errorString()));
    QByteArray out = readLines(w, randomIn(1, 60), 10000);
    QThread::usleep(std::uint64_t(randomIn(0, 2000)));
    out = killAndCollect(w, out);
    ++kills;
    for (const QByteArray& line : wholeLines(out)) acknowledged = std::max<std::int64_t>(acknowledged, line.toLongLong());
    checkIntegrity(*ws);
    const std::string j = std::to_string(job);
    // Every acknowledged step is there with all its metrics; no step is half-written.
    QCOMPARE(db.queryInt("SELECT count(DISTINCT step) FROM metrics WHERE job_id = " + j + " AND step <= " +
                         std::to_string(acknowledged)),
             acknowledged + 1);
    QCOMPARE(db.queryInt("SELECT count(*) FROM (SELECT step FROM metrics WHERE job_id = " + j +
                         " GROUP BY step HAVING count(*) <> 8)"),
             std::int64_t(0));
    QCOMPARE(db.queryInt("SELECT count(*) FROM metrics WHERE job_id = " + j + " AND value <> step * 10 + "
                         "CAST(substr(name, 2) AS INTEGER)"),
             std::int64_t(0));
    next = db.queryInt("SELECT coalesce(max(step), -1) + 1 FROM metrics WHERE job_id = " + j);
  }
  QVERIFY(acknowledged >= 10);
  kills_ += kills;
  qInfo("metrics: %d kills, %lld steps acknowledged", kills, (long long)acknowledged + 1);
}

void TestCrash::checkpointWritingKilledAtRandomPoints() {
  const fs::path dir = dir_ / "checkpoints";
  long long acknowledged = 0;
  int kills = 0;
  for (int round = 0; round < 8; ++round) {
    QProcess w;
    w.start(PSR_CHECKPOINT_WRITER_PATH, {"write", QString::fromStdString(dir.string()), QString::number(acknowledged + 1)});
    QVERIFY2(w.waitForStarted(10000), qPrintable(w.errorString()));
    QByteArray out = readLines(w, randomIn(1, 4), 30000);
    QThread::msleep(std::uint64_t(randomIn(0, 60)));
    out = killAndCollect(w, out);
    ++kills;
    for (const QByteArray& line : wholeLines(out)) acknowledged = std::max(acknowledged, line.toLongLong());
    // Both checkpoints load whole, each holds one save (no mix of two), and neither is older
    // than the last acknowledged save (at most one newer: the save in flight may have finished).
    QProcess v;
    v.start(PSR_CHECKPOINT_WRITER_PATH, {"verify", QString::fromStdString(dir.string())});
    QVERIFY(v.waitForFinished(60000));
    const QString result = QString::fromUtf8(v.readAllStandardOutput()).trimmed();
    QVERIFY2(v.exitCode() == 0, v.readAllStandardError().constData());
    const QStringList parts = result.split(' ');
    QCOMPARE(parts.size(), 4);
    const long long weights = parts[1].toLongLong(), generator = parts[3].toLongLong();
    QVERIFY2(weights >= acknowledged && weights <= acknowledged + 1, qPrintable(result));
    QVERIFY2(generator >= acknowledged && generator <= acknowledged + 1, qPrintable(result));
    // The file the reader maps is a complete safetensors file (a leftover *.tmp is never read).
    if (fs::exists(dir / "dit.safetensors")) psr::io::SafetensorsReader reader(dir / "dit.safetensors");
    acknowledged = std::max(weights, generator);
  }
  QVERIFY(acknowledged >= 8);
  kills_ += kills;
  qInfo("checkpoints: %d kills, %lld saves", kills, acknowledged);
}

QTEST_GUILESS_MAIN(TestCrash)
#include "test_crash.moc"
