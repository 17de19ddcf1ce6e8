#pragma once
#include <string>
#include <vector>

#include <QWidget>

#include "curate/sample_filter.h"

class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QTimer;
class QToolButton;

namespace psr::ui {

/** The gallery's filter and sort controls; emits `filterChanged` with the whole filter, text
 *  edits debounced so typing does not re-query per key. */
class FilterBar : public QWidget {
  Q_OBJECT

 public:
  explicit FilterBar(QWidget* parent = nullptr);

  /// Subsets offered (the workspace's, plus the paper's seven); keeps the current choice.
  void setSubsets(const std::vector<std::string>& subsets);
  psr::curate::SampleFilter filter() const;

  QComboBox* subsetBox() const { return subset_; }
  QComboBox* splitBox() const { return split_; }
  QComboBox* reviewBox() const { return review_; }
  QComboBox* reasonBox() const { return reason_; }
  QComboBox* sortBox() const { return sort_; }
  QDoubleSpinBox* minScoreBox() const { return minScore_; }
  QDoubleSpinBox* maxScoreBox() const { return maxScore_; }
  QLineEdit* searchEdit() const { return search_; }

 signals:
  void filterChanged(const psr::curate::SampleFilter& filter);

 private:
  void emitChanged();

  QComboBox* subset_;
  QComboBox* split_;
  QDoubleSpinBox* minScore_;
  QDoubleSpinBox* maxScore_;
  QComboBox* review_;
  QComboBox* reason_;
  QLineEdit* search_;
  QComboBox* sort_;
  QToolButton* order_;
  QTimer* debounce_;
};

}  // namespace psr::ui
