#pragma once
#include <QJsonObject>
#include <QList>
#include <QWidget>

#include "job_presets.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSortFilterProxyModel;
class QTableView;
class QTabWidget;

namespace psr::ui {

class SpecTableModel;

/** A job spec being prepared: a preset picker, every parameter in one searchable, editable table,
 *  and the raw JSON beside it; an edit on either side shows on the other at once. */
class SpecEditor : public QWidget {
  Q_OBJECT

 public:
  explicit SpecEditor(QWidget* parent = nullptr);

  void setPresets(const QList<JobPreset>& presets);
  const QList<JobPreset>& presets() const { return presets_; }
  /// Loads preset `index`; its run name is made unique under `runsDir_`.
  void selectPreset(int index);
  /// Where run folders go (the workspace's runs/), for unique run names.
  void setRunsDir(const QString& dir) { runsDir_ = dir; }

  void setSpec(const QJsonObject& spec);
  QJsonObject spec() const;
  /// False while the raw JSON does not parse (the error shows under it).
  bool isValid() const { return rawError_.isEmpty(); }
  QString rawError() const { return rawError_; }

  QComboBox* presetBox() const { return presetBox_; }
  QLineEdit* filterBox() const { return filter_; }
  QTableView* table() const { return table_; }
  SpecTableModel* model() const { return model_; }
  QSortFilterProxyModel* filterModel() const { return proxy_; }
  QPlainTextEdit* rawEdit() const { return raw_; }
  QTabWidget* tabs() const { return tabs_; }

 signals:
  void specChanged();

 private:
  void writeRaw();
  void readRaw();

  QList<JobPreset> presets_;
  QString runsDir_;
  QComboBox* presetBox_;
  QLineEdit* filter_;
  SpecTableModel* model_;
  QSortFilterProxyModel* proxy_;
  QTableView* table_;
  QPlainTextEdit* raw_;
  QLabel* rawStatus_;
  QTabWidget* tabs_;
  QString rawError_;
  bool syncing_ = false;
};

}  // namespace psr::ui
