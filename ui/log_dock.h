#pragma once
#include <QDockWidget>

#include <spdlog/common.h>

class QComboBox;
class QListView;

namespace psr::ui {

class LogLevelFilter;
class LogModel;

/** The log panel: the process logger's lines, newest last, filtered by level. */
class LogDock : public QDockWidget {
  Q_OBJECT

 public:
  explicit LogDock(QWidget* parent = nullptr);
  ~LogDock() override;

  const LogModel* logModel() const { return model_; }
  /// Lines at this spdlog level and above are shown (persisted in QSettings).
  void setMinimumLevel(int level);
  int minimumLevel() const;

 protected:
  void changeEvent(QEvent* event) override;

 private:
  void applyColours();
  void followNewLines();

  LogModel* model_;
  LogLevelFilter* filter_;
  QListView* view_;
  QComboBox* level_;
  spdlog::sink_ptr sink_;
  bool atBottom_ = true;
};

}  // namespace psr::ui
