// The score inspector on the offscreen platform: a canned `psr score --json` answer parsed and
// drawn (boxes, tags, consistency per reference, totals, semantic checks), a failing CLI shown
// in the banner, the Compose history and Curate detail hooks, and real `psr score` runs with
// the shipped perception models (a result or a clear error, never a crash).
#include "isolated_gui_main.h"
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPainter>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "common/logging.h"
#include "compose/compose_recipe.h"
#include "compose/history_model.h"
#include "compose/history_pane.h"
#include "compose_panel.h"
#include "curate/sample_card.h"
#include "curate/sample_detail_pane.h"
#include "curate/thumbnail_cache.h"
#include "error_banner.h"
#include "inspect/sample_score_request.h"
#include "inspect/score_image_view.h"
#include "inspect/score_inspector.h"
#include "inspect/score_request.h"
#include "inspect/score_result.h"
#include "main_window.h"
#include "store/workspace.h"

using psr::ui::ScoreImageView;
using psr::ui::ScoreInspector;
using psr::ui::ScoreRequest;
using psr::ui::ScoreResult;

namespace {

constexpr int kCliMs = 240000;  // model loading plus one image on a busy 2-core machine
QTemporaryDir* testHome = nullptr;

const char* kCanned = R"({
  "mode": "official",
  "image": {"width": 64, "height": 64},
  "subjects": [
    {"category": "crab", "found": true, "box": [4, 10, 30, 40], "reference_box": [0, 0, 64, 64], "consistency": 0.8312},
    {"category": "dog", "found": false, "box": [0, 0, 64, 64], "reference_box": [2, 2, 60, 60], "consistency": 0.41}
  ],
  "psr": 0.6206,
  "semantic": {"score": 0.5, "checks": [
    {"name": "count 2 subjects", "score": 1.0, "passed": true},
    {"name": "position crab left of dog", "score": 0.0, "passed": false}
  ]},
  "aesthetic": 0.75,
  "weights": {"psr": 0.4, "semantic": 0.4, "aesthetic": 0.2},
  "total": 0.59824
})";

QString writePng(const QString& name, int seed, QSize size = {64, 64}) {
  QImage image(size, QImage::Format_RGB32);
  image.fill(QColor::fromHsv((seed * 67) % 360, 40, 245));
  QPainter p(&image);
  p.setPen(Qt::NoPen);
  p.setBrush(QColor::fromHsv((seed * 67 + 160) % 360, 200, 200));
  p.drawEllipse(QRect(QPoint(size.width() / 5, size.height() / 5), size * 3 / 5));
  p.end();
  const QString path = testHome->filePath(QStringLiteral("images/") + name);
  QDir().mkpath(QFileInfo(path).absolutePath());
  image.save(path, "PNG");
  return path;
}

/// A stand-in `psr` that prints `stdoutFile` and exits `code` after writing `stderrLine`.
QString fakeCli(const QString& name, const QByteArray& stdoutText, int code, const QByteArray& stderrLine) {
  const QString out = testHome->filePath(name + QStringLiteral(".out"));
  QFile o(out);
  if (!o.open(QIODevice::WriteOnly)) return {};
  o.write(stdoutText);
  o.close();
  const QString path = testHome->filePath(name);
  QFile f(path);
  if (!f.open(QIODevice::WriteOnly)) return {};
  f.write("#!/bin/sh\n");
  f.write("echo \"$@\" > \"" + QFile::encodeName(path) + ".args\"\n");
  if (!stderrLine.isEmpty()) f.write("echo '" + stderrLine + "' >&2\n");
  f.write("cat \"" + QFile::encodeName(out) + "\"\nexit " + QByteArray::number(code) + "\n");
  f.close();
  f.setPermissions(f.permissions() | QFile::ExeOwner);
  return path;
}

ScoreRequest twoSubjects() {
  ScoreRequest r;
  r.references = {writePng("ref-crab.png", 1), writePng("ref-dog.png", 2)};
  r.categories = {"crab", "dog"};
  r.image = writePng("generated.png", 3);
  r.prompt = "the crab to the left of the dog";
  return r;
}

bool differs(QRgb a, QRgb b) {
  return qAbs(qRed(a) - qRed(b)) + qAbs(qGreen(a) - qGreen(b)) + qAbs(qBlue(a) - qBlue(b)) > 60;
}

}  // namespace

class TestScoreInspector : public QObject {
  Q_OBJECT

 private slots:
  void parsesCannedResult() {
    QString error;
    const auto r = ScoreResult::fromJson(kCanned, &error);
    QVERIFY2(r, qPrintable(error));
    QCOMPARE(r->mode, QString("official"));
    QCOMPARE(r->imageSize, QSize(64, 64));
    QCOMPARE(r->subjects.size(), 2);
    QCOMPARE(r->subjects[0].category, QString("crab"));
    QVERIFY(r->subjects[0].found);
    QCOMPARE(r->subjects[0].box, QRectF(4, 10, 26, 30));
    QCOMPARE(r->subjects[1].referenceBox, QRectF(2, 2, 58, 58));
    QVERIFY(!r->subjects[1].found);
    QCOMPARE(r->checks.size(), 2);
    QVERIFY(r->checks[0].passed);
    QVERIFY(!r->checks[1].passed);
    QCOMPARE(r->checks[1].name, QString("position crab left of dog"));
    QCOMPARE(r->weightPsr, 0.4);
    QCOMPARE(r->total, 0.59824);
  }

  void rejectsWhatIsNotAResult_data() {
    QTest::addColumn<QByteArray>("json");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("garbage") << QByteArray("error: unknown category");
    QTest::newRow("array") << QByteArray("[1, 2]");
    QTest::newRow("no subjects") << QByteArray(R"({"total": 1})");
  }

  void rejectsWhatIsNotAResult() {
    QFETCH(QByteArray, json);
    QString error;
    QVERIFY(!ScoreResult::fromJson(json, &error));
    QVERIFY(!error.isEmpty());
  }

  void requestArguments() {
    ScoreRequest r;
    r.references = {"/a.png", "/b.png"};
    r.categories = {"crab", "guide dog"};
    r.image = "/g.png";
    r.prompt = "-a prompt with a dash";
    r.subset = "position";
    QCOMPARE(r.arguments(), QStringList({"score", "--refs", "/a.png", "/b.png", "--image=/g.png",
                                         "--prompt=-a prompt with a dash", "--categories", "crab", "guide dog",
                                         "--subset", "position", "--json"}));
  }

  void drawsBoxesLabelsAndChecks() {
    ScoreInspector inspector;
    inspector.setRequest(twoSubjects());
    inspector.show();
    QVERIFY(QTest::qWaitForWindowExposed(&inspector));
    QCOMPARE(inspector.categoryEdits().size(), 2);
    QCOMPARE(inspector.categoryEdits()[1]->text(), QString("dog"));
    const QImage before = inspector.imageView()->grab().toImage();

    inspector.showResult(*ScoreResult::fromJson(kCanned, nullptr));
    ScoreImageView* view = inspector.imageView();
    QCOMPARE(view->labels(), QStringList({"1 \u00b7 crab 0.83", "2 \u00b7 dog 0.41"}));
    // The crab's box covers x 4..30 of 64: a fraction of the shown image, inside the widget.
    const QRectF box = view->boxOnScreen(0);
    QVERIFY(!box.isEmpty());
    QVERIFY(QRectF(view->rect()).contains(box));
    QCOMPARE(box.width() / view->boxOnScreen(1).width(), 26.0 / 64.0);
    const QImage after = view->grab().toImage();
    const QPoint leftEdge(qRound(box.left() + 1), qRound(box.center().y()));
    QVERIFY2(differs(before.pixel(leftEdge), after.pixel(leftEdge)), "the box is drawn over the image");

    QVERIFY(inspector.consistencyLabels()[0]->text().contains("0.831"));
    QVERIFY(inspector.consistencyLabels()[1]->text().contains("not detected"));
    QVERIFY(inspector.totalsText().contains("0.598"));
    QVERIFY(inspector.totalsText().contains("PSR 0.621"));
    QListWidget* checks = inspector.checkList();
    QCOMPARE(checks->count(), 2);
    QVERIFY(checks->item(0)->text().startsWith("pass count 2 subjects"));
    QCOMPARE(checks->item(0)->data(Qt::UserRole).toBool(), true);
    QVERIFY(checks->item(1)->text().startsWith("FAIL position crab left of dog"));
    QCOMPARE(checks->item(1)->data(Qt::UserRole).toBool(), false);
    QVERIFY(!checks->item(0)->icon().isNull());
    QVERIFY(inspector.statusText().startsWith("1 of 2 checks passed"));
    QVERIFY(inspector.errorBanner()->isHidden());
  }

  void scoresThroughTheCliWithEditedCategories() {
    ScoreInspector inspector;
    const QString cli = fakeCli("psr-canned", kCanned, 0, "loading models");
    inspector.setCliPath(cli);
    inspector.setRequest(twoSubjects());
    inspector.categoryEdits()[0]->setText("  crab ");
    inspector.categoryEdits()[1]->setText("guide dog");
    QSignalSpy scored(&inspector, &ScoreInspector::scored);
    inspector.scoreButton()->click();
    QVERIFY(inspector.isScoring() || scored.count() == 1);
    QVERIFY(scored.count() == 1 || scored.wait(20000));
    QCOMPARE(scored.first().first().toBool(), true);
    QVERIFY(inspector.result().has_value());
    QCOMPARE(inspector.imageView()->labels().size(), 2);
    QFile args(cli + ".args");
    QVERIFY(args.open(QIODevice::ReadOnly));
    const QString line = QString::fromUtf8(args.readAll());
    QVERIFY2(line.contains("--categories crab guide dog --json"), qPrintable(line));
  }

  void cliFailureShowsTheMessage() {
    ScoreInspector inspector;
    inspector.setCliPath(fakeCli("psr-fails", "", 2, "error: unknown category phrase zzz"));
    inspector.setRequest(twoSubjects());
    QSignalSpy scored(&inspector, &ScoreInspector::scored);
    inspector.score();
    QVERIFY(scored.wait(20000));
    QCOMPARE(scored.first().first().toBool(), false);
    QVERIFY(!inspector.errorBanner()->isHidden());
    QVERIFY2(inspector.errorBanner()->message().contains("exit code 2"), qPrintable(inspector.errorBanner()->message()));
    QVERIFY(inspector.errorBanner()->message().contains("unknown category phrase zzz"));
    QVERIFY(!inspector.result().has_value());
    QVERIFY(inspector.imageView()->labels().isEmpty());
  }

  void emptyCategoryIsRefusedBeforeRunning() {
    ScoreInspector inspector;
    inspector.setCliPath(testHome->filePath("never-run"));
    inspector.setRequest(twoSubjects());
    inspector.categoryEdits()[1]->clear();
    inspector.score();
    QVERIFY(!inspector.isScoring());
    QVERIFY(!inspector.errorBanner()->isHidden());
    QVERIFY(inspector.errorBanner()->message().contains("category"));
  }

  void composeHistoryItemOpensTheInspector() {
    auto workspace = psr::store::Workspace::create(testHome->filePath("ws-compose").toStdString());
    const QString ws = QString::fromStdString(workspace->dir().string());
    // One finished Compose run as generation leaves it: reference copies, image, recipe.json.
    const QString run = ws + "/runs/compose/run-1";
    QVERIFY(QDir().mkpath(run + "/refs"));
    QVERIFY(QFile::copy(writePng("c1.png", 4), run + "/refs/subject-1.png"));
    QVERIFY(QFile::copy(writePng("c2.png", 5), run + "/refs/subject-2.png"));
    QVERIFY(QFile::copy(writePng("cg.png", 6), run + "/image-0.png"));
    psr::ui::ComposeRecipe recipe;
    recipe.subjects = {{"crab", "refs/subject-1.png", "/x/crab.png", QRect(), QSize(64, 64)},
                       {"dog", "refs/subject-2.png", "/x/dog.png", QRect(), QSize(64, 64)}};
    recipe.prompt = "crab left of dog";
    recipe.images = {{"image-0.png", 7, QSize(64, 64)}};
    recipe.created = QDateTime::currentDateTimeUtc();
    QFile file(run + "/recipe.json");
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QJsonDocument(recipe.toJson()).toJson());
    file.close();

    psr::ui::ComposePanel panel;
    const QString cli = fakeCli("psr-compose", kCanned, 0, "");
    panel.setCliPath(cli);
    panel.setWorkspace(workspace.get());
    QCOMPARE(panel.historyModel()->rowCount(), 1);
    QVERIFY(!panel.historyPane()->scoreButton()->isEnabled());
    panel.historyPane()->selectRow(0);
    QVERIFY(panel.historyPane()->scoreButton()->isEnabled());
    panel.historyPane()->scoreButton()->click();
    auto* inspector = panel.findChild<ScoreInspector*>();
    QVERIFY(inspector);
    const ScoreRequest r = inspector->request();
    QCOMPARE(r.categories, QStringList({"crab", "dog"}));
    QCOMPARE(r.references, QStringList({run + "/refs/subject-1.png", run + "/refs/subject-2.png"}));
    QCOMPARE(r.image, run + "/image-0.png");
    QCOMPARE(r.prompt, QString("crab left of dog"));
    // Nothing runs before the user has checked the categories.
    QVERIFY(!inspector->isScoring());
    QVERIFY(!inspector->result().has_value());
    QVERIFY(inspector->statusText().contains("category"));
    inspector->categoryEdits()[1]->setText("guide dog");
    inspector->scoreButton()->click();
    QTRY_VERIFY_WITH_TIMEOUT(inspector->result().has_value(), 20000);
    QCOMPARE(inspector->imageView()->labels().first(), QString("1 \u00b7 crab 0.83"));
    panel.setWorkspace(nullptr);
  }

  void curateDetailScoresTheSample() {
    const QString dir = testHome->filePath("ws-curate");
    auto workspace = psr::store::Workspace::create(dir.toStdString());
    auto readBytes = [](const QString& path) {
      QFile f(path);
      return f.open(QIODevice::ReadOnly) ? f.readAll().toStdString() : std::string();
    };
    psr::curate::SampleCard card;
    card.id = 12;
    card.subset = "position";
    card.split = "train";
    card.instruction = "the dog to the left of the monkey";
    card.targetBlob = workspace->blobs().put(readBytes(writePng("t.png", 8)));
    card.references = {{1, workspace->blobs().put(readBytes(writePng("r1.png", 9))), "dog", "{}"},
                       {2, workspace->blobs().put(readBytes(writePng("r2.png", 10))), "monkey", "{}"}};

    psr::ui::ThumbnailCache thumbnails;
    psr::ui::SampleDetailPane pane(&thumbnails);
    QSignalSpy requested(&pane, &psr::ui::SampleDetailPane::scoreRequested);
    pane.setCard(nullptr);
    pane.setCard(&card);
    QVERIFY(pane.scoreButton()->isEnabled());
    pane.scoreButton()->click();
    QCOMPARE(requested.count(), 1);
    const auto sent = requested.first().first().value<psr::curate::SampleCard>();
    QCOMPARE(sent.id, card.id);

    const ScoreRequest r = psr::ui::scoreRequestForSample(card, workspace->blobs());
    QCOMPARE(r.categories, QStringList({"dog", "monkey"}));
    QCOMPARE(r.references.size(), 2);
    QVERIFY(r.references[0].startsWith(dir));
    QVERIFY(QFileInfo::exists(r.references[1]));
    QVERIFY(QFileInfo::exists(r.image));
    QCOMPARE(r.subset, QString("position"));
    QCOMPARE(r.prompt, QString("the dog to the left of the monkey"));
    // A blob has no file extension: the inspector still reads it.
    ScoreInspector inspector;
    inspector.setRequest(r);
    QVERIFY(!inspector.imageView()->image().isNull());

    psr::curate::SampleCard noTarget = card;
    noTarget.targetBlob.clear();
    pane.setCard(&noTarget);
    QVERIFY(!pane.scoreButton()->isEnabled());
  }

  void realCliGivesAResultOrAClearError_data() {
    QTest::addColumn<QStringList>("categories");
    QTest::addColumn<bool>("expectResult");
    QTest::newRow("known categories") << QStringList{"dog", "monkey"} << true;
    QTest::newRow("unknown category") << QStringList{"dog", "qwertyzzz"} << false;
  }

  void realCliGivesAResultOrAClearError() {
    QFETCH(QStringList, categories);
    QFETCH(bool, expectResult);
    const QString models = QDir::cleanPath(QStringLiteral(PSR_TEST_DATA_DIR "/../../../resources/models/perception"));
    if (!QFileInfo::exists(models + "/detector.safetensors") || !QFileInfo::exists(PSR_CLI_PATH)) {
      QSKIP("no perception models or psr here");
    }
    ScoreInspector inspector;
    inspector.setCliPath(PSR_CLI_PATH);
    ScoreRequest r = twoSubjects();
    r.categories = categories;
    r.prompt = "the dog to the left of the monkey";
    inspector.setRequest(r);
    inspector.show();
    QSignalSpy scored(&inspector, &ScoreInspector::scored);
    inspector.score();
    QVERIFY(scored.wait(kCliMs));
    const bool ok = scored.first().first().toBool();
    if (ok) {
      QVERIFY(inspector.result().has_value());
      QCOMPARE(inspector.imageView()->labels().size(), 2);
      QVERIFY(inspector.totalsText().contains("Total"));
      QVERIFY(inspector.errorBanner()->isHidden());
    } else {
      QVERIFY(!inspector.errorBanner()->isHidden());
      QVERIFY(inspector.errorBanner()->message().size() > 20);
    }
    if (expectResult) QVERIFY2(ok, qPrintable(inspector.errorBanner()->message()));
    else QVERIFY2(!ok && inspector.errorBanner()->message().contains("qwertyzzz"), qPrintable(inspector.errorBanner()->message()));
  }
};

int main(int argc, char* argv[]) {
  return runIsolatedGuiTest<TestScoreInspector>(argc, argv, "PSR Studio score inspector test", &testHome);
}

#include "test_score_inspector.moc"
