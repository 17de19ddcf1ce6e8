// The Compose panel on the offscreen platform: subject slots filled by drag and drop, chips,
// crop, seed lock/random/reuse, the model picker, the request queue and its cancels against a
// scripted child, and real `psr generate` runs with a tiny untrained checkpoint: history with
// recipes, restore, Ctrl+Enter, compare, export, cancel and a failing model.
#include "isolated_gui_main.h"
#include <functional>

#include <QApplication>
#include <QDir>
#include <QDoubleSpinBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QListView>
#include <QMimeData>
#include <QMouseEvent>
#include <QPainter>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

#include "common/logging.h"
#include "compose/compare_view.h"
#include "compose/compose_recipe.h"
#include "compose/compose_run_store.h"
#include "compose/crop_dialog.h"
#include "compose/crop_view.h"
#include "compose/generate_bar.h"
#include "compose/generate_progress.h"
#include "compose/generate_request.h"
#include "compose/generation_queue.h"
#include "compose/history_model.h"
#include "compose/history_pane.h"
#include "compose/image_view.h"
#include "compose/model_picker.h"
#include "compose/prompt_editor.h"
#include "compose/recipe_export.h"
#include "compose/seed_control.h"
#include "compose/subject_slot.h"
#include "compose_panel.h"
#include "curate/cli_job.h"
#include "error_banner.h"
#include "store/workspace.h"

using psr::ui::ComposePanel;
using psr::ui::ComposeRecipe;
using psr::ui::GenerateRequest;
using psr::ui::GenerationQueue;

namespace {

constexpr int kRunMs = 180000;  // one tiny generation on a busy 2-core machine, with room
QTemporaryDir* testHome = nullptr;
QString tinyModel;  // a `psr model create --preset tiny` folder, made once

/// A 64x64 PNG: a coloured disc on a pale ground, distinct per `seed`.
QString writePng(const QString& name, int seed, QSize size = {64, 64}) {
  QImage image(size, QImage::Format_ARGB32);
  image.fill(QColor::fromHsv((seed * 67) % 360, 60, 245));
  QPainter p(&image);
  p.setRenderHint(QPainter::Antialiasing);
  p.setPen(Qt::NoPen);
  p.setBrush(QColor::fromHsv((seed * 67 + 160) % 360, 200, 210));
  p.drawEllipse(QRect(QPoint(size.width() / 5, size.height() / 5), size * 3 / 5));
  p.end();
  const QString path = testHome->filePath(QStringLiteral("images/") + name);
  QDir().mkpath(QFileInfo(path).absolutePath());
  image.save(path, "PNG");
  return path;
}

std::unique_ptr<psr::store::Workspace> makeWorkspace(const QString& name) {
  const QString dir = testHome->filePath(QStringLiteral("workspaces/") + name);
  QDir(dir).removeRecursively();
  return psr::store::Workspace::create(dir.toStdString());
}

QString workspaceDir(psr::store::Workspace& workspace) { return QString::fromStdString(workspace.dir().string()); }

QJsonObject readJson(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) return {};
  return QJsonDocument::fromJson(file.readAll()).object();
}

/// Drops `files` on `target` as a file manager would.
bool dropFiles(QWidget* target, const QStringList& files) {
  QMimeData mime;
  QList<QUrl> urls;
  for (const QString& f : files) urls << QUrl::fromLocalFile(f);
  mime.setUrls(urls);
  QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(target, &enter);
  if (!enter.isAccepted()) return false;
  QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(target, &drop);
  return drop.isAccepted();
}

/// A stand-in `psr` that follows the generate contract: `steps` progress lines per image (each
/// rewriting the preview), the image(s) copied from `source`, a --json answer, 130 on SIGINT.
QString fakeGenerate(const QString& name, const QString& source, double stepSeconds) {
  const QString path = testHome->filePath(name);
  QFile file(path);
  if (!file.open(QIODevice::WriteOnly)) return {};
  QByteArray script =
      "#!/bin/sh\n"
      "trap 'echo \"cancelled\" >&2; exit 130' INT\n"
      "out=\"\"; count=1; steps=20; preview=\"\"; prev=\"\"\n"
      "for a in \"$@\"; do\n"
      "  case \"$prev\" in\n"
      "    --out) out=\"$a\" ;; --count) count=\"$a\" ;; --steps) steps=\"$a\" ;; --preview-dir) preview=\"$a\" ;;\n"
      "  esac\n"
      "  prev=\"$a\"\n"
      "done\n"
      "[ -n \"$preview\" ] && mkdir -p \"$preview\"\n"
      "total=$((count * steps)); i=0; json=\"\"\n"
      "while [ $i -lt $count ]; do\n"
      "  s=1\n"
      "  while [ $s -le $steps ]; do\n"
      "    cp \"SOURCE\" \"$preview/preview-$i.png\"\n"
      "    echo \"{\\\"done\\\":$((i * steps + s)),\\\"total\\\":$total,\\\"image\\\":$i,\\\"step\\\":$s,\\\"preview\\\":\\\"$preview/preview-$i.png\\\"}\" >&2\n"
      "    sleep STEP\n"
      "    s=$((s + 1))\n"
      "  done\n"
      "  if [ $count -eq 1 ]; then f=\"$out\"; else f=\"${out%.png}-$((i + 1)).png\"; fi\n"
      "  cp \"SOURCE\" \"$f\"\n"
      "  [ -n \"$json\" ] && json=\"$json,\"\n"
      "  json=\"$json{\\\"path\\\":\\\"$f\\\",\\\"seed\\\":$i}\"\n"
      "  i=$((i + 1))\n"
      "done\n"
      "echo \"{\\\"images\\\":[$json],\\\"model\\\":\\\"fake\\\",\\\"model_path\\\":\\\"/fake\\\",\\\"seconds\\\":0.1}\"\n";
  script.replace("SOURCE", source.toUtf8());
  script.replace("STEP", QByteArray::number(stepSeconds));
  file.write(script);
  file.close();
  file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
  return path;
}

/// What the queue said when a request ended.
struct Outcome {
  int ended = 0;
  bool succeeded = false;
  bool cancelled = false;
  QString error;
  GenerateRequest request;
  int previews = 0;
};

void track(GenerationQueue* queue, Outcome* outcome) {
  QObject::connect(queue, &GenerationQueue::finished, queue,
                   [outcome](const GenerateRequest& r, bool ok, bool cancelled, const QString& error) {
                     ++outcome->ended;
                     outcome->succeeded = ok;
                     outcome->cancelled = cancelled;
                     outcome->error = error;
                     outcome->request = r;
                   });
  QObject::connect(queue, &GenerationQueue::progressed, queue,
                   [outcome](const GenerateRequest&, const psr::ui::GenerateProgress& p) {
                     if (!p.preview.isEmpty()) ++outcome->previews;
                   });
}

bool cliHasGenerate() {
  QProcess psr;
  psr.start(QStringLiteral(PSR_CLI_PATH), {QStringLiteral("generate"), QStringLiteral("--help")});
  // An older `psr` answers --help for itself; only the generate command documents --preview-dir.
  return psr.waitForFinished(60000) && psr.exitCode() == 0 && psr.readAllStandardOutput().contains("--preview-dir");
}

#define REQUIRE_GENERATE()                                                                                \
  if (tinyModel.isEmpty()) QFAIL("`psr generate` / `psr model create` are not available in " PSR_CLI_PATH)

}  // namespace

class TestComposePanel : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    if (!cliHasGenerate()) return;
    const QString dir = testHome->filePath(QStringLiteral("tiny-model"));
    QProcess psr;
    psr.start(QStringLiteral(PSR_CLI_PATH), {QStringLiteral("model"), QStringLiteral("create"), QStringLiteral("--preset"),
                                             QStringLiteral("tiny"), QStringLiteral("--out"), dir,
                                             QStringLiteral("--seed"), QStringLiteral("1")});
    QVERIFY(psr.waitForFinished(120000));
    QVERIFY2(psr.exitCode() == 0, psr.readAllStandardError().constData());
    QVERIFY(QFileInfo::exists(dir + QStringLiteral("/config.json")));
    tinyModel = dir;
  }

  void recipeJsonRoundTrip() {
    ComposeRecipe r;
    r.subjects = {{"red cat", "refs/subject-1.png", "/photos/cat.jpg", QRect(1, 2, 30, 40), QSize(30, 40)},
                  {"teapot", "refs/subject-2.png", "/photos/pot.png", QRect(), QSize(64, 64)}};
    r.prompt = "red cat next to the teapot";
    r.model = "/ckpt/tiny";
    r.modelPath = "/ckpt/tiny";
    r.seed = 4000000000LL;
    r.steps = 7;
    r.guidance = 2.5;
    r.count = 2;
    r.images = {{"image-1.png", 4000000000LL, QSize(32, 32)}, {"image-2.png", 4000000001LL, QSize(32, 32)}};
    r.created = QDateTime(QDate(2026, 3, 1), QTime(12, 0, 1, 5));
    r.cancelled = true;
    const ComposeRecipe back = ComposeRecipe::fromJson(QJsonDocument::fromJson(QJsonDocument(r.toJson()).toJson()).object());
    QCOMPARE(back.subjects.size(), 2);
    QCOMPARE(back.subjects[0].name, QString("red cat"));
    QCOMPARE(back.subjects[0].crop, QRect(1, 2, 30, 40));
    QVERIFY(back.subjects[1].crop.isNull());
    QCOMPARE(back.subjects[1].size, QSize(64, 64));
    QCOMPARE(back.prompt, r.prompt);
    QCOMPARE(back.model, r.model);
    QCOMPARE(back.seed, r.seed);
    QCOMPARE(back.steps, 7);
    QCOMPARE(back.guidance, 2.5);
    QCOMPARE(back.count, 2);
    QCOMPARE(back.images.size(), 2);
    QCOMPARE(back.images[1].seed, 4000000001LL);
    QCOMPARE(back.created, r.created);
    QVERIFY(back.cancelled);
  }

  void generateArgumentsFollowTheContract() {
    GenerateRequest request;
    request.runDir = "/ws/runs/compose/20260301-120000-1";
    request.recipe.subjects = {{"cat", "refs/subject-1.png", {}, {}, {}}, {"pot", "refs/subject-2.png", {}, {}, {}}};
    request.recipe.prompt = "cat and pot";
    request.recipe.model = "sft";
    request.recipe.seed = 9;
    request.recipe.steps = 2;
    request.recipe.guidance = 3.5;
    request.recipe.count = 3;
    const QStringList args = request.arguments();
    QCOMPARE(args.first(), QString("generate"));
    const int refs = int(args.indexOf("--refs"));
    QCOMPARE(args.mid(refs + 1, 2), QStringList({request.runDir + "/refs/subject-1.png", request.runDir + "/refs/subject-2.png"}));
    auto value = [&](const char* flag) { return args.value(int(args.indexOf(flag)) + 1); };
    QCOMPARE(value("--prompt"), QString("cat and pot"));
    QCOMPARE(value("--out"), request.runDir + "/image.png");
    QCOMPARE(value("--model"), QString("sft"));
    QCOMPARE(value("--seed"), QString("9"));
    QCOMPARE(value("--steps"), QString("2"));
    QCOMPARE(value("--guidance"), QString("3.5"));
    QCOMPARE(value("--count"), QString("3"));
    QCOMPARE(value("--preview-dir"), request.previewDir());
    QVERIFY(args.contains("--json"));
    QCOMPARE(request.imageFiles(), QStringList({"image-1.png", "image-2.png", "image-3.png"}));
    request.recipe.count = 1;
    QCOMPARE(request.imageFiles(), QStringList{"image.png"});
    request.recipe.subjects.clear();
    QVERIFY(!request.arguments().contains("--refs"));  // text-to-image
  }

  void progressLinesAreParsed() {
    const auto p = psr::ui::parseGenerateProgress(R"({"done":5,"total":40,"image":1,"step":3,"preview":"/t/preview-1.png"})");
    QVERIFY(p);
    QCOMPARE(p->done, 5LL);
    QCOMPARE(p->total, 40LL);
    QCOMPARE(p->image, 1);
    QCOMPARE(p->step, 3);
    QCOMPARE(p->preview, QString("/t/preview-1.png"));
    QVERIFY(psr::ui::parseGenerateProgress(R"({"done":1,"total":2,"image":0,"step":1})")->preview.isEmpty());
    QVERIFY(!psr::ui::parseGenerateProgress("loading model sft"));
    QVERIFY(!psr::ui::parseGenerateProgress(R"({"done":1})"));
  }

  void droppedFilesFillSlotsAndChips() {
    auto workspace = makeWorkspace("drop");
    ComposePanel panel;
    panel.setWorkspace(workspace.get());
    QVERIFY(panel.showsContent());  // the shipped models need nothing from a fresh workspace
    const auto slotList = panel.subjectSlots();
    QCOMPARE(slotList.size(), 4);
    // Two files dropped on slot 2 fill slot 2 and the next empty one.
    QVERIFY(dropFiles(slotList[1], {writePng("red_cat.png", 1), writePng("blue-teapot.png", 2)}));
    QVERIFY(!slotList[0]->isFilled());
    QVERIFY(slotList[1]->isFilled() && slotList[2]->isFilled());
    QCOMPARE(slotList[1]->name(), QString("red cat"));
    QCOMPARE(slotList[2]->name(), QString("blue teapot"));
    const auto chips = panel.promptEditor()->chips();
    QCOMPARE(chips.size(), 2);
    QVERIFY(chips[0]->text().contains("red cat"));

    auto* edit = panel.promptEditor()->editor();
    QTest::keyClicks(edit, "the");
    QTest::mouseClick(chips[0], Qt::LeftButton);
    QTest::keyClicks(edit, " sits on");
    QTest::mouseClick(chips[1], Qt::LeftButton);
    QCOMPARE(panel.promptEditor()->prompt(), QString("the red cat sits on blue teapot"));

    // Renaming a subject renames its chip; clearing a slot removes it.
    slotList[1]->nameEdit()->setText("Ginger");
    QVERIFY(panel.promptEditor()->chips()[0]->text().contains("Ginger"));
    QTest::mouseClick(slotList[2]->clearButton(), Qt::LeftButton);
    QCOMPARE(panel.promptEditor()->chips().size(), 1);

    // Not an image: the slot stays empty and the banner says why.
    QFile junk(testHome->filePath("images/notes.png"));
    QVERIFY(junk.open(QIODevice::WriteOnly));
    junk.write("not a png");
    junk.close();
    QVERIFY(!slotList[3]->setImagePath(junk.fileName()));
    QVERIFY(!slotList[3]->isFilled());
    QVERIFY(!panel.errorBanner()->isHidden());
    QVERIFY(panel.errorBanner()->message().contains("notes.png"));
  }

  void cropDialogAndReferenceCopy() {
    const QString source = writePng("wide.png", 3, QSize(120, 60));
    psr::ui::CropDialog dialog(QImage(source), QRect{});
    auto* view = dialog.view();
    view->resize(240, 240);  // 120x60 shown at 2x, centred vertically: image y 0 is widget y 60
    auto mouse = [view](QEvent::Type type, QPoint at) {
      QMouseEvent e(type, at, view->mapToGlobal(at), Qt::LeftButton,
                    type == QEvent::MouseButtonRelease ? Qt::NoButton : Qt::LeftButton, Qt::NoModifier);
      QApplication::sendEvent(view, &e);
    };
    mouse(QEvent::MouseButtonPress, {20, 80});
    mouse(QEvent::MouseMove, {60, 100});
    mouse(QEvent::MouseButtonRelease, {100, 140});
    QCOMPARE(dialog.crop(), QRect(10, 10, 40, 30));

    auto workspace = makeWorkspace("crop");
    psr::ui::SubjectSlot slot(1);
    QVERIFY(slot.setImagePath(source));
    slot.setCrop(dialog.crop());
    ComposeRecipe draft;
    draft.subjects = {{slot.name(), {}, slot.imagePath(), slot.crop(), {}}};
    draft.prompt = "wide";
    GenerateRequest request;
    QString error;
    QVERIFY2(psr::ui::ComposeRunStore(workspaceDir(*workspace)).prepare(draft, &request, &error), qPrintable(error));
    QVERIFY(request.runDir.startsWith(workspaceDir(*workspace) + "/runs/compose/"));
    const QImage copy(request.runDir + "/refs/subject-1.png");
    QCOMPARE(copy.size(), QSize(40, 30));
    QCOMPARE(request.recipe.subjects[0].file, QString("refs/subject-1.png"));
    QCOMPARE(request.recipe.subjects[0].source, QFileInfo(source).absoluteFilePath());

    // A reference that vanished before Generate: a clear error and no run folder left.
    draft.subjects[0].source = testHome->filePath("images/gone.png");
    GenerateRequest failed;
    QVERIFY(!psr::ui::ComposeRunStore(workspaceDir(*workspace)).prepare(draft, &failed, &error));
    QVERIFY(error.contains("gone.png"));
    QCOMPARE(QDir(workspaceDir(*workspace) + "/runs/compose").entryList(QDir::Dirs | QDir::NoDotAndDotDot).size(), 1);
  }

  void seedLockRandomReuse() {
    psr::ui::SeedControl seed;
    QVERIFY(!seed.isLocked());
    const qint64 first = seed.takeSeed();
    const qint64 second = seed.takeSeed();
    QVERIFY(first != second);  // unlocked: a new seed per run (equal with chance 2^-31)
    QCOMPARE(seed.seed(), second);
    seed.setLastSeed(second);
    seed.setSeed(1234);
    QTest::mouseClick(seed.lockButton(), Qt::LeftButton);
    QVERIFY(seed.isLocked());
    QCOMPARE(seed.takeSeed(), 1234LL);
    QCOMPARE(seed.takeSeed(), 1234LL);
    QTest::mouseClick(seed.randomButton(), Qt::LeftButton);
    QVERIFY(seed.seed() != 1234);
    QVERIFY(seed.reuseButton()->isEnabled());
    seed.setLocked(false);
    QTest::mouseClick(seed.reuseButton(), Qt::LeftButton);
    QCOMPARE(seed.seed(), second);
    QVERIFY(seed.isLocked());
  }

  void modelPickerListsWorkspaceCheckpoints() {
    auto workspace = makeWorkspace("models");
    const QDir ckpt(workspaceDir(*workspace) + "/checkpoints");
    for (const QString& sub : {QString("sft-run/step-100"), QString("tiny"), QString("junk")}) QVERIFY(ckpt.mkpath(sub));
    for (const QString& sub : {QString("sft-run/step-100"), QString("tiny")}) {
      QFile config(ckpt.filePath(sub + "/config.json"));
      QVERIFY(config.open(QIODevice::WriteOnly));
      config.write("{}");
    }
    ComposePanel panel;
    panel.setWorkspace(workspace.get());
    psr::ui::ModelPicker* picker = panel.modelPicker();
    QCOMPARE(picker->model(), QString("base"));
    QCOMPARE(picker->workspaceCheckpoints(),
             QStringList({ckpt.filePath("sft-run/step-100"), ckpt.filePath("tiny")}));
    QVERIFY(picker->findData("sft") >= 0 && picker->findData("rl") >= 0);
    QVERIFY(picker->findText("checkpoints/tiny") >= 0);
    QVERIFY(picker->findText("Browse checkpoint folder\u2026") >= 0);
    picker->setModel(ckpt.filePath("tiny"));
    QCOMPARE(picker->model(), ckpt.filePath("tiny"));
    // A periodic refresh keeps the choice; a restored recipe's outside folder is added.
    panel.refresh();
    QCOMPARE(picker->model(), ckpt.filePath("tiny"));
    picker->setModel("/elsewhere/ckpt");
    QCOMPARE(picker->model(), QString("/elsewhere/ckpt"));
  }

  void queueRunsOneAtATimeWithScriptedChild() {
    auto workspace = makeWorkspace("queue");
    ComposePanel panel;
    panel.setWorkspace(workspace.get());
    panel.setCliPath(fakeGenerate("psr-fake-fast", writePng("fake-out.png", 4), 0.02));
    Outcome outcome;
    track(panel.queue(), &outcome);
    panel.promptEditor()->setPrompt("two in a row");
    panel.stepsBox()->setValue(3);
    QVERIFY(panel.generate());
    panel.countBox()->setValue(2);
    QVERIFY(panel.generate());
    QVERIFY(panel.queue()->isRunning());
    QCOMPARE(panel.queue()->pendingCount(), 1);
    QVERIFY(panel.generateBar()->cancelAllButton()->isEnabled());
    QTRY_COMPARE_WITH_TIMEOUT(outcome.ended, 2, 30000);
    QVERIFY2(outcome.succeeded, qPrintable(outcome.error));
    QVERIFY(outcome.previews >= 6);
    QVERIFY(!panel.previewView()->image().isNull());
    QCOMPARE(panel.historyModel()->rowCount(), 3);
    QVERIFY(!panel.queue()->isRunning());
    QVERIFY(!panel.generateBar()->cancelButton()->isEnabled());
    QCOMPARE(panel.generateBar()->statusText(), QString("Done: 2 image(s)."));
    // The newest run first; its two images carry seeds from the CLI's answer.
    const psr::ui::HistoryItem& newest = panel.historyModel()->item(0);
    QCOMPARE(newest.recipe.images.size(), 2);
    QCOMPARE(newest.recipe.images[1].file, QString("image-2.png"));
    QVERIFY(!QFileInfo::exists(newest.runDir + "/.preview"));
  }

  void cancelCurrentThenCancelAllWithScriptedChild() {
    auto workspace = makeWorkspace("cancel-fake");
    ComposePanel panel;
    panel.setWorkspace(workspace.get());
    panel.setCliPath(fakeGenerate("psr-fake-slow", writePng("fake-slow.png", 5), 0.2));
    panel.queue()->job()->setKillTimeout(3000);
    Outcome outcome;
    track(panel.queue(), &outcome);
    panel.promptEditor()->setPrompt("slow");
    panel.stepsBox()->setValue(200);
    for (int i = 0; i < 3; ++i) QVERIFY(panel.generate());
    QCOMPARE(panel.queue()->pendingCount(), 2);
    QTRY_VERIFY_WITH_TIMEOUT(outcome.previews > 0, 10000);
    // Cancel: the running request stops, the next one starts.
    QTest::mouseClick(panel.generateBar()->cancelButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(outcome.ended, 1, 10000);
    QVERIFY(outcome.cancelled);
    QVERIFY(outcome.error.isEmpty());
    QTRY_VERIFY(panel.queue()->isRunning());
    QCOMPARE(panel.queue()->pendingCount(), 1);
    // Cancel all: the running one stops and the waiting one never runs.
    QTest::mouseClick(panel.generateBar()->cancelAllButton(), Qt::LeftButton);
    QCOMPARE(panel.queue()->pendingCount(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(outcome.ended, 2, 10000);
    QTest::qWait(300);
    QCOMPARE(outcome.ended, 2);
    QVERIFY(!panel.queue()->isRunning());
    QVERIFY(!panel.generateBar()->cancelButton()->isEnabled());
    QVERIFY(!panel.generateBar()->cancelAllButton()->isEnabled());
    QVERIFY(panel.errorBanner()->isHidden());
    // Cancelled before any image: no history and no run folders left behind.
    QCOMPARE(panel.historyModel()->rowCount(), 0);
    QCOMPARE(QDir(workspaceDir(*workspace) + "/runs/compose").entryList(QDir::Dirs | QDir::NoDotAndDotDot).size(), 0);
  }

  void generateRestoreWithRealCli() {
    REQUIRE_GENERATE();
    auto workspace = makeWorkspace("generate");
    ComposePanel panel;
    panel.setCliPath(PSR_CLI_PATH);
    panel.setWorkspace(workspace.get());
    panel.resize(1200, 800);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    Outcome outcome;
    track(panel.queue(), &outcome);

    const auto slotList = panel.subjectSlots();
    QVERIFY(dropFiles(slotList[0], {writePng("cat.png", 6)}));
    QVERIFY(dropFiles(slotList[1], {writePng("lamp.png", 7)}));
    slotList[1]->nameEdit()->setText("brass lamp");
    auto* edit = panel.promptEditor()->editor();
    edit->setFocus();
    QTest::mouseClick(panel.promptEditor()->chips()[0], Qt::LeftButton);
    QTest::keyClicks(edit, " beside the");
    QTest::mouseClick(panel.promptEditor()->chips()[1], Qt::LeftButton);
    const QString prompt = "cat beside the brass lamp";
    QCOMPARE(panel.promptEditor()->prompt(), prompt);
    panel.modelPicker()->setModel(tinyModel);
    panel.seedControl()->setSeed(77);
    panel.seedControl()->setLocked(true);
    panel.stepsBox()->setValue(2);
    panel.guidanceBox()->setValue(2.0);
    QTest::mouseClick(panel.generateBar()->generateButton(), Qt::LeftButton);
    QVERIFY(panel.queue()->isRunning());
    QTRY_VERIFY_WITH_TIMEOUT(outcome.ended == 1, kRunMs);
    QVERIFY2(outcome.succeeded, qPrintable(outcome.error));
    QVERIFY(outcome.previews >= 2);
    QVERIFY(panel.errorBanner()->isHidden());

    QCOMPARE(panel.historyModel()->rowCount(), 1);
    const psr::ui::HistoryItem item = panel.historyModel()->item(0);
    QVERIFY(QFileInfo(item.imagePath()).size() > 0);
    QVERIFY(!QImage(item.imagePath()).isNull());
    const QJsonObject recipe = readJson(item.runDir + "/recipe.json");
    QCOMPARE(recipe.value("prompt").toString(), prompt);
    QCOMPARE(recipe.value("seed").toInteger(), 77LL);
    QCOMPARE(recipe.value("model").toString(), tinyModel);
    QCOMPARE(recipe.value("steps").toInt(), 2);
    QCOMPARE(recipe.value("guidance").toDouble(), 2.0);
    const QJsonArray subjects = recipe.value("subjects").toArray();
    QCOMPARE(subjects.size(), 2);
    QCOMPARE(subjects[1].toObject().value("name").toString(), QString("brass lamp"));
    QVERIFY(QFileInfo::exists(item.runDir + "/" + subjects[0].toObject().value("file").toString()));
    QCOMPARE(recipe.value("images").toArray()[0].toObject().value("seed").toInteger(), 77LL);
    QVERIFY(recipe.value("images").toArray()[0].toObject().value("size").toArray().size() == 2);
    QVERIFY(!panel.previewView()->image().isNull());
    QVERIFY(panel.previewCaption().contains(prompt));

    const QString shot = QStringLiteral(PSR_BUILD_DIR "/screenshots/compose.png");
    QDir().mkpath(QFileInfo(shot).absolutePath());
    panel.grab().save(shot);

    // Change everything, then restore the recipe from the history.
    for (auto* slot : slotList) slot->clear();
    panel.promptEditor()->setPrompt("something else");
    panel.modelPicker()->setModel("rl");
    panel.seedControl()->setSeed(5);
    panel.seedControl()->setLocked(false);
    panel.stepsBox()->setValue(30);
    panel.guidanceBox()->setValue(7.0);
    panel.historyPane()->selectRow(0);
    QVERIFY(panel.historyPane()->restoreButton()->isEnabled());
    QTest::mouseClick(panel.historyPane()->restoreButton(), Qt::LeftButton);
    QCOMPARE(panel.promptEditor()->prompt(), prompt);
    QCOMPARE(panel.modelPicker()->model(), tinyModel);
    QCOMPARE(panel.seedControl()->seed(), 77LL);
    QVERIFY(panel.seedControl()->isLocked());
    QCOMPARE(panel.stepsBox()->value(), 2);
    QCOMPARE(panel.guidanceBox()->value(), 2.0);
    QCOMPARE(panel.countBox()->value(), 1);
    QVERIFY(slotList[0]->isFilled() && slotList[1]->isFilled() && !slotList[2]->isFilled());
    QCOMPARE(slotList[1]->name(), QString("brass lamp"));
    QVERIFY(slotList[0]->imagePath().startsWith(item.runDir));  // the run's copy, not the original
  }

  void ctrlEnterBatchCompareAndExport() {
    REQUIRE_GENERATE();
    auto workspace = makeWorkspace("batch");
    ComposePanel panel;
    panel.setCliPath(PSR_CLI_PATH);
    panel.setWorkspace(workspace.get());
    panel.show();
    panel.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&panel));
    Outcome outcome;
    track(panel.queue(), &outcome);
    QVERIFY(panel.subjectSlots()[0]->setImagePath(writePng("dog.png", 8)));
    panel.modelPicker()->setModel(tinyModel);
    panel.seedControl()->setSeed(10);
    panel.seedControl()->setLocked(true);
    panel.stepsBox()->setValue(2);
    panel.countBox()->setValue(2);
    auto* edit = panel.promptEditor()->editor();
    edit->setFocus();
    QTest::keyClicks(edit, "dog on grass");
    QTest::keyClick(edit, Qt::Key_Return, Qt::ControlModifier);
    QCOMPARE(edit->toPlainText(), QString("dog on grass"));  // the shortcut, not a new line
    QVERIFY(panel.queue()->isRunning());
    QTRY_VERIFY_WITH_TIMEOUT(outcome.ended == 1, kRunMs);
    QVERIFY2(outcome.succeeded, qPrintable(outcome.error));
    QCOMPARE(panel.historyModel()->rowCount(), 2);
    QCOMPARE(panel.seedControl()->seed(), 10LL);  // locked: unchanged
    const QJsonObject recipe = readJson(panel.historyModel()->item(0).runDir + "/recipe.json");
    QCOMPARE(recipe.value("count").toInt(), 2);
    QCOMPARE(recipe.value("images").toArray()[1].toObject().value("seed").toInteger(), 11LL);

    // Compare the two images of the batch side by side.
    auto* list = panel.historyPane()->view();
    list->selectAll();
    QVERIFY(panel.historyPane()->compareButton()->isEnabled());
    QTest::mouseClick(panel.historyPane()->compareButton(), Qt::LeftButton);
    QCOMPARE(panel.viewTabs()->currentWidget(), static_cast<QWidget*>(panel.compareView()));
    QVERIFY(!panel.compareView()->left()->image().isNull());
    QVERIFY(!panel.compareView()->right()->image().isNull());
    QVERIFY(panel.compareView()->leftCaption().contains("seed 10"));
    QVERIFY(panel.compareView()->rightCaption().contains("seed 11"));

    // Save a copy with its recipe; restoring image 2 gives its own seed back with batch 1.
    const QString out = testHome->filePath("export/dog-11.png");
    QDir().mkpath(QFileInfo(out).absolutePath());
    QVERIFY(panel.exportImage(1, out));
    QVERIFY(!QImage(out).isNull());
    const QJsonObject exported = readJson(psr::ui::exportedRecipePath(out));
    QCOMPARE(exported.value("seed").toInteger(), 11LL);
    QCOMPARE(exported.value("prompt").toString(), QString("dog on grass"));
    QCOMPARE(exported.value("images").toArray()[0].toObject().value("file").toString(), QString("dog-11.png"));
    QVERIFY(QFileInfo::exists(exported.value("subjects").toArray()[0].toObject().value("file").toString()));
    panel.restore(1);
    QCOMPARE(panel.seedControl()->seed(), 11LL);
    QCOMPARE(panel.countBox()->value(), 1);
  }

  void cancelRealRunReturnsToIdle() {
    REQUIRE_GENERATE();
    auto workspace = makeWorkspace("cancel");
    ComposePanel panel;
    panel.setCliPath(PSR_CLI_PATH);
    panel.setWorkspace(workspace.get());
    Outcome outcome;
    track(panel.queue(), &outcome);
    panel.promptEditor()->setPrompt("a long one");
    panel.modelPicker()->setModel(tinyModel);
    panel.stepsBox()->setValue(1000);
    panel.countBox()->setValue(8);
    QVERIFY(panel.generate());
    QTRY_VERIFY_WITH_TIMEOUT(outcome.previews > 0, kRunMs);
    QVERIFY(panel.generateBar()->cancelButton()->isEnabled());
    QTest::mouseClick(panel.generateBar()->cancelButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(outcome.ended == 1, 60000);
    QVERIFY(outcome.cancelled);
    QVERIFY(outcome.error.isEmpty());
    QVERIFY(!panel.queue()->isRunning());
    QVERIFY(!panel.generateBar()->cancelButton()->isEnabled());
    QVERIFY(panel.generateBar()->generateButton()->isEnabled());
    QVERIFY(panel.errorBanner()->isHidden());
    // Whatever was finished before the cancel is in the history, marked cancelled.
    for (int i = 0; i < panel.historyModel()->rowCount(); ++i) QVERIFY(panel.historyModel()->item(i).recipe.cancelled);
  }

  void missingModelShowsError() {
    REQUIRE_GENERATE();
    auto workspace = makeWorkspace("missing-model");
    ComposePanel panel;
    panel.setCliPath(PSR_CLI_PATH);
    panel.setWorkspace(workspace.get());
    Outcome outcome;
    track(panel.queue(), &outcome);
    panel.promptEditor()->setPrompt("nothing will come of this");
    panel.modelPicker()->setModel(testHome->filePath("no-such-checkpoint"));
    panel.stepsBox()->setValue(2);
    QVERIFY(panel.generate());
    QTRY_VERIFY_WITH_TIMEOUT(outcome.ended == 1, kRunMs);
    QVERIFY(!outcome.succeeded);
    QVERIFY(!outcome.cancelled);
    QVERIFY(!panel.errorBanner()->isHidden());
    QVERIFY2(panel.errorBanner()->message().startsWith("Generation failed"), qPrintable(panel.errorBanner()->message()));
    QVERIFY(panel.errorBanner()->message().contains("no-such-checkpoint"));
    QCOMPARE(panel.historyModel()->rowCount(), 0);
    QCOMPARE(QDir(workspaceDir(*workspace) + "/runs/compose").entryList(QDir::Dirs | QDir::NoDotAndDotDot).size(), 0);
    QVERIFY(!panel.queue()->isRunning());
  }
};

int main(int argc, char* argv[]) {
  return runIsolatedGuiTest<TestComposePanel>(argc, argv, "PSR Studio compose test", &testHome);
}

#include "test_compose_panel.moc"
