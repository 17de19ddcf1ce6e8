#include "generate_bar.h"

#include <QGridLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>

#include "generation_queue.h"

namespace psr::ui {

GenerateBar::GenerateBar(GenerationQueue* queue, QWidget* parent)
    : QWidget(parent),
      queue_(queue),
      generate_(new QPushButton(tr("Generate"), this)),
      cancel_(new QPushButton(tr("Cancel"), this)),
      cancelAll_(new QPushButton(tr("Cancel All"), this)),
      status_(new QLabel(this)),
      progress_(new QProgressBar(this)) {
  generate_->setObjectName(QStringLiteral("composeGenerate"));
  generate_->setToolTip(tr("Generate with these settings (Ctrl+Enter); while one runs, the request waits in line"));
  generate_->setDefault(true);
  cancel_->setObjectName(QStringLiteral("composeCancel"));
  cancel_->setToolTip(tr("Stop the running generation; images it finished are kept, waiting requests go on"));
  cancelAll_->setObjectName(QStringLiteral("composeCancelAll"));
  cancelAll_->setToolTip(tr("Stop the running generation and drop the waiting requests"));
  status_->setObjectName(QStringLiteral("composeStatus"));
  status_->setTextFormat(Qt::PlainText);
  status_->setWordWrap(true);
  progress_->setObjectName(QStringLiteral("composeProgress"));
  progress_->setTextVisible(true);

  auto* layout = new QGridLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(generate_, 0, 0);
  layout->addWidget(cancel_, 0, 1);
  layout->addWidget(cancelAll_, 0, 2);
  layout->addWidget(progress_, 1, 0, 1, 3);
  layout->addWidget(status_, 2, 0, 1, 3);
  layout->setColumnStretch(0, 2);
  layout->setColumnStretch(1, 1);
  layout->setColumnStretch(2, 1);

  connect(generate_, &QPushButton::clicked, this, &GenerateBar::generateClicked);
  connect(cancel_, &QPushButton::clicked, queue_, &GenerationQueue::cancelCurrent);
  connect(cancelAll_, &QPushButton::clicked, queue_, &GenerationQueue::cancelAll);
  connect(queue_, &GenerationQueue::queueChanged, this, &GenerateBar::updateState);
  connect(queue_, &GenerationQueue::started, this, [this](const GenerateRequest& request) {
    progress_->setRange(0, 0);  // busy until the first step arrives (the model loads)
    status_->setText(tr("Loading %1\u2026").arg(request.recipe.model));
  });
  connect(queue_, &GenerationQueue::progressed, this, [this](const GenerateRequest& request, const GenerateProgress& p) {
    progress_->setRange(0, int(p.total));
    progress_->setValue(int(p.done));
    status_->setText(tr("Image %1 of %2 \u00b7 step %3 of %4")
                         .arg(p.image + 1)
                         .arg(request.recipe.count)
                         .arg(p.step)
                         .arg(request.recipe.steps));
  });
  connect(queue_, &GenerationQueue::finished, this,
          [this](const GenerateRequest& request, bool succeeded, bool cancelled, const QString&) {
            const int made = int(request.recipe.images.size());
            if (succeeded) lastOutcome_ = tr("Done: %n image(s).", "", made);
            else if (cancelled) lastOutcome_ = tr("Cancelled; %n image(s) kept.", "", made);
            else lastOutcome_ = tr("Failed; see the message above.");
            updateState();
          });
  updateState();
}

QString GenerateBar::statusText() const { return status_->text(); }

void GenerateBar::updateState() {
  const bool running = queue_->isRunning();
  const int waiting = queue_->pendingCount();
  cancel_->setEnabled(running);
  cancelAll_->setEnabled(running || waiting > 0);
  generate_->setText(running ? tr("Queue") : tr("Generate"));
  progress_->setVisible(running);
  if (!running) status_->setText(lastOutcome_.isEmpty() ? tr("Ready.") : lastOutcome_);
  if (waiting > 0) status_->setToolTip(tr("%n request(s) waiting", "", waiting));
  cancelAll_->setText(waiting > 0 ? tr("Cancel All (%1)").arg(waiting + (running ? 1 : 0)) : tr("Cancel All"));
}

}  // namespace psr::ui
