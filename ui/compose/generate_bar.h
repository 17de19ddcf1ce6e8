#pragma once
#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;

namespace psr::ui {

class GenerationQueue;

/** Generate (Ctrl+Enter), Cancel (the running image batch) and Cancel all (also the waiting
 *  requests), with the running request's step progress and the queue length. */
class GenerateBar : public QWidget {
  Q_OBJECT

 public:
  GenerateBar(GenerationQueue* queue, QWidget* parent = nullptr);

  QPushButton* generateButton() const { return generate_; }
  QPushButton* cancelButton() const { return cancel_; }
  QPushButton* cancelAllButton() const { return cancelAll_; }
  QProgressBar* progressBar() const { return progress_; }
  QString statusText() const;

 signals:
  void generateClicked();

 private:
  void updateState();

  GenerationQueue* queue_;
  QPushButton* generate_;
  QPushButton* cancel_;
  QPushButton* cancelAll_;
  QLabel* status_;
  QProgressBar* progress_;
  QString lastOutcome_;
};

}  // namespace psr::ui
