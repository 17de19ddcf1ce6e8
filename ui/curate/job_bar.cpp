#include "job_bar.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QToolButton>

#include "cli_job.h"
#include "theme.h"

namespace psr::ui {

JobBar::JobBar(QWidget* parent)
    : QFrame(parent),
      job_(new CliJob(this)),
      status_(new QLabel(this)),
      progress_(new QProgressBar(this)),
      cancel_(new QPushButton(tr("Cancel"), this)),
      dismiss_(new QToolButton(this)) {
  setObjectName(QStringLiteral("curateJobBar"));
  setFrameShape(QFrame::StyledPanel);
  status_->setObjectName(QStringLiteral("curateJobStatus"));
  status_->setTextFormat(Qt::PlainText);
  status_->setWordWrap(true);
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  progress_->setObjectName(QStringLiteral("curateJobProgress"));
  progress_->setMaximumWidth(260);
  cancel_->setObjectName(QStringLiteral("curateJobCancel"));
  dismiss_->setText(QStringLiteral("\u2715"));
  dismiss_->setAutoRaise(true);
  dismiss_->setToolTip(tr("Dismiss"));
  auto* row = new QHBoxLayout(this);
  row->setContentsMargins(8, 4, 8, 4);
  row->addWidget(status_, 1);
  row->addWidget(progress_);
  row->addWidget(cancel_);
  row->addWidget(dismiss_);
  connect(cancel_, &QPushButton::clicked, this, [this] {
    job_->cancel();
    cancel_->setEnabled(false);
    status_->setText(tr("%1: stopping after the current batch\u2026").arg(title_));
  });
  connect(dismiss_, &QToolButton::clicked, this, &QWidget::hide);
  connect(job_, &CliJob::lineReceived, this, [this](const QString& line) {
    if (cancel_->isEnabled()) status_->setText(title_ + QStringLiteral(": ") + line);
  });
  connect(job_, &CliJob::progress, this, [this](long long done, long long total) {
    // QProgressBar holds ints; scale counts beyond that range.
    const double scale = total > 1000000 ? 1000000.0 / double(total) : 1.0;
    progress_->setRange(0, int(double(total) * scale));
    progress_->setValue(int(double(done) * scale));
    progress_->setFormat(QStringLiteral("%1 / %2").arg(done).arg(total));
  });
  connect(job_, &CliJob::finished, this, &JobBar::finish);
  hide();
}

bool JobBar::isRunning() const { return job_->isRunning(); }

QString JobBar::statusText() const { return status_->text(); }

void JobBar::runPsr(const QString& title, const QString& workspace, const QStringList& args) {
  if (job_->isRunning()) return;
  title_ = title;
  failed_ = false;
  applyColours();
  status_->setText(tr("%1: starting\u2026").arg(title));
  progress_->setRange(0, 0);  // busy until the child reports numbers
  progress_->setFormat(QString());
  progress_->show();
  cancel_->setEnabled(true);
  cancel_->show();
  dismiss_->hide();
  show();
  emit runningChanged(true);
  job_->startPsr(workspace, args);
}

void JobBar::finish(int /*exitCode*/, bool cancelled, const QString& error) {
  failed_ = !cancelled && !error.isEmpty();
  const QString last = job_->lastLine();
  if (cancelled) status_->setText(tr("%1: cancelled.").arg(title_));
  else if (failed_) status_->setText(tr("%1 failed: %2").arg(title_, error));
  else status_->setText(tr("%1: done.").arg(title_) + (last.isEmpty() ? QString() : QLatin1Char(' ') + last));
  progress_->hide();
  cancel_->hide();
  dismiss_->show();
  applyColours();
  emit runningChanged(false);
  emit jobEnded(!cancelled && !failed_, failed_ ? error : QString());
}

void JobBar::changeEvent(QEvent* event) {
  QFrame::changeEvent(event);
  if (event->type() == QEvent::PaletteChange) applyColours();
}

void JobBar::applyColours() {
  QPalette p = status_->palette();
  p.setColor(QPalette::WindowText, failed_ ? errorTextColor(palette()) : palette().color(QPalette::WindowText));
  status_->setPalette(p);
}

}  // namespace psr::ui
