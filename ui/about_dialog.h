#pragma once
#include <QDialog>

namespace psr::ui {

/** Help → About: studio version, the versions of what it was built with, and asset licences. */
class AboutDialog : public QDialog {
  Q_OBJECT

 public:
  explicit AboutDialog(QWidget* parent = nullptr);

  /// The component/version table as plain text ("LibTorch 1.13.1", one per line).
  QString versionsText() const { return versionsText_; }
  QString licensesText() const { return licensesText_; }

 private:
  QString versionsText_;
  QString licensesText_;
};

}  // namespace psr::ui
