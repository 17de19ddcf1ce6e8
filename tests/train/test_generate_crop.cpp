// `psr generate` with a model trained on cropped references (config "reference_crop"): the
// references are cut at the detector's box before the model sees them, the JSON names the
// boxes, --whole-references skips the crop, and a model trained on whole references never loads
// the detector. Runs the real `psr` on a tiny generator and the benchmark fixture's tiny
// perception models. LibTorch headers come before Qt's.
#include <ATen/ATen.h>

#include "tiny_cli_world.h"
#include "train_data/generator_io.h"

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
  QJsonObject json;
  QString err;
};

Run generate(const QStringList& args) {
  QProcess p;
  p.start(PSR_CLI_PATH, QStringList{"generate", "--prompt", "put the", "--steps", "2", "--threads", "1", "--json"} + args);
  Run r;
  if (!p.waitForFinished(120000)) return r;
  r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
  r.json = QJsonDocument::fromJson(p.readAllStandardOutput()).object();
  r.err = QString::fromUtf8(p.readAllStandardError());
  return r;
}

QByteArray bytesOf(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

}  // namespace

class TestGenerateCrop : public QObject {
  Q_OBJECT

 private slots:
  void croppedReferenceModelsGetTheDetectorsCrop() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    tiny_cli_world::makeWorldWithPerception(root);
    auto g = tiny_cli_world::tinyGenerator(true);
    psr::model::saveGenerator(root / "whole", g);
    g.config.reference_crop = true;
    psr::model::saveGenerator(root / "crop", g);
    // A reference with a bright square off-centre on a dark ground.
    auto ref = at::full({3, 32, 32}, -1.0f);
    ref.narrow(1, 4, 10).narrow(2, 18, 10).fill_(1.0f);
    psr::train_data::writeModelImage(root / "ref.png", ref);

    const QString perception = dir.filePath("perception"), refPath = dir.filePath("ref.png");
    const auto cropped = generate({"--model", dir.filePath("crop"), "--refs", refPath, "--out", dir.filePath("a.png"),
                                   "--perception-models", perception});
    QVERIFY2(cropped.code == 0, qPrintable(cropped.err));
    const auto boxes = cropped.json.value("reference_boxes").toArray();
    QCOMPARE(boxes.size(), 1);
    QVERIFY2(boxes[0].isArray() && boxes[0].toArray().size() == 4, qPrintable(cropped.err));

    const auto whole = generate({"--model", dir.filePath("crop"), "--refs", refPath, "--out", dir.filePath("b.png"),
                                 "--perception-models", perception, "--whole-references"});
    QVERIFY2(whole.code == 0, qPrintable(whole.err));
    QCOMPARE(whole.json.value("reference_boxes").toArray().size(), 0);
    // Same model, seed and prompt: only the crop differs, and it reached the model.
    QVERIFY(!bytesOf(dir.filePath("a.png")).isEmpty());
    QVERIFY(bytesOf(dir.filePath("a.png")) != bytesOf(dir.filePath("b.png")));

    // A whole-reference model needs no detector: a missing perception folder is never read,
    // and its image equals the crop model's without the crop.
    const auto plain = generate({"--model", dir.filePath("whole"), "--refs", refPath, "--out", dir.filePath("c.png"),
                                 "--perception-models", dir.filePath("missing")});
    QVERIFY2(plain.code == 0, qPrintable(plain.err));
    QCOMPARE(plain.json.value("reference_boxes").toArray().size(), 0);
    QCOMPARE(bytesOf(dir.filePath("c.png")), bytesOf(dir.filePath("b.png")));
    // The crop model with a missing detector fails with the folder named, and writes nothing.
    const auto broken = generate({"--model", dir.filePath("crop"), "--refs", refPath, "--out", dir.filePath("d.png"),
                                  "--perception-models", dir.filePath("missing")});
    QVERIFY(broken.code != 0);
    QVERIFY2(broken.err.contains("missing"), qPrintable(broken.err));
    QVERIFY(!QFile::exists(dir.filePath("d.png")));
  }
};

QTEST_GUILESS_MAIN(TestGenerateCrop)
#include "test_generate_crop.moc"
