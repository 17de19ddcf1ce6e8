#include "train_panel.h"

#include <algorithm>
#include <functional>
#include <memory>

#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTabWidget>
#include <QTemporaryFile>
#include <QTimer>
#include <QVBoxLayout>

#include "common/logging.h"
#include "count_text.h"
#include "curate/cli_job.h"
#include "error_banner.h"
#include "path_conversion.h"
#include "store/workspace.h"
#include "train/checkpoint_list.h"
#include "train/group_inspector.h"
#include "train/job_command.h"
#include "train/job_presets.h"
#include "train/job_runner_process.h"
#include "train/job_table_model.h"
#include "train/metric_chart.h"
#include "train/sample_grid_view.h"
#include "train/spec_editor.h"
#include "train/train_snapshot.h"

namespace psr::ui {
namespace {

constexpr int kRefreshMs = 1000;
enum Tab { CurvesTab, SamplesTab, GroupsTab, CheckpointsTab };

}  // namespace

TrainPanel::TrainPanel(QWidget* parent)
    : WorkspacePanel(tr("Train"),
                     {tr("No jobs yet"),
                      tr("Train follows fine-tuning jobs: their state, device and outcome as they are "
                         "recorded in this workspace. Jobs come from the training workflow, for example:"),
                      {QStringLiteral("psr train sft \u2026")}},
                     parent),
      cliPath_(CliJob::defaultPsrPath()),
      jobs_(new JobTableModel(this)),
      runner_(new JobRunnerProcess(this)),
      timer_(new QTimer(this)) {
  setObjectName(QStringLiteral("trainPanel"));
  auto* page = new QWidget;
  banner_ = new ErrorBanner(page);
  banner_->hide();
  auto* split = new QSplitter(Qt::Horizontal, page);
  split->setObjectName(QStringLiteral("trainSplit"));
  split->addWidget(createLauncher());
  split->addWidget(createJobs());
  split->setStretchFactor(0, 2);
  split->setStretchFactor(1, 3);
  split->setChildrenCollapsible(false);
  auto* layout = new QVBoxLayout(page);
  layout->setContentsMargins(0, 8, 0, 0);
  layout->addWidget(banner_);
  layout->addWidget(split, 1);
  setContent(page);

  editor_->setPresets(loadJobPresets(jobPresetsDir()));
  connect(runner_, &JobRunnerProcess::runnerExited, this, [this](const QString&, int, const QString& message) {
    runnerStatus_->setText(message);
    psr::logger()->warn("{}", message.toStdString());
  });
  connect(runner_, &JobRunnerProcess::lineReceived, this,
          [this](const QString& device, const QString& line) { runnerStatus_->setText(tr("Runner (%1): %2").arg(device, line)); });
  timer_->setInterval(kRefreshMs);
  connect(timer_, &QTimer::timeout, this, [this] {
    if (isVisible()) refresh();
  });
  timer_->start();
}

TrainPanel::~TrainPanel() {
  // The runner children get SIGTERM here, while the widgets their last lines go to still exist:
  // their running job saves a checkpoint and pauses.
  runner_->disconnect(this);
  runner_->stopAll();
}

QWidget* TrainPanel::createLauncher() {
  auto* box = new QWidget;
  editor_ = new SpecEditor(box);
  launch_ = new QPushButton(tr("Launch"), box);
  launch_->setObjectName(QStringLiteral("trainLaunch"));
  launch_->setToolTip(tr("Queue this job on the selected device; the studio runs the queue while it is open"));
  runnerStatus_ = new QLabel(box);
  runnerStatus_->setObjectName(QStringLiteral("trainRunnerStatus"));
  runnerStatus_->setWordWrap(true);
  runnerStatus_->setTextFormat(Qt::PlainText);
  auto* heading = new QLabel(tr("<b>New job</b>"), box);
  auto* layout = new QVBoxLayout(box);
  layout->setContentsMargins(0, 0, 6, 0);
  layout->addWidget(heading);
  layout->addWidget(editor_, 1);
  layout->addWidget(runnerStatus_);
  layout->addWidget(launch_);
  connect(launch_, &QPushButton::clicked, this, &TrainPanel::launch);
  return box;
}

QWidget* TrainPanel::createJobs() {
  auto* jobsBox = new QWidget;
  jobView_ = new QTableView(jobsBox);
  jobView_->setObjectName(QStringLiteral("trainJobs"));
  jobView_->setModel(jobs_);
  jobView_->setSelectionBehavior(QAbstractItemView::SelectRows);
  jobView_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  jobView_->verticalHeader()->hide();
  jobView_->setWordWrap(false);
  jobView_->verticalHeader()->setDefaultSectionSize(jobView_->fontMetrics().height() + 8);
  jobView_->setAlternatingRowColors(true);
  jobView_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  jobView_->horizontalHeader()->setStretchLastSection(true);
  stop_ = new QPushButton(tr("Stop"), jobsBox);
  stop_->setObjectName(QStringLiteral("trainStop"));
  stop_->setToolTip(tr("Save a checkpoint and stop; the job becomes paused and can be resumed"));
  cancel_ = new QPushButton(tr("Cancel"), jobsBox);
  cancel_->setObjectName(QStringLiteral("trainCancel"));
  cancel_->setToolTip(tr("Stop now without saving"));
  resume_ = new QPushButton(tr("Resume"), jobsBox);
  resume_->setObjectName(QStringLiteral("trainResume"));
  resume_->setToolTip(tr("Queue a paused, failed or cancelled job again; it continues from its last checkpoint"));
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(new QLabel(tr("<b>Jobs</b>"), jobsBox), 1);
  buttons->addWidget(stop_);
  buttons->addWidget(cancel_);
  buttons->addWidget(resume_);
  auto* jobsLayout = new QVBoxLayout(jobsBox);
  jobsLayout->setContentsMargins(0, 0, 0, 0);
  jobsLayout->addLayout(buttons);
  jobsLayout->addWidget(jobView_, 1);
  connect(stop_, &QPushButton::clicked, this, &TrainPanel::stopSelected);
  connect(cancel_, &QPushButton::clicked, this, &TrainPanel::cancelSelected);
  connect(resume_, &QPushButton::clicked, this, &TrainPanel::resumeSelected);
  connect(jobView_->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
    updateButtons();
    if (!reloading_) refresh();
  });

  tabs_ = new QTabWidget;
  tabs_->setObjectName(QStringLiteral("trainTabs"));
  tabs_->setDocumentMode(true);
  chart_ = new MetricChart;
  samples_ = new SampleGridView;
  groups_ = new GroupInspector;
  checkpoints_ = new CheckpointList;
  tabs_->insertTab(CurvesTab, chart_, tr("Curves"));
  tabs_->insertTab(SamplesTab, samples_, tr("Sample grids"));
  tabs_->insertTab(GroupsTab, groups_, tr("GRPO groups"));
  tabs_->insertTab(CheckpointsTab, checkpoints_, tr("Checkpoints"));
  connect(chart_, &MetricChart::metricChanged, this, [this] { refresh(); });
  connect(chart_, &MetricChart::subjectFilterChanged, this, [this] { refresh(); });
  connect(checkpoints_, &CheckpointList::openInComposeRequested, this, &TrainPanel::openInComposeRequested);

  auto* split = new QSplitter(Qt::Vertical);
  split->addWidget(jobsBox);
  split->addWidget(tabs_);
  split->setStretchFactor(0, 1);
  split->setStretchFactor(1, 2);
  split->setChildrenCollapsible(false);
  updateButtons();
  return split;
}

void TrainPanel::setCliPath(const QString& path) {
  cliPath_ = path;
  runner_->setPsrPath(path);
}

void TrainPanel::setDevice(const QString& device) {
  if (!device.isEmpty()) device_ = device;
}

bool TrainPanel::runNameTaken(const QString& name) const {
  if (QFileInfo::exists(QDir(workspaceDir_).filePath(QStringLiteral("runs/") + name))) return true;
  for (const TrainJob& j : jobs_->jobs()) {
    if (j.name == name || QFileInfo(j.runDir).fileName() == name) return true;
  }
  return false;
}

bool TrainPanel::launch() {
  if (workspaceDir_.isEmpty()) {
    banner_->showError(tr("Open a workspace first: jobs, metrics and checkpoints are kept in it."));
    return false;
  }
  if (!editor_->isValid()) {
    banner_->showError(tr("The raw JSON does not parse: %1").arg(editor_->rawError()));
    return false;
  }
  QJsonObject spec = editor_->spec();
  const QString kind = spec.value(QLatin1String("kind")).toString();
  if (kind != QLatin1String("sft") && kind != QLatin1String("rl")) {
    banner_->showError(tr("The spec's \"kind\" must be sft or rl."));
    return false;
  }
  const QString out = spec.value(QLatin1String("out")).toString(spec.value(QLatin1String("name")).toString());
  if (!out.isEmpty() && QFileInfo(out).isRelative() && runNameTaken(out)) {
    banner_->showError(tr("A run named \u201c%1\u201d exists already: launching would continue it. Change \u201cout\u201d "
                          "and \u201cname\u201d, or select its job and press Resume.")
                           .arg(out));
    return false;
  }
  // The spec file only has to live until `jobs submit` has copied it into the database.
  auto file = std::make_shared<QTemporaryFile>(QDir::temp().filePath(QStringLiteral("psr-job-XXXXXX.json")));
  if (!file->open() || file->write(QJsonDocument(spec).toJson()) < 0 || !file->flush()) {
    banner_->showError(tr("Cannot write the job spec to %1: %2").arg(file->fileName(), file->errorString()));
    return false;
  }
  banner_->hide();
  launch_->setEnabled(false);
  const QString workspace = workspaceDir_;
  const QString device = device_;
  runJobCommand(this, cliPath_, workspace,
                {QStringLiteral("jobs"), QStringLiteral("submit"), QStringLiteral("--kind"), kind, QStringLiteral("--config"),
                 file->fileName(), QStringLiteral("--device"), device, QStringLiteral("--json")},
                [this, file, workspace, device, out](const JobCommandResult& r) {
                  launch_->setEnabled(true);
                  if (!r.ok()) {
                    banner_->showError(r.error);
                    emit commandFinished(QStringLiteral("submit"), false);
                    return;
                  }
                  const qint64 id = QJsonDocument::fromJson(r.output.toUtf8()).object().value(QLatin1String("id")).toInteger();
                  psr::logger()->info("train: job {} queued on {}", id, device.toStdString());
                  runner_->ensureRunning(workspace, device);
                  pendingSelection_ = {id};
                  // The next launch of the same spec starts a new run instead of continuing this one.
                  QJsonObject next = editor_->spec();
                  if (next.value(QLatin1String("out")).toString() == out) {
                    QString name = out;
                    for (int n = 2; runNameTaken(name) || name == out; ++n) name = QStringLiteral("%1-%2").arg(out).arg(n);
                    next.insert(QStringLiteral("out"), name);
                    next.insert(QStringLiteral("name"), name);
                    editor_->setSpec(next);
                  }
                  refresh();
                  emit commandFinished(QStringLiteral("submit"), true);
                });
  return true;
}

void TrainPanel::runVerb(const QString& verb) {
  const QList<qint64> ids = selectedJobIds();
  if (ids.isEmpty() || workspaceDir_.isEmpty()) return;
  for (qint64 id : ids) {
    runJobCommand(this, cliPath_, workspaceDir_, {QStringLiteral("jobs"), verb, QString::number(id)},
                  [this, verb, id](const JobCommandResult& r) {
                    if (!r.ok()) banner_->showError(tr("Job %1: %2").arg(id).arg(r.error));
                    else psr::logger()->info("train: {}", r.output.trimmed().toStdString());
                    refresh();
                    emit commandFinished(verb, r.ok());
                  });
  }
  // A resumed job needs a runner to pick it up again.
  if (verb == QLatin1String("resume")) {
    for (qint64 id : ids) {
      if (const TrainJob* j = jobs_->jobById(id)) runner_->ensureRunning(workspaceDir_, j->device);
    }
  }
}

void TrainPanel::stopSelected() { runVerb(QStringLiteral("stop")); }
void TrainPanel::cancelSelected() { runVerb(QStringLiteral("cancel")); }
void TrainPanel::resumeSelected() { runVerb(QStringLiteral("resume")); }

QList<qint64> TrainPanel::selectedJobIds() const {
  QList<qint64> ids;
  for (const QModelIndex& index : jobView_->selectionModel()->selectedRows()) {
    ids << index.data(JobTableModel::JobIdRole).toLongLong();
  }
  std::sort(ids.begin(), ids.end(), std::greater<>());
  return ids;
}

void TrainPanel::selectJobs(const QList<qint64>& ids) {
  QItemSelection selection;
  for (qint64 id : ids) {
    const int row = jobs_->rowOfJob(id);
    if (row >= 0) selection.select(jobs_->index(row, 0), jobs_->index(row, JobTableModel::ColumnCount - 1));
  }
  jobView_->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
  if (!selection.isEmpty()) jobView_->selectionModel()->setCurrentIndex(selection.indexes().first(), QItemSelectionModel::NoUpdate);
}

void TrainPanel::updateButtons() {
  bool canStop = false, canCancel = false, canResume = false;
  for (qint64 id : selectedJobIds()) {
    const TrainJob* j = jobs_->jobById(id);
    if (!j || j->kind == QLatin1String("command")) continue;
    canStop = canStop || j->isActive();
    canCancel = canCancel || j->isActive() || j->state == QLatin1String("paused");
    canResume = canResume || j->state == QLatin1String("paused") || j->state == QLatin1String("failed") ||
                j->state == QLatin1String("cancelled");
  }
  stop_->setEnabled(canStop);
  cancel_->setEnabled(canCancel);
  resume_->setEnabled(canResume);
}

bool TrainPanel::reload(psr::store::Workspace& workspace) {
  const QString dir = toQString(workspace.dir());
  if (dir != workspaceDir_) {
    // Jobs of the previous workspace pause (their runner stops) rather than run unseen.
    runner_->stopAll();
    workspaceDir_ = dir;
    runnerChecked_ = false;
    banner_->hide();
    editor_->setRunsDir(toQString(workspace.runsDir()));
    editor_->selectPreset(editor_->presetBox()->currentIndex());
  }
  const QList<TrainJob> jobs = readTrainJobs(workspace);
  const QList<qint64> keep = pendingSelection_.isEmpty() ? selectedJobIds() : pendingSelection_;
  const bool firstLoad = jobs_->jobs().isEmpty();
  jobs_->setJobs(jobs);
  if (!pendingSelection_.isEmpty() && jobs_->rowOfJob(pendingSelection_.first()) >= 0) pendingSelection_.clear();
  reloading_ = true;
  if (!keep.isEmpty() && keep != selectedJobIds()) selectJobs(keep);
  else if (firstLoad && keep.isEmpty() && !jobs.isEmpty()) selectJobs({jobs.first().id});
  reloading_ = false;
  updateButtons();

  // Queued jobs left from an earlier session run as soon as the studio is open again.
  if (!runnerChecked_) {
    runnerChecked_ = true;
    for (const TrainJob& j : jobs) {
      if (j.state == QLatin1String("queued")) runner_->ensureRunning(dir, j.device);
    }
  }
  updateDetails(workspace);

  qint64 running = 0, queued = 0;
  for (const TrainJob& j : jobs) {
    running += j.state == QLatin1String("running");
    queued += j.state == QLatin1String("queued");
  }
  setSummary(countText(jobs.size(), tr("job"), tr("jobs")) + QStringLiteral(" \u00b7 ") + tr("%1 running").arg(running) +
             QStringLiteral(" \u00b7 ") + tr("%1 queued").arg(queued) + QStringLiteral(" \u00b7 ") +
             countText(checkpoints_->checkpoints().size(), tr("checkpoint"), tr("checkpoints")));
  // Launching is always possible, so the panel always has content.
  return true;
}

void TrainPanel::updateDetails(psr::store::Workspace& workspace) {
  const QList<qint64> ids = selectedJobIds();
  chart_->setMetricNames(readMetricNames(workspace, ids));
  chart_->setSubjectCounts(readSubjectCounts(workspace, ids));
  QList<MetricCurve> curves;
  if (!chart_->metric().isEmpty()) {
    for (qint64 id : ids) {
      const TrainJob* j = jobs_->jobById(id);
      const QString label = j ? tr("job %1 \u00b7 %2").arg(id).arg(j->name) : tr("job %1").arg(id);
      curves.append({label, readMetric(workspace, id, chart_->metric(), chart_->subjectFilter())});
    }
  }
  chart_->setCurves(curves);
  const TrainJob* current = ids.isEmpty() ? nullptr : jobs_->jobById(ids.first());
  samples_->setRunDir(current ? current->runDir : QString());
  groups_->setRunDir(current && current->kind == QLatin1String("rl") ? current->runDir : QString());
  checkpoints_->setCheckpoints(readTrainCheckpoints(workspace));
}

}  // namespace psr::ui
