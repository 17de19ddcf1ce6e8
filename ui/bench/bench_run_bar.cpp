#include "bench_run_bar.h"

#include <QComboBox>
#include <QDir>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

#include "common/logging.h"
#include "compose/model_picker.h"
#include "curate/cli_job.h"
#include "curate/cli_progress.h"

namespace psr::ui {
namespace {

constexpr int kModelRole = Qt::UserRole + 1;
constexpr int kLabelRole = Qt::UserRole + 2;
constexpr int kMaxSeeds = 10;

struct Entry {
  QString model, label, text, tip;
};

QList<Entry> shippedModels() {
  return {
      {QStringLiteral("base"), QStringLiteral("base"), QStringLiteral("base"), BenchRunBar::tr("Shipped single-subject model")},
      {QStringLiteral("sft"), QStringLiteral("sft"), QStringLiteral("sft"), BenchRunBar::tr("Shipped multi-subject model")},
      {QStringLiteral("rl"), QStringLiteral("rl"), QStringLiteral("rl"), BenchRunBar::tr("Shipped PSR-reward-tuned model")},
  };
}

QList<Entry> referencePoints() {
  QList<Entry> out{{QStringLiteral("oracle"), QStringLiteral("oracle"), BenchRunBar::tr("oracle (upper bound)"),
                    BenchRunBar::tr("Scores the world's render of each ground-truth scene: the best a model can do")}};
  for (const char* name : {"base", "sft", "rl"}) {
    const QString model = QStringLiteral("blind:") + QString::fromLatin1(name);
    out.append({model, model, BenchRunBar::tr("%1 (no references)").arg(model),
                BenchRunBar::tr("Runs %1 from the prompt alone: the lower bound references must beat")
                    .arg(QString::fromLatin1(name))});
  }
  return out;
}

}  // namespace

BenchRunBar::BenchRunBar(QWidget* parent)
    : QFrame(parent),
      job_(new CliJob(this)),
      models_(new QListWidget(this)),
      suite_(new QComboBox(this)),
      seeds_(new QSpinBox(this)),
      run_(new QPushButton(tr("Run"), this)),
      cancel_(new QPushButton(tr("Cancel"), this)),
      progress_(new QProgressBar(this)),
      status_(new QLabel(this)) {
  setObjectName(QStringLiteral("benchRunBar"));
  setFrameShape(QFrame::StyledPanel);
  models_->setObjectName(QStringLiteral("benchRunModels"));
  models_->setToolTip(tr("Models to run the suite against, one after another"));
  models_->setMaximumHeight(models_->fontMetrics().height() * 6);
  models_->setMinimumWidth(220);
  suite_->setObjectName(QStringLiteral("benchRunSuite"));
  suite_->setEditable(true);  // a PSRBench folder can be typed in: the CLI imports it
  suite_->setToolTip(tr("builtin (held-out identities), builtin-seen (train identities), a stored suite or a PSRBench folder"));
  seeds_->setObjectName(QStringLiteral("benchRunSeeds"));
  seeds_->setRange(1, kMaxSeeds);
  seeds_->setToolTip(tr("Seed replicates per sample: more replicates give tighter intervals"));
  run_->setObjectName(QStringLiteral("benchRunStart"));
  run_->setToolTip(tr("Generate and score every sample the checked models have no value for yet"));
  cancel_->setObjectName(QStringLiteral("benchRunCancel"));
  cancel_->setToolTip(tr("Stop after the current batch; finished batches stay stored and Run resumes"));
  progress_->setObjectName(QStringLiteral("benchRunProgress"));
  status_->setObjectName(QStringLiteral("benchRunStatus"));
  status_->setTextFormat(Qt::PlainText);
  status_->setWordWrap(true);
  status_->setText(tr("Check models and press Run; values appear below as batches are stored."));

  auto* form = new QFormLayout;
  form->addRow(tr("Suite"), suite_);
  form->addRow(tr("Seeds"), seeds_);
  auto* buttons = new QVBoxLayout;
  buttons->addWidget(run_);
  buttons->addWidget(cancel_);
  buttons->addStretch(1);
  auto* state = new QVBoxLayout;
  state->addWidget(status_, 1);
  state->addWidget(progress_);
  auto* row = new QHBoxLayout(this);
  row->setContentsMargins(8, 6, 8, 6);
  row->addWidget(models_);
  row->addLayout(form);
  row->addLayout(buttons);
  row->addLayout(state, 1);

  setSuites({});
  rebuildModels();
  setRunning(false);
  connect(run_, &QPushButton::clicked, this, &BenchRunBar::start);
  connect(cancel_, &QPushButton::clicked, this, &BenchRunBar::cancel);
  connect(job_, &CliJob::progress, this, [this](long long done, long long total) {
    const double scale = total > 1000000 ? 1000000.0 / double(total) : 1.0;
    progress_->setRange(0, int(double(total) * scale));
    progress_->setValue(int(double(done) * scale));
    progress_->setFormat(QStringLiteral("%1 / %2").arg(done).arg(total));
    if (current_ >= 0 && current_ < queue_.size()) {
      status_->setText(tr("%1 (%2 of %3): %4 of %5 samples")
                           .arg(queue_[current_].label)
                           .arg(current_ + 1)
                           .arg(queue_.size())
                           .arg(done)
                           .arg(total));
    }
  });
  connect(job_, &CliJob::lineReceived, this, [this](const QString& line) {
    // Progress lines are shown by the bar; other lines (loading, warnings) as they come.
    if (!parseCliProgress(line) && cancel_->isEnabled() && current_ >= 0) status_->setText(queue_[current_].label + QStringLiteral(": ") + line);
  });
  connect(job_, &CliJob::finished, this, &BenchRunBar::onFinished);
}

void BenchRunBar::setWorkspaceDir(const QString& dir) {
  const QStringList found = dir.isEmpty() ? QStringList() : findCheckpointFolders(QDir(dir).filePath(QStringLiteral("checkpoints")));
  if (dir == workspaceDir_ && found == checkpoints_) return;
  workspaceDir_ = dir;
  checkpoints_ = found;
  rebuildModels();
}

void BenchRunBar::setSuites(const QStringList& suites) {
  QStringList all{QStringLiteral("builtin"), QStringLiteral("builtin-seen")};
  for (const QString& s : suites) {
    if (!all.contains(s)) all << s;
  }
  QStringList shown;
  for (int i = 0; i < suite_->count(); ++i) shown << suite_->itemText(i);
  if (shown == all) return;
  const QString keep = suite_->currentText();
  const QSignalBlocker quiet(suite_);
  suite_->clear();
  suite_->addItems(all);
  suite_->setCurrentText(keep.isEmpty() ? all.first() : keep);
}

void BenchRunBar::setCliPath(const QString& path) { job_->setPsrPath(path); }

void BenchRunBar::rebuildModels() {
  QStringList checked;
  for (const BenchRunTarget& t : checkedTargets()) checked << t.model;
  QList<Entry> entries = shippedModels();
  const QDir root(QDir(workspaceDir_).filePath(QStringLiteral("checkpoints")));
  for (const QString& dir : std::as_const(checkpoints_)) {
    // Labels name checkpoints by their place in the workspace, not by an absolute path.
    const QString label = QStringLiteral("checkpoints/") + root.relativeFilePath(dir);
    entries.append({dir, label, label, QDir::toNativeSeparators(dir)});
  }
  entries += referencePoints();
  models_->clear();
  for (const Entry& e : entries) {
    auto* item = new QListWidgetItem(e.text, models_);
    item->setData(kModelRole, e.model);
    item->setData(kLabelRole, e.label);
    item->setToolTip(e.tip);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
    item->setCheckState(checked.contains(e.model) ? Qt::Checked : Qt::Unchecked);
  }
}

void BenchRunBar::setCheckedModels(const QStringList& models) {
  for (int i = 0; i < models_->count(); ++i) {
    QListWidgetItem* item = models_->item(i);
    item->setCheckState(models.contains(item->data(kModelRole).toString()) ? Qt::Checked : Qt::Unchecked);
  }
}

QList<BenchRunTarget> BenchRunBar::checkedTargets() const {
  QList<BenchRunTarget> out;
  for (int i = 0; i < models_->count(); ++i) {
    const QListWidgetItem* item = models_->item(i);
    if (item->checkState() == Qt::Checked) out.append({item->data(kModelRole).toString(), item->data(kLabelRole).toString()});
  }
  return out;
}

QString BenchRunBar::suite() const {
  const QString s = suite_->currentText().trimmed();
  return s.isEmpty() ? QStringLiteral("builtin") : s;
}

int BenchRunBar::seeds() const { return seeds_->value(); }

QStringList BenchRunBar::arguments(const BenchRunTarget& target) const {
  return {QStringLiteral("bench"), QStringLiteral("run"),   QStringLiteral("--model"), target.model,
          QStringLiteral("--label"), target.label,         QStringLiteral("--suite"), suite(),
          QStringLiteral("--seeds"), QString::number(seeds()), QStringLiteral("--json")};
}

bool BenchRunBar::start() {
  if (isRunning()) return false;
  if (workspaceDir_.isEmpty()) {
    status_->setText(tr("Open a workspace first: suites and results are kept in it."));
    return false;
  }
  queue_ = checkedTargets();
  if (queue_.isEmpty()) {
    status_->setText(tr("Check at least one model to run."));
    return false;
  }
  current_ = -1;
  setRunning(true);
  startNext();
  return true;
}

void BenchRunBar::startNext() {
  ++current_;
  const BenchRunTarget& t = queue_[current_];
  progress_->setRange(0, 0);  // busy until the child reports numbers (model loading, suite creation)
  progress_->setFormat(QString());
  status_->setText(tr("%1 (%2 of %3): starting\u2026").arg(t.label).arg(current_ + 1).arg(queue_.size()));
  psr::logger()->info("bench: running {} on {}", t.label.toStdString(), suite().toStdString());
  job_->startPsr(workspaceDir_, arguments(t));
}

void BenchRunBar::cancel() {
  if (!isRunning()) return;
  cancel_->setEnabled(false);
  status_->setText(tr("Stopping after the current batch\u2026"));
  job_->cancel();
}

bool BenchRunBar::isRunning() const { return current_ >= 0 && current_ < queue_.size(); }

QString BenchRunBar::statusText() const { return status_->text(); }

void BenchRunBar::onFinished(int /*exitCode*/, bool cancelled, const QString& error) {
  if (!isRunning()) return;
  const QString label = queue_[current_].label;
  const bool ok = !cancelled && error.isEmpty();
  emit modelFinished(label, ok);
  if (ok && current_ + 1 < queue_.size()) {
    startNext();
    return;
  }
  const int total = int(queue_.size());
  current_ = -1;
  queue_.clear();
  if (cancelled) status_->setText(tr("Cancelled: every finished batch is stored; Run resumes where it stopped."));
  else if (!ok) status_->setText(tr("%1 failed: %2").arg(label, error));
  else status_->setText(tr("Done: %n model(s) run.", nullptr, total));
  setRunning(false);
  emit finished(ok, cancelled, ok || cancelled ? QString() : error);
}

void BenchRunBar::setRunning(bool running) {
  run_->setEnabled(!running);
  cancel_->setEnabled(running);
  models_->setEnabled(!running);
  suite_->setEnabled(!running);
  seeds_->setEnabled(!running);
  progress_->setVisible(running);
  emit runningChanged(running);
}

}  // namespace psr::ui
