// The Curate panel on the offscreen platform: a 30-sample workspace with real PNG blobs, the
// virtualised gallery, filters, keyboard review with undo, the detail view, the hotkey overlay,
// CLI jobs against real child processes, and screenshots in light and dark palettes.
#include "isolated_gui_main.h"
#include <algorithm>
#include <functional>

#include <QApplication>
#include <QBuffer>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QImage>
#include <QLineEdit>
#include <QPainter>
#include <QProgressBar>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStyleFactory>
#include <QTemporaryDir>
#include <QTest>

#include "common/logging.h"
#include "curate/cli_job.h"
#include "curate/cli_progress.h"
#include "curate/filter_bar.h"
#include "curate/gallery_model.h"
#include "curate/gallery_view.h"
#include "curate/hotkey_overlay.h"
#include "curate/job_bar.h"
#include "curate/review_session.h"
#include "curate/sample_detail_pane.h"
#include "curate/thumbnail_cache.h"
#include "curate/blob_image_view.h"
#include "curate_fixture.h"
#include "curate_panel.h"
#include "store/workspace.h"

using psr::curate::fixture::fixtureSample;
using psr::ui::CuratePanel;

namespace {

constexpr int kSamples = 30;
constexpr int kWaitMs = 10000;
QTemporaryDir* testHome = nullptr;

std::string pngBytes(int seed) {
  QImage image(64, 64, QImage::Format_ARGB32);
  image.fill(QColor::fromHsv((seed * 67) % 360, 70, 245));
  QPainter p(&image);
  p.setRenderHint(QPainter::Antialiasing);
  p.setPen(Qt::NoPen);
  p.setBrush(QColor::fromHsv((seed * 67 + 160) % 360, 200, 210));
  p.drawEllipse(QRect(14, 14, 36, 36));
  p.setBrush(Qt::white);
  p.drawEllipse(QRect(24, 24, 6, 6));
  p.drawEllipse(QRect(36, 24, 6, 6));
  p.end();
  QByteArray bytes;
  QBuffer buffer(&bytes);
  buffer.open(QIODevice::WriteOnly);
  image.save(&buffer, "PNG");
  return bytes.toStdString();
}

/// A fresh workspace of kSamples fixture samples whose images are real PNGs.
std::unique_ptr<psr::store::Workspace> makeWorkspace(const QString& name, long long* first = nullptr) {
  const QString dir = testHome->filePath(QStringLiteral("workspaces/") + name);
  QDir(dir).removeRecursively();
  auto workspace = psr::store::Workspace::create(dir.toStdString());
  std::vector<std::string> blobs;
  for (int i = 0; i < 5; ++i) blobs.push_back(workspace->putBlob(pngBytes(i), "image/png"));
  const long long id = psr::curate::fixture::insertSamples(*workspace, kSamples, blobs);
  if (first) *first = id;
  return workspace;
}

int expectedCount(const std::function<bool(const psr::curate::fixture::FixtureSample&)>& keep) {
  int n = 0;
  for (int i = 0; i < kSamples; ++i) n += keep(fixtureSample(i)) ? 1 : 0;
  return n;
}

/// "verdict[:reason]" per reviewed sample id, from the database.
QMap<long long, QString> reviewRows(psr::store::Workspace& workspace) {
  QMap<long long, QString> out;
  auto st = workspace.db().prepare("SELECT sample_id, verdict, reason FROM reviews ORDER BY sample_id");
  while (st.step()) {
    QString v = QString::fromStdString(st.columnText(1));
    if (!st.columnIsNull(2)) v += QLatin1Char(':') + QString::number(st.columnInt(2));
    out.insert(st.columnInt(0), v);
  }
  return out;
}

void selectRow(CuratePanel& panel, int row) {
  auto* view = panel.galleryView();
  view->setCurrentIndex(view->model()->index(row, 0));
}

/// A stand-in `psr` that prints `lines` on stderr and exits with `code`, whatever it is asked.
QString fakePsr(const QString& name, const QStringList& lines, int code) {
  const QString path = testHome->filePath(name);
  QFile file(path);
  if (!file.open(QIODevice::WriteOnly)) return {};
  QByteArray script = "#!/bin/sh\n";
  for (const QString& line : lines) script += "echo '" + line.toUtf8() + "' >&2\n";
  script += "exit " + QByteArray::number(code) + "\n";
  file.write(script);
  file.close();
  file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
  return path;
}

QPalette darkPalette() {
  QPalette p;
  p.setColor(QPalette::Window, QColor(0x2b, 0x2d, 0x31));
  p.setColor(QPalette::WindowText, QColor(0xe6, 0xe6, 0xe6));
  p.setColor(QPalette::Base, QColor(0x1f, 0x21, 0x24));
  p.setColor(QPalette::AlternateBase, QColor(0x2f, 0x31, 0x35));
  p.setColor(QPalette::Text, QColor(0xe6, 0xe6, 0xe6));
  p.setColor(QPalette::Button, QColor(0x35, 0x37, 0x3b));
  p.setColor(QPalette::ButtonText, QColor(0xe6, 0xe6, 0xe6));
  p.setColor(QPalette::Highlight, QColor(0x3d, 0x8b, 0xfd));
  p.setColor(QPalette::HighlightedText, Qt::white);
  p.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9a, 0x9a));
  return p;
}

}  // namespace

class TestCuratePanel : public QObject {
  Q_OBJECT

 private slots:
  void galleryShowsEverySample() {
    auto workspace = makeWorkspace("count");
    CuratePanel panel;
    panel.setWorkspace(workspace.get());
    QVERIFY(panel.showsContent());
    QCOMPARE(panel.galleryModel()->rowCount(), kSamples);
    QCOMPARE(panel.galleryCountText(), QString("30 of 30 samples"));
    QVERIFY(panel.summary().startsWith("30 samples"));
    QCOMPARE(panel.galleryModel()->index(29).data(psr::ui::GalleryModel::SubsetRole).toString(),
             QString::fromStdString(fixtureSample(29).subset));
  }

  void filtersChangeTheCount() {
    auto workspace = makeWorkspace("filters");
    CuratePanel panel;
    panel.setWorkspace(workspace.get());
    auto* bar = panel.filterBar();
    auto* model = panel.galleryModel();

    bar->subsetBox()->setCurrentIndex(bar->subsetBox()->findData("three"));
    QCOMPARE(model->rowCount(), expectedCount([](auto& s) { return s.subset == "three"; }));
    bar->subsetBox()->setCurrentIndex(0);
    QCOMPARE(model->rowCount(), kSamples);

    bar->splitBox()->setCurrentIndex(bar->splitBox()->findData("heldout"));
    QCOMPARE(model->rowCount(), expectedCount([](auto& s) { return s.split == "heldout"; }));
    bar->splitBox()->setCurrentIndex(0);

    bar->minScoreBox()->setValue(0.5);
    bar->maxScoreBox()->setValue(0.8);
    QCOMPARE(model->rowCount(), expectedCount([](auto& s) { return s.consistency >= 0.5 && s.consistency <= 0.8; }));
    bar->minScoreBox()->setValue(0.0);
    bar->maxScoreBox()->setValue(1.0);
    QCOMPARE(model->rowCount(), kSamples);

    // Typing is debounced: the count follows once the text settles.
    bar->searchEdit()->setText("teapot");
    const int teapots = expectedCount([](auto& s) {
      return std::find(s.categories.begin(), s.categories.end(), "teapot") != s.categories.end();
    });
    QVERIFY(teapots > 0 && teapots < kSamples);
    QTRY_COMPARE(model->rowCount(), teapots);
    QCOMPARE(panel.galleryCountText(), QString("%1 of 30 samples").arg(teapots));
    bar->searchEdit()->clear();
    QTRY_COMPARE(model->rowCount(), kSamples);

    selectRow(panel, 0);
    QTest::keyClick(panel.galleryView(), Qt::Key_A);
    QTest::keyClick(panel.galleryView(), Qt::Key_4);
    bar->reviewBox()->setCurrentIndex(bar->reviewBox()->findData(int(psr::curate::ReviewState::Unreviewed)));
    QCOMPARE(model->rowCount(), kSamples - 2);
    bar->reviewBox()->setCurrentIndex(bar->reviewBox()->findData(int(psr::curate::ReviewState::Rejected)));
    QCOMPARE(model->rowCount(), 1);
    bar->reasonBox()->setCurrentIndex(bar->reasonBox()->findData(5));
    QCOMPARE(model->rowCount(), 0);
    QCOMPARE(panel.galleryCountText(), QString("0 of 30 samples"));
  }

  void reviewTwentySamplesByKeyboard() {
    long long first = 0;
    auto workspace = makeWorkspace("review", &first);
    CuratePanel panel;
    panel.setWorkspace(workspace.get());
    auto* view = panel.galleryView();
    QCOMPARE(view->currentIndex().row(), 0);  // the gallery starts on its first card
    QVERIFY(panel.reviewSession()->autoAdvance());

    // 20 verdicts over 21 cards: Right skips one card, digits reject with a reason.
    const QList<int> keys = {Qt::Key_A,      Qt::Key_Return, Qt::Key_R, Qt::Key_Delete, Qt::Key_1, Qt::Key_2,
                             Qt::Key_Right,  Qt::Key_3,      Qt::Key_4, Qt::Key_5,      Qt::Key_6, Qt::Key_7,
                             Qt::Key_8,      Qt::Key_9,      Qt::Key_Enter, Qt::Key_A,  Qt::Key_R, Qt::Key_Delete,
                             Qt::Key_3,      Qt::Key_Return, Qt::Key_A};
    QMap<long long, QString> expected;
    int row = 0;
    for (int key : keys) {
      QString verdict;
      if (key == Qt::Key_A || key == Qt::Key_Return || key == Qt::Key_Enter) verdict = "accepted";
      else if (key == Qt::Key_R || key == Qt::Key_Delete) verdict = "rejected";
      else if (key >= Qt::Key_1 && key <= Qt::Key_9) verdict = QString("rejected:%1").arg(key - Qt::Key_0);
      if (!verdict.isEmpty()) expected.insert(first + row, verdict);
      ++row;
      QTest::keyClick(view, Qt::Key(key));
      QCOMPARE(view->currentIndex().row(), row);
    }
    QCOMPARE(expected.size(), 20);
    QCOMPARE(reviewRows(*workspace), expected);
    QVERIFY(!expected.contains(first + 6));  // the skipped card
    QCOMPARE(panel.reviewSession()->undoDepth(), 20);
    QVERIFY(panel.reviewSession()->lastWriteMs() < 50);
    // Cards show their verdicts without a reload.
    QCOMPARE(panel.galleryModel()->index(2).data(psr::ui::GalleryModel::VerdictRole).toString(), QString("rejected"));
    QCOMPARE(panel.galleryModel()->index(4).data(psr::ui::GalleryModel::ReasonRole).toInt(), 1);
    panel.refresh();
    QVERIFY(panel.summary().contains("6 accepted \u00b7 14 rejected \u00b7 10 to review"));
  }

  void undoRestoresThePreviousState() {
    long long first = 0;
    auto workspace = makeWorkspace("undo", &first);
    CuratePanel panel;
    panel.setWorkspace(workspace.get());
    auto* view = panel.galleryView();
    auto* undoButton = panel.findChild<QWidget*>("curateUndo");
    QVERIFY(!undoButton->isEnabled());

    QTest::keyClick(view, Qt::Key_A);  // row 0 accepted, moves to row 1
    QVERIFY(undoButton->isEnabled());
    selectRow(panel, 0);
    QTest::keyClick(view, Qt::Key_7);  // row 0 now rejected for reason 7
    QCOMPARE(reviewRows(*workspace), (QMap<long long, QString>{{first, "rejected:7"}}));

    QTest::keyClick(view, Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(reviewRows(*workspace), (QMap<long long, QString>{{first, "accepted"}}));
    QCOMPARE(view->currentIndex().row(), 0);  // undo goes back to the card it changed
    QCOMPARE(panel.galleryModel()->index(0).data(psr::ui::GalleryModel::VerdictRole).toString(), QString("accepted"));

    QTest::keyClick(view, Qt::Key_Z, Qt::ControlModifier);
    QVERIFY(reviewRows(*workspace).isEmpty());
    QVERIFY(!panel.galleryModel()->index(0).data(psr::ui::GalleryModel::VerdictRole).isValid());
    QVERIFY(!undoButton->isEnabled());
    QTest::keyClick(view, Qt::Key_Z, Qt::ControlModifier);  // nothing left: a no-op
    QVERIFY(reviewRows(*workspace).isEmpty());

    // Without auto-advance a verdict stays on its card.
    panel.findChild<QCheckBox*>("curateAutoAdvance")->setChecked(false);
    QTest::keyClick(view, Qt::Key_R);
    QCOMPARE(view->currentIndex().row(), 0);
    QCOMPARE(reviewRows(*workspace), (QMap<long long, QString>{{first, "rejected"}}));
  }

  void hotkeyOverlayToggles() {
    auto workspace = makeWorkspace("overlay");
    CuratePanel panel;
    panel.resize(1200, 800);
    panel.setWorkspace(workspace.get());
    panel.show();
    auto* overlay = panel.hotkeyOverlay();
    QVERIFY(!overlay->isVisible());
    QTest::keyClick(panel.galleryView(), '?');
    QVERIFY(overlay->isVisible());
    QCOMPARE(overlay->geometry(), panel.galleryView()->rect());
    QTest::keyClick(panel.galleryView(), Qt::Key_F1);
    QVERIFY(!overlay->isVisible());
    QTest::keyClick(panel.galleryView(), Qt::Key_F1);
    QVERIFY(overlay->isVisible());
    QTest::keyClick(panel.galleryView(), Qt::Key_Escape);
    QVERIFY(!overlay->isVisible());
    QVERIFY(reviewRows(*workspace).isEmpty());  // overlay keys never review
  }

  void detailShowsTheSelectedTriplet() {
    long long first = 0;
    auto workspace = makeWorkspace("detail", &first);
    CuratePanel panel;
    panel.setWorkspace(workspace.get());
    auto* detail = panel.detailPane();
    QCOMPARE(detail->instruction(), QString::fromStdString(fixtureSample(0).instruction));
    QCOMPARE(detail->referenceCount(), 2);
    selectRow(panel, 6);  // subset "four"
    QCOMPARE(detail->instruction(), QString::fromStdString(fixtureSample(6).instruction));
    QCOMPARE(detail->referenceCount(), 4);
    QCOMPARE(detail->findChildren<QWidget*>("curateDetailReference").size(), 4);
    selectRow(panel, 5);  // subset "three"
    QCOMPARE(detail->referenceCount(), 3);
    QVERIFY(!detail->target()->blob().isEmpty());
  }

  void thumbnailsDecodeOffTheGuiThread() {
    auto workspace = makeWorkspace("thumbs");
    psr::ui::ThumbnailCache cache;
    cache.setBlobStore(workspace->blobs());
    const QString good = QString::fromStdString(workspace->putBlob(pngBytes(9), "image/png"));
    const QString bad = QString::fromStdString(workspace->putBlob("not an image", "image/png"));
    QSignalSpy ready(&cache, &psr::ui::ThumbnailCache::ready);
    QVERIFY(cache.image(good, 96) == nullptr);  // queued, never decoded in this call
    QVERIFY(cache.image(bad, 96) == nullptr);
    QTRY_COMPARE(ready.count(), 2);
    const QImage* image = cache.image(good, 96);
    QVERIFY(image);
    QCOMPARE(image->size(), QSize(96, 96));
    QVERIFY(cache.image(bad, 96) == nullptr);
    QVERIFY(cache.failed(bad, 96));
    QVERIFY(cache.image("not-a-digest", 96) == nullptr);
    QVERIFY(cache.failed("not-a-digest", 96));
  }

  void cliProgressLines_data() {
    QTest::addColumn<QString>("line");
    QTest::addColumn<long long>("done");
    QTest::addColumn<long long>("total");
    QTest::newRow("tagged") << "progress 3/10" << 3LL << 10LL;
    QTest::newRow("tagged wins") << "batch 2/5: progress 120/700 samples" << 120LL << 700LL;
    QTest::newRow("of") << "wrote 12 of 40 samples" << 12LL << 40LL;
    QTest::newRow("json") << R"({"done": 5, "total": 9, "rate": 210.5})" << 5LL << 9LL;
    QTest::newRow("none") << "loading assets" << -1LL << -1LL;
    QTest::newRow("done above total") << "12/10" << -1LL << -1LL;
    QTest::newRow("json without counts") << R"({"produced": 7})" << -1LL << -1LL;
  }

  void cliProgressLines() {
    QFETCH(QString, line);
    QFETCH(long long, done);
    QFETCH(long long, total);
    const auto p = psr::ui::parseCliProgress(line);
    QCOMPARE(p.has_value(), done >= 0);
    if (p) {
      QCOMPARE(p->done, done);
      QCOMPARE(p->total, total);
    }
  }

  void cliJobReportsExitCodes() {
    auto workspace = makeWorkspace("cli");
    const QString dir = QString::fromStdString(workspace->dir().string());
    psr::ui::CliJob job;
    job.setPsrPath(PSR_CLI_PATH);
    QSignalSpy finished(&job, &psr::ui::CliJob::finished);

    job.startPsr(dir, {"workspace", "info", "--json"});
    QVERIFY(finished.wait(kWaitMs));
    QCOMPARE(finished.last().at(0).toInt(), 0);
    QCOMPARE(finished.last().at(1).toBool(), false);
    QVERIFY(finished.last().at(2).toString().isEmpty());
    QVERIFY(job.standardOutput().contains("samples"));

    job.startPsr(dir, {"no-such-command"});
    QVERIFY(finished.wait(kWaitMs));
    QVERIFY(finished.last().at(0).toInt() > 0);
    QVERIFY(finished.last().at(2).toString().contains("exit code"));

    job.start(testHome->filePath("no-such-program"), {});
    QVERIFY(finished.count() == 3 || finished.wait(kWaitMs));
    QCOMPARE(finished.last().at(0).toInt(), -1);
    QVERIFY(finished.last().at(2).toString().startsWith("Could not start"));
  }

  void cliJobCancelsPromptly() {
    psr::ui::CliJob job;
    QSignalSpy started(&job, &psr::ui::CliJob::started);
    QSignalSpy finished(&job, &psr::ui::CliJob::finished);
    // No wall-clock bounds (a loaded CI machine made a 2 s bound flaky): the kill timer is set far
    // beyond the wait, and the child sleeps 30 s, so only SIGINT can end it within kWaitMs.
    // `sleep` itself, not `sh -c "sleep 30"`: dash -c catches SIGINT and acts on it only after
    // its foreground command, so a SIGINT between its start-up and its fork of sleep waited out
    // the 30 s (1 run in 3 on 2 cores).
    job.setKillTimeout(600000);
    job.start("sleep", {"30"});
    QVERIFY(started.wait(kWaitMs));
    job.cancel();
    QVERIFY(finished.wait(kWaitMs));
    QCOMPARE(finished.last().at(1).toBool(), true);
    QVERIFY(finished.last().at(2).toString().isEmpty());

    // A child that ignores SIGINT is killed after the grace period.
    job.setKillTimeout(300);
    job.start("sh", {"-c", "trap '' INT; sleep 30"});
    QVERIFY(started.wait(kWaitMs));
    // It ignores SIGINT and sleeps 30 s: only the kill timer can end it within kWaitMs.
    job.cancel();
    QVERIFY(finished.wait(kWaitMs));
    QCOMPARE(finished.last().at(1).toBool(), true);
    QVERIFY(!job.isRunning());
  }

  void synthesisRunDrivesTheJobBar() {
    auto workspace = makeWorkspace("synth");
    CuratePanel panel;
    panel.setWorkspace(workspace.get());
    auto* bar = panel.jobBar();
    QSignalSpy ended(bar, &psr::ui::JobBar::jobEnded);

    panel.setCliPath(fakePsr("psr-ok", {"progress 1/4", "progress 4/4", "wrote 4 samples"}, 0));
    panel.startSynthesis({"data", "synth", "--subset", "all", "--count", "4", "--json"});
    QVERIFY(bar->isVisible() || !panel.isVisible());
    QVERIFY(ended.wait(kWaitMs));
    QCOMPARE(ended.last().at(0).toBool(), true);
    QCOMPARE(bar->progressBar()->maximum(), 4);
    QCOMPARE(bar->progressBar()->value(), 4);
    QVERIFY(bar->statusText().contains("done"));
    QVERIFY(bar->statusText().contains("wrote 4 samples"));

    panel.setCliPath(fakePsr("psr-fail", {"error: assets are missing; run psr assets import"}, 1));
    panel.startExport("psrbench", testHome->filePath("export"));
    QVERIFY(ended.wait(kWaitMs));
    QCOMPARE(ended.last().at(0).toBool(), false);
    QVERIFY(ended.last().at(1).toString().contains("assets are missing"));
    QVERIFY(bar->statusText().contains("failed"));
  }

  void newSamplesAppearOnRefreshWithoutLosingThePlace() {
    auto workspace = makeWorkspace("grow");
    CuratePanel panel;
    panel.setWorkspace(workspace.get());
    selectRow(panel, 7);
    panel.refresh();  // nothing changed: the gallery keeps its state
    QCOMPARE(panel.galleryView()->currentIndex().row(), 7);
    const std::string blob = workspace->putBlob(pngBytes(1), "image/png");
    psr::curate::fixture::insertSamples(*workspace, 5, {blob});
    panel.refresh();
    QCOMPARE(panel.galleryModel()->rowCount(), kSamples + 5);
    QCOMPARE(panel.galleryView()->currentIndex().row(), 7);
  }

  void screenshots_data() {
    QTest::addColumn<bool>("dark");
    QTest::newRow("light") << false;
    QTest::newRow("dark") << true;
  }

  void screenshots() {
    QFETCH(bool, dark);
    auto workspace = makeWorkspace(dark ? "shot-dark" : "shot-light");
    const QPalette original = QApplication::palette();
    if (dark) QApplication::setPalette(darkPalette());
    {
      CuratePanel panel;
      panel.resize(1280, 860);
      panel.setWorkspace(workspace.get());
      panel.show();
      selectRow(panel, 1);
      QTest::keyClick(panel.galleryView(), Qt::Key_A);
      QTest::keyClick(panel.galleryView(), Qt::Key_2);
      selectRow(panel, 6);
      // Every visible image decodes on the pool; the cards are complete when none is pending.
      panel.grab();
      QTRY_COMPARE(panel.thumbnails()->pending(), 0);
      const QString path = QStringLiteral(PSR_BUILD_DIR "/screenshots/") + (dark ? "curate-dark.png" : "curate.png");
      QVERIFY(QDir().mkpath(QFileInfo(path).absolutePath()));
      QFile::remove(path);
      QVERIFY(panel.grab().save(path));
      QVERIFY(QFileInfo(path).size() > 20000);
    }
    QApplication::setPalette(original);
  }
};

int main(int argc, char* argv[]) {
  return runIsolatedGuiTest<TestCuratePanel>(argc, argv, "PSR Studio curate test", &testHome);
}

#include "test_curate.moc"
