// `psr eval generator` on the fixture world with a tiny generator and the benchmark fixture's
// tiny perception models: held-out and train-split reports name their split and draw different
// scenes, and `psr eval compare` refuses to pair reports of different splits (their scenes
// differ) while pairing a report with itself gives zero differences. Runs the real `psr`.
// LibTorch headers come before Qt's.
#include <ATen/ATen.h>

#include "tiny_cli_world.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

namespace fs = std::filesystem;

namespace {

struct Run {
  int code = -1;
  QString out, err;
};

Run runPsr(const QStringList& args) {
  QProcess p;
  p.start(PSR_CLI_PATH, args);
  Run r;
  if (!p.waitForFinished(300000)) return r;
  r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
  r.out = QString::fromUtf8(p.readAllStandardOutput());
  r.err = QString::fromUtf8(p.readAllStandardError());
  return r;
}

QJsonObject readJson(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(f.readAll()).object() : QJsonObject();
}

QJsonArray oracleScores(const QJsonObject& report) {
  return report["subsets"].toObject()["2_subjects"].toObject()["per_sample"].toObject()["psr"].toObject()["oracle"].toArray();
}

}  // namespace

class TestEvalGenerator : public QObject {
  Q_OBJECT

 private slots:
  void trainSplitIsMeasuredAndNeverPairedWithHeldout() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    tiny_cli_world::makeWorldWithPerception(root);
    const auto g = tiny_cli_world::tinyGenerator(false);
    psr::model::saveGenerator(root / "model", g);

    const QStringList common{"-w", dir.filePath("ws"), "eval", "generator", "--model", dir.filePath("model"),
                             "--subjects", "2", "--samples", "3", "--steps", "2", "--threads", "1",
                             "--perception-models", dir.filePath("perception")};
    const auto held = runPsr(common + QStringList{"--out", dir.filePath("held.json")});
    QVERIFY2(held.code == 0, qPrintable(held.err));
    const auto train = runPsr(common + QStringList{"--train-split", "--out", dir.filePath("train.json")});
    QVERIFY2(train.code == 0, qPrintable(train.err));

    const auto h = readJson(dir.filePath("held.json")), t = readJson(dir.filePath("train.json"));
    QCOMPARE(h["settings"].toObject()["split"].toString(), QString("heldout"));
    QCOMPARE(t["settings"].toObject()["split"].toString(), QString("train"));
    // Same seed, other identities: the oracle images (and so their scores) differ.
    QCOMPARE(oracleScores(h).size(), 3);
    QCOMPARE(oracleScores(t).size(), 3);
    QVERIFY(oracleScores(h) != oracleScores(t));

    const auto mixed = runPsr({"eval", "compare", dir.filePath("train.json"), dir.filePath("held.json")});
    QVERIFY(mixed.code != 0);
    QVERIFY2(mixed.err.contains("settings.split"), qPrintable(mixed.err));
    const auto same = runPsr({"eval", "compare", "--json", dir.filePath("held.json"), dir.filePath("held.json")});
    QVERIFY2(same.code == 0, qPrintable(same.err));
    QVERIFY2(same.out.contains("\"2_subjects\""), qPrintable(same.out));
  }
};

QTEST_GUILESS_MAIN(TestEvalGenerator)
#include "test_eval_generator.moc"
