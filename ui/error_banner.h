#pragma once
#include <QFrame>

class QLabel;

namespace psr::ui {

/** A dismissable strip above the panels that states what failed and what to do about it. */
class ErrorBanner : public QFrame {
  Q_OBJECT

 public:
  explicit ErrorBanner(QWidget* parent = nullptr);

  void showError(const QString& message);
  QString message() const;

 protected:
  void changeEvent(QEvent* event) override;

 private:
  void applyColours();

  QLabel* text_;
};

}  // namespace psr::ui
