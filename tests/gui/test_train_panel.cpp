// The Train panel on the offscreen platform against the real `psr` CLI: presets in a searchable,
// editable parameter table kept in sync with the raw JSON; a tiny SFT job launched from the
// panel, run by the panel's `psr jobs run` child until it finishes, with its loss curve, its
// checkpoints and their lineage, and "Open in Compose"; Stop on a longer job pauses it, Resume
// queues it again and Cancel ends it; the GRPO group inspector and sample grids on run folders.
#include "isolated_gui_main.h"
#include <cstring>

#include <QApplication>
#include <QChart>
#include <QComboBox>
#include <QLineSeries>
#include <QSpinBox>
#include <QAbstractAxis>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLegend>
#include <QLegendMarker>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include "common/logging.h"
#include "compose/model_picker.h"
#include "compose_panel.h"
#include "error_banner.h"
#include "io/safetensors.h"
#include "main_window.h"
#include "store/workspace.h"
#include "train/checkpoint_list.h"
#include "train/group_inspector.h"
#include "train/job_presets.h"
#include "train/job_table_model.h"
#include "train/metric_chart.h"
#include "train/sample_grid_view.h"
#include "train/spec_editor.h"
#include "train/spec_table_model.h"
#include "train/train_snapshot.h"
#include "train_panel.h"

using psr::ui::JobTableModel;
using psr::ui::SpecTableModel;
using psr::ui::TrainJob;
using psr::ui::TrainPanel;

namespace {

constexpr int kJobMs = 400000;  // a few tiny SFT steps on a busy 2-core machine, with room
QTemporaryDir* testHome = nullptr;

/// A psr-shard-v1 file of `n` random samples of `size` px, as `psr data export shards` writes
/// one (sample i has 1 + i % 2 references).
void writeShard(const QString& file, int n, int size) {
  using psr::io::DType;
  std::vector<std::uint8_t> target(std::size_t(n) * size * size * 3), refs(std::size_t(n) * 4 * size * size * 3, 0);
  std::vector<std::uint8_t> mask(std::size_t(n) * 4, 0);
  std::uint32_t state = 12345;
  auto next = [&state] {
    state = state * 1664525u + 1013904223u;
    return std::uint8_t(state >> 24);
  };
  for (auto& b : target) b = next();
  std::string text;
  std::vector<std::int64_t> offsets{0};
  QJsonArray samples;
  const std::size_t refBytes = std::size_t(size) * size * 3;
  for (int i = 0; i < n; ++i) {
    const int count = 1 + i % 2;
    for (int k = 0; k < count; ++k) {
      mask[std::size_t(i) * 4 + k] = 1;
      for (std::size_t b = 0; b < refBytes; ++b) refs[(std::size_t(i) * 4 + k) * refBytes + b] = next();
    }
    const std::string instruction = "put the crab number " + std::to_string(i) + " on a beach";
    text += instruction;
    offsets.push_back(std::int64_t(text.size()));
    samples.append(QJsonObject{{"id", i}, {"instruction", QString::fromStdString(instruction)}});
  }
  auto view = [](const char* name, DType dtype, std::vector<std::int64_t> shape, const void* data, std::size_t bytes) {
    return psr::io::TensorView{name, dtype, std::move(shape), static_cast<const std::byte*>(data), bytes};
  };
  const std::int64_t s = size;
  psr::io::writeSafetensors(
      file.toStdString(),
      {view("target", DType::U8, {n, s, s, 3}, target.data(), target.size()),
       view("references", DType::U8, {n, 4, s, s, 3}, refs.data(), refs.size()),
       view("reference_mask", DType::U8, {n, 4}, mask.data(), mask.size()),
       view("instruction", DType::U8, {std::int64_t(text.size())}, text.data(), text.size()),
       view("instruction_offsets", DType::I64, {std::int64_t(offsets.size())}, offsets.data(), offsets.size() * 8)},
      {{"format", "psr-shard-v1"},
       {"samples", QJsonDocument(samples).toJson(QJsonDocument::Compact).toStdString()}});
}

/// A tiny full fine-tune over `shards`, one thread.
QJsonObject tinySpec(const QString& shards, const QString& out, int steps) {
  return QJsonObject{{"kind", "sft"}, {"name", out}, {"model", "tiny"}, {"data", QJsonObject{{"shards", shards}}},
                     {"references", QJsonObject{{"1", 0.5}, {"2", 0.5}}}, {"steps", steps}, {"batch", 2},
                     {"lr", 1e-3}, {"warmup", 1}, {"ema", 0.9}, {"checkpoint_every", 2}, {"sample_every", 0},
                     {"sample_count", 2}, {"sample_steps", 2}, {"log_every", 1}, {"seed", 5}, {"threads", 1},
                     {"out", out}};
}

const TrainJob* jobNamed(TrainPanel& panel, const QString& name) {
  for (const TrainJob& j : panel.jobModel()->jobs()) {
    if (j.name == name) return &j;
  }
  return nullptr;
}

QString stateOf(TrainPanel& panel, const QString& name) {
  panel.refresh();
  const TrainJob* j = jobNamed(panel, name);
  return j ? j->state : QString();
}

}  // namespace

class TestTrainPanel : public QObject {
  Q_OBJECT

  std::unique_ptr<psr::store::Workspace> workspace_;
  QString shards_;

 private slots:
  void initTestCase() {
    const QString dir = testHome->filePath("workspace");
    QProcess init;
    init.start(PSR_CLI_PATH, {"workspace", "init", dir});
    QVERIFY(init.waitForFinished(60000));
    QVERIFY2(init.exitCode() == 0, init.readAllStandardError().constData());
    workspace_ = psr::store::Workspace::open(dir.toStdString());
    shards_ = dir + "/exports/tiny";
    QVERIFY(QDir().mkpath(shards_));
    writeShard(shards_ + "/shard-00000.safetensors", 6, 16);
  }

  void presetsShipBothKinds() {
    const QString dir = psr::ui::jobPresetsDir();
    QVERIFY2(QFileInfo::exists(dir + "/sft.json"), qPrintable(dir));
    const auto presets = psr::ui::loadJobPresets(dir);
    QStringList kinds;
    for (const auto& p : presets) kinds << p.kind();
    QVERIFY(kinds.contains("sft"));
    QVERIFY(kinds.contains("rl"));
    QCOMPARE(psr::ui::uniqueRunName(testHome->filePath("none"), "sft"), QString("sft"));
    // Every parameter is listed, set in the spec file or not; the file's own values win.
    auto presetNamed = [&](const QString& label) -> QJsonObject {
      for (const auto& p : presets)
        if (p.label.endsWith(label)) return p.spec;
      return {};
    };
    const QJsonObject rl = presetNamed(QString::fromUtf8("\u00b7 rl"));
    QVERIFY(!rl.isEmpty());
    QCOMPARE(rl.value("lr").toDouble(), 1e-3);                      // rl.json
    QCOMPARE(rl.value("kl_max").toDouble(-1), 0.0);                 // defaults/rl.json
    QCOMPARE(rl.value("self_check").toBool(false), true);
    QCOMPARE(rl.value("reward_retries").toInt(), 2);
    QVERIFY(!rl.contains("train_steps") || rl.value("train_steps").toInt() == 0);
    const QJsonObject sft = presetNamed(QString::fromUtf8("\u00b7 sft"));
    QCOMPARE(sft.value("steps").toInt(), 800);                      // sft.json
    QCOMPARE(sft.value("min_lr_fraction").toDouble(), 0.1);         // defaults/sft.json
    QCOMPARE(sft.value("timesteps").toObject().value("distribution").toString(), QString("logit-normal"));
    // A folder without defaults still gives launchable presets, with only their own keys.
    QTemporaryDir bare;
    QFile spec(bare.filePath("mine.json"));
    QVERIFY(spec.open(QIODevice::WriteOnly));
    spec.write(R"({"kind": "sft", "model": "tiny", "data": {"shards": "x"}, "steps": 5})");
    spec.close();
    const auto barePresets = psr::ui::loadJobPresets(bare.path());
    QCOMPARE(barePresets.size(), 2);  // mine + the RL starter
    QCOMPARE(barePresets.first().spec.keys().size(), 4);
    QCOMPARE(barePresets.last().spec.value("init").toString(), QString("sft"));
  }

  void specTableEditsKeepTypes() {
    SpecTableModel model;
    model.setSpec(QJsonObject{{"steps", 10}, {"name", "a"}, {"ema", 0.9}, {"flag", true},
                              {"timesteps", QJsonObject{{"shift", 1.0}}}, {"window", QJsonArray{0, 3}}});
    QCOMPARE(model.rowCount(), 6);
    QVERIFY(model.rowOfKey("timesteps.shift") >= 0);
    QVERIFY(model.setValueText("steps", "25"));
    QVERIFY(!model.setValueText("steps", "many"));
    QVERIFY(model.setValueText("name", "123"));
    QVERIFY(model.setValueText("flag", "false"));
    QVERIFY(!model.setValueText("flag", "2"));
    QVERIFY(model.setValueText("timesteps.shift", "3"));
    QVERIFY(model.setValueText("window", "[1, 2]"));
    const QJsonObject spec = model.spec();
    QCOMPARE(spec.value("steps").toInt(), 25);
    QCOMPARE(spec.value("name").toString(), QString("123"));
    QCOMPARE(spec.value("flag").toBool(true), false);
    QCOMPARE(spec.value("timesteps").toObject().value("shift").toDouble(), 3.0);
    QCOMPARE(spec.value("window").toArray(), (QJsonArray{1, 2}));
  }

  void editorSearchesAndSyncsRawJson() {
    TrainPanel panel;
    panel.setWorkspace(workspace_.get());
    psr::ui::SpecEditor* editor = panel.specEditor();
    QVERIFY(editor->presetBox()->count() >= 2);
    QVERIFY(panel.showsContent());
    // The panel shares the window with the others: it must not force a wide window.
    QVERIFY2(panel.minimumSizeHint().width() < 900, qPrintable(QString::number(panel.minimumSizeHint().width())));
    // Every key is searchable.
    editor->filterBox()->setText("warm");
    QCOMPARE(editor->filterModel()->rowCount(), 1);
    QCOMPARE(editor->filterModel()->index(0, 0).data().toString(), QString("warmup"));
    editor->filterBox()->clear();
    QCOMPARE(editor->filterModel()->rowCount(), editor->model()->rowCount());
    // Table → raw.
    QVERIFY(editor->model()->setValueText("lr", "0.125"));
    QVERIFY(editor->rawEdit()->toPlainText().contains("\"lr\": 0.125"));
    // Raw → table, and a broken raw text is reported, not applied.
    QJsonObject spec = editor->spec();
    spec.insert("steps", 3);
    editor->rawEdit()->setPlainText(QString::fromUtf8(QJsonDocument(spec).toJson()));
    QCOMPARE(editor->model()->index(editor->model()->rowOfKey("steps"), 1).data().toString(), QString("3"));
    QVERIFY(editor->isValid());
    editor->rawEdit()->setPlainText("{ \"steps\": ");
    QVERIFY(!editor->isValid());
    QCOMPARE(editor->spec().value("steps").toInt(), 3);
    QVERIFY(!panel.launch());
    QVERIFY(!panel.errorBanner()->isHidden());
    panel.setWorkspace(nullptr);
  }

  void launchedJobFinishesWithCurveAndCheckpoints() {
    TrainPanel panel;
    panel.setCliPath(PSR_CLI_PATH);
    panel.setWorkspace(workspace_.get());
    panel.resize(1200, 800);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.specEditor()->setSpec(tinySpec(shards_, "tiny-a", 4));
    QSignalSpy commands(&panel, &TrainPanel::commandFinished);
    QVERIFY(panel.launch());
    QVERIFY(commands.wait(60000));
    QCOMPARE(commands.first().at(1).toBool(), true);
    // The next launch of the same spec would start a new run, not continue this one.
    QCOMPARE(panel.specEditor()->spec().value("out").toString(), QString("tiny-a-2"));

    QTRY_COMPARE_WITH_TIMEOUT(stateOf(panel, "tiny-a"), QString("finished"), kJobMs);
    QVERIFY(jobNamed(panel, "tiny-a"));
    const TrainJob job = *jobNamed(panel, "tiny-a");  // a copy: refresh() replaces the model's rows
    QCOMPARE(job.total, 4);
    QCOMPARE(job.step, 4);
    QCOMPARE(JobTableModel::progressText(job), QString("4 / 4 (100 %)"));
    QCOMPARE(panel.selectedJobIds(), QList<qint64>{job.id});
    panel.refresh();
    QCOMPARE(panel.metricChart()->metric(), QString("loss"));
    QCOMPARE(panel.metricChart()->curveCount(), 1);
    QVERIFY(panel.metricChart()->pointCount() >= 4);
    QVERIFY(panel.metricChart()->metricBox()->findText("grad_norm") >= 0);
    QVERIFY(panel.metricChart()->subjectsBox()->isHidden());  // SFT logs no subject count
    const QList<QLegendMarker*> markers = panel.metricChart()->chart()->legend()->markers();
    QCOMPARE(markers.size(), 1);
    QCOMPARE(markers.first()->label(), QString("job %1 \u00b7 tiny-a").arg(job.id));

    psr::ui::CheckpointList* checkpoints = panel.checkpointList();
    QVERIFY(checkpoints->checkpoints().size() >= 2);
    const psr::ui::TrainCheckpoint& newest = checkpoints->checkpoints().first();
    QCOMPARE(newest.step, 4);
    QCOMPARE(newest.jobId, job.id);
    QVERIFY2(newest.path.startsWith(job.runDir), qPrintable(newest.path + " vs " + job.runDir));
    QVERIFY2(newest.lineage().startsWith("shards " + shards_ + " \u2192 job"), qPrintable(newest.lineage()));
    QVERIFY(newest.lineage().endsWith("checkpoint step 4"));
    QCOMPARE(newest.parentId, checkpoints->checkpoints().at(1).id);
    QVERIFY(QFileInfo::exists(newest.path + "/config.json"));
    QSignalSpy open(&panel, &TrainPanel::openInComposeRequested);
    QVERIFY(checkpoints->selectCheckpoint(newest.id));
    checkpoints->openButton()->click();
    QCOMPARE(open.count(), 1);
    QCOMPARE(open.first().first().toString(), newest.path);
    panel.setWorkspace(nullptr);
  }

  void stopPausesResumeQueuesCancelEnds() {
    TrainPanel panel;
    panel.setCliPath(PSR_CLI_PATH);
    panel.setWorkspace(workspace_.get());
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QJsonObject spec = tinySpec(shards_, "tiny-long", 100000);
    spec.insert("checkpoint_every", 1000);
    panel.specEditor()->setSpec(spec);
    QVERIFY(panel.launch());
    QTRY_VERIFY_WITH_TIMEOUT(jobNamed(panel, "tiny-long") && jobNamed(panel, "tiny-long")->step >= 1, kJobMs);
    const qint64 id = jobNamed(panel, "tiny-long")->id;
    panel.selectJobs({id});
    QVERIFY(panel.stopButton()->isEnabled());
    QVERIFY(!panel.resumeButton()->isEnabled());
    panel.stopButton()->click();
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(panel, "tiny-long"), QString("paused"), 120000);
    const QString message = jobNamed(panel, "tiny-long")->message;
    QVERIFY2(message.contains("checkpoint saved"), qPrintable(message));
    const qint64 pausedAt = jobNamed(panel, "tiny-long")->step;

    panel.selectJobs({id});
    QVERIFY(panel.resumeButton()->isEnabled());
    panel.resumeButton()->click();
    QTRY_VERIFY_WITH_TIMEOUT(stateOf(panel, "tiny-long") == "running" && jobNamed(panel, "tiny-long")->step > pausedAt,
                             kJobMs);
    panel.selectJobs({id});
    QVERIFY(panel.cancelButton()->isEnabled());
    panel.cancelButton()->click();
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(panel, "tiny-long"), QString("cancelled"), 120000);
    panel.setWorkspace(nullptr);
  }

  void groupInspectorAndSampleGridsReadRunFolders() {
    const QString run = testHome->filePath("rl-run");
    QVERIFY(QDir().mkpath(run + "/groups"));
    QVERIFY(QDir().mkpath(run + "/samples"));
    for (int epoch : {1, 2}) {
      QJsonArray samples;
      for (int i = 0; i < 3; ++i) {
        samples.append(QJsonObject{{"components", QJsonObject{{"psr", 0.1 * i}, {"semantic", 0.5}, {"aesthetic", 0.25}}},
                                   {"total", 0.2 * i + epoch}, {"advantage", i - 1.0}, {"kept", i != 1}, {"seed", 100 + i}});
      }
      const QString name = QString("%1/groups/epoch-%2").arg(run).arg(epoch, 7, 10, QChar('0'));
      QFile f(name + ".json");
      QVERIFY(f.open(QIODevice::WriteOnly));
      f.write(QJsonDocument(QJsonObject{{"epoch", epoch}, {"prompt", QString("prompt %1").arg(epoch)},
                                        {"samples", samples}}).toJson());
      f.close();
      QImage image(48, 16, QImage::Format_RGB32);
      image.fill(Qt::darkCyan);
      QVERIFY(image.save(name + ".png"));
      QVERIFY(image.save(QString("%1/samples/step-%2.png").arg(run).arg(epoch * 100, 7, 10, QChar('0'))));
    }
    psr::ui::GroupInspector groups;
    groups.setRunDir(run);
    QCOMPARE(groups.epochCount(), 2);
    QCOMPARE(groups.currentEpoch(), 2);
    QCOMPARE(groups.prompt(), QString("prompt 2"));
    QTableWidget* table = groups.table();
    QCOMPARE(table->rowCount(), 3);
    QCOMPARE(table->columnCount(), 8);
    groups.slider()->setValue(0);
    QCOMPARE(groups.currentEpoch(), 1);
    QCOMPARE(groups.prompt(), QString("prompt 1"));
    table->sortItems(0);
    QCOMPARE(table->item(0, 5)->text(), QString("-1.000"));
    QCOMPARE(table->item(1, 6)->text(), QString("dropped"));
    QCOMPARE(table->item(2, 7)->text(), QString("102"));

    psr::ui::SampleGridView grids;
    grids.setRunDir(run);
    QCOMPARE(grids.stepCount(), 2);
    QCOMPARE(grids.currentStep(), 200);
    grids.slider()->setValue(0);
    QCOMPARE(grids.currentStep(), 100);
    QVERIFY(grids.caption().startsWith("step 100"));
  }

  void openInComposeSelectsTheCheckpoint() {
    const QString checkpoint = testHome->filePath("some-checkpoint");
    QVERIFY(QDir().mkpath(checkpoint));
    QFile config(checkpoint + "/config.json");
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write("{}");
    config.close();
    psr::ui::MainWindow window;
    window.setCurrentPanel(psr::ui::MainWindow::Train);
    window.openInCompose(checkpoint);
    QCOMPARE(window.currentPanel(), int(psr::ui::MainWindow::Compose));
    auto* compose = static_cast<psr::ui::ComposePanel*>(window.panel(psr::ui::MainWindow::Compose));
    QCOMPARE(compose->modelPicker()->model(), checkpoint);
  }

  void curvesFilterBySubjectCountAndSmooth() {
    // An RL job's rows as the runner stores metrics.jsonl: epochs alternate 2 and 3 subjects.
    auto& db = workspace_->db();
    db.exec("INSERT INTO jobs(kind, spec, state) VALUES ('rl', '{\"name\": \"per-count\", \"epochs\": 12}', "
            "'finished')");
    const qint64 job = db.lastInsertId();
    auto metric = db.prepare("INSERT INTO metrics(job_id, step, name, value) VALUES (?, ?, ?, ?)");
    for (int epoch = 1; epoch <= 12; ++epoch) {
      for (const auto& [name, value] : {std::pair<const char*, double>{"reward_psr", 0.1 * epoch},
                                        std::pair<const char*, double>{"subjects", epoch % 2 ? 2.0 : 3.0}}) {
        metric.reset();
        metric.bind(1, std::int64_t(job)).bind(2, std::int64_t(epoch)).bind(3, std::string_view(name)).bind(4, value).run();
      }
    }
    TrainPanel panel;
    panel.setCliPath(PSR_CLI_PATH);
    panel.setWorkspace(workspace_.get());
    panel.selectJobs({job});
    panel.refresh();
    psr::ui::MetricChart* chart = panel.metricChart();
    chart->setMetric("reward_psr");
    QCOMPARE(chart->metric(), QString("reward_psr"));
    QVERIFY(!chart->subjectsBox()->isHidden());
    QCOMPARE(chart->subjectsBox()->count(), 3);  // all, 2, 3
    QCOMPARE(chart->pointCount(), 12);
    const auto pointsOf = [&] { return static_cast<QLineSeries*>(chart->chart()->series().first())->points(); };

    chart->subjectsBox()->setCurrentIndex(chart->subjectsBox()->findData(3));
    QCOMPARE(chart->subjectFilter(), 3);
    QList<QPointF> points = pointsOf();
    QCOMPARE(points.size(), 6);
    for (int i = 0; i < 6; ++i) {
      QCOMPARE(points[i].x(), double(2 * (i + 1)));  // the even epochs drew 3 subjects
      QVERIFY(std::abs(points[i].y() - 0.2 * (i + 1)) < 1e-12);
    }
    // A trailing mean of 3 over the filtered points: 0.2, (0.2+0.4)/2, (0.2+0.4+0.6)/3, ...
    chart->smoothingBox()->setValue(3);
    points = pointsOf();
    QCOMPARE(points.size(), 6);
    QVERIFY(std::abs(points[0].y() - 0.2) < 1e-12);
    QVERIFY(std::abs(points[1].y() - 0.3) < 1e-12);
    QVERIFY(std::abs(points[5].y() - (0.8 + 1.0 + 1.2) / 3) < 1e-12);
    QVERIFY(chart->chart()->axes(Qt::Vertical).first()->titleText().contains("mean of last 3"));
    panel.resize(1000, 700);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    const QString shot = QStringLiteral(PSR_BUILD_DIR "/screenshots/train-curves-per-count.png");
    QDir().mkpath(QFileInfo(shot).absolutePath());
    QVERIFY(panel.grab().save(shot));
    // The choice survives a refresh; "all" brings every epoch back.
    panel.refresh();
    QCOMPARE(chart->subjectFilter(), 3);
    QCOMPARE(chart->pointCount(), 6);
    chart->setSubjectFilter(0);
    QCOMPARE(chart->pointCount(), 12);
    chart->setSmoothing(1);
    QVERIFY(std::abs(pointsOf()[11].y() - 1.2) < 1e-12);
    panel.setWorkspace(nullptr);
  }
};

int main(int argc, char* argv[]) {
  return runIsolatedGuiTest<TestTrainPanel>(argc, argv, "PSR Studio train test", &testHome);
}

#include "test_train_panel.moc"
