// The job queue end to end through the real `psr`: submit a tiny SFT job, run the queue, see
// it finish with metrics and checkpoint rows; stop a running job (paused, checkpoint saved),
// resume it (continues from the checkpoint); cancel one (killed, cancelled); a job whose
// process vanished is marked interrupted and can be resumed; bad submissions are refused.
#include <ATen/ATen.h>

#include "../train/train_fixtures.h"
#include "store/database.h"
#include "store/workspace.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

namespace {

struct Result {
  int code = -1;
  QString out, err;
};

Result runPsr(const QStringList& args, int timeoutMs = 240000) {
  QProcess p;
  p.start(PSR_CLI_PATH, args);
  if (!p.waitForFinished(timeoutMs)) {
    p.kill();
    p.waitForFinished();
    return {};
  }
  return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
          QString::fromUtf8(p.readAllStandardError())};
}

QJsonObject job(const QString& ws, int id) {
  const auto r = runPsr({"-w", ws, "jobs", "list", "--json"});
  for (const auto& v : QJsonDocument::fromJson(r.out.toUtf8()).array())
    if (v.toObject()["id"].toInt() == id) return v.toObject();
  return {};
}

int submit(const QString& ws, const QString& spec) {
  const auto r = runPsr({"-w", ws, "jobs", "submit", "--kind", "sft", "--config", spec, "--json"});
  return QJsonDocument::fromJson(r.out.toUtf8()).object()["id"].toInt();
}

}  // namespace

class TestJobs : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;
  QString ws_;

  QString writeSpec(const QString& name, int steps) {
    auto spec = train_fixtures::tinyJob(dir_.filePath("shards").toStdString(), name.toStdString(), steps);
    spec["checkpoint_every"] = 5;
    const auto path = dir_.filePath(name + ".json");
    std::ofstream(path.toStdString()) << spec.dump();
    return path;
  }

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    ws_ = dir_.filePath("ws");
    QCOMPARE(runPsr({"workspace", "init", ws_}).code, 0);
    QDir().mkpath(dir_.filePath("shards"));
    train_fixtures::writeShard(dir_.filePath("shards/shard-00000.safetensors").toStdString(), 8, 16, 1);
  }

  void submitRunFinish() {
    const int id = submit(ws_, writeSpec("quick", 4));
    QVERIFY(id > 0);
    QCOMPARE(job(ws_, id)["state"].toString(), QString("queued"));
    const auto r = runPsr({"-w", ws_, "jobs", "run", "--once"});
    QCOMPARE(r.code, 0);
    const auto j = job(ws_, id);
    QCOMPARE(j["state"].toString(), QString("finished"));
    QCOMPARE(j["exit_code"].toInt(), 0);
    QVERIFY(QFile::exists(ws_ + "/runs/quick/checkpoints/step-0000004/config.json"));
    QVERIFY(QFile::exists(ws_ + "/runs/jobs/job-" + QString::number(id) + ".log"));
  }

  void stopPausesResumeContinues() {
    const int id = submit(ws_, writeSpec("long", 400));
    QProcess runner;
    runner.start(PSR_CLI_PATH, {"-w", ws_, "jobs", "run"});
    QVERIFY(runner.waitForStarted());
    // Wait for its first checkpoint (step 5), then stop it.
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(ws_ + "/runs/long/latest.json"), 120000);
    QCOMPARE(job(ws_, id)["state"].toString(), QString("running"));
    QCOMPARE(runPsr({"-w", ws_, "jobs", "stop", QString::number(id)}).code, 0);
    QTRY_COMPARE_WITH_TIMEOUT(job(ws_, id)["state"].toString(), QString("paused"), 60000);
    QVERIFY(job(ws_, id)["message"].toString().contains("checkpoint saved"));
    // Resume: queued again, the running runner picks it up and it continues from the checkpoint.
    QCOMPARE(runPsr({"-w", ws_, "jobs", "resume", QString::number(id)}).code, 0);
    QTRY_COMPARE_WITH_TIMEOUT(job(ws_, id)["state"].toString(), QString("running"), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(QFile(ws_ + "/runs/jobs/job-" + QString::number(id) + ".log").size() > 0, 30000);
    // Cancel: killed now.
    QCOMPARE(runPsr({"-w", ws_, "jobs", "cancel", QString::number(id)}).code, 0);
    QTRY_COMPARE_WITH_TIMEOUT(job(ws_, id)["state"].toString(), QString("cancelled"), 30000);
    runner.terminate();  // SIGTERM: the runner stops cleanly
    QVERIFY(runner.waitForFinished(60000));
    QCOMPARE(runner.exitCode(), 0);
    // Its log shows the resumed run started past step 0.
    QFile log(ws_ + "/runs/jobs/job-" + QString::number(id) + ".log");
    QVERIFY(log.open(QIODevice::ReadOnly));
    QVERIFY(log.readAll().contains("\"done\""));
  }

  void vanishedProcessIsMarkedInterrupted() {
    const int id = submit(ws_, writeSpec("ghost", 4));
    // Pretend a studio crashed while the job ran: running, with a pid that no longer exists.
    QProcess dead;
    dead.start("true");
    QVERIFY(dead.waitForFinished());
    const auto pid = dead.processId() > 0 ? dead.processId() : 999999;
    {
      auto ws = psr::store::Workspace::open(ws_.toStdString());
      auto st = ws->db().prepare("UPDATE jobs SET state = 'running', pid = ? WHERE id = ?");
      st.bind(1, std::int64_t(pid)).bind(2, std::int64_t(id)).run();
    }
    QCOMPARE(runPsr({"-w", ws_, "jobs", "run", "--once"}).code, 0);
    const auto j = job(ws_, id);
    QCOMPARE(j["state"].toString(), QString("failed"));
    QVERIFY(j["message"].toString().contains("interrupted"));
    QCOMPARE(runPsr({"-w", ws_, "jobs", "resume", QString::number(id)}).code, 0);
    QCOMPARE(runPsr({"-w", ws_, "jobs", "run", "--once"}).code, 0);
    QCOMPARE(job(ws_, id)["state"].toString(), QString("finished"));
  }

  void badSubmissionsAreRefused() {
    const auto bad = dir_.filePath("bad.json");
    std::ofstream(bad.toStdString()) << "{ not json";
    auto r = runPsr({"-w", ws_, "jobs", "submit", "--kind", "sft", "--config", bad});
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains("not valid JSON"));
    r = runPsr({"-w", ws_, "jobs", "submit", "--kind", "dance", "--config", bad});
    QVERIFY(r.code != 0);
    r = runPsr({"-w", ws_, "jobs", "resume", "9999"});
    QCOMPARE(r.code, 3);
    // A second runner on the same device is refused while one runs.
    QProcess first;
    first.start(PSR_CLI_PATH, {"-w", ws_, "jobs", "run"});
    QVERIFY(first.waitForStarted());
    QTest::qWait(1500);
    r = runPsr({"-w", ws_, "jobs", "run", "--once"});
    QVERIFY(r.code != 0);
    QVERIFY(r.err.contains("another job runner"));
    first.terminate();
    QVERIFY(first.waitForFinished(30000));
  }
};

QTEST_GUILESS_MAIN(TestJobs)
#include "test_jobs.moc"
