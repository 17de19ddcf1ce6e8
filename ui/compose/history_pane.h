#pragma once
#include <QWidget>

class QLabel;
class QListView;
class QPushButton;

namespace psr::ui {

class HistoryModel;

/** The history list with what can be done to its images: show one, restore its recipe into the
 *  controls, compare two side by side, save a copy with its recipe, open the score inspector. */
class HistoryPane : public QWidget {
  Q_OBJECT

 public:
  explicit HistoryPane(HistoryModel* model, QWidget* parent = nullptr);

  QListView* view() const { return view_; }
  QPushButton* restoreButton() const { return restore_; }
  QPushButton* compareButton() const { return compare_; }
  QPushButton* exportButton() const { return export_; }
  QPushButton* scoreButton() const { return score_; }
  /// Selected rows, in list order.
  QList<int> selectedRows() const;
  void selectRow(int row);

 signals:
  void shown(int row);
  void restoreRequested(int row);
  void compareRequested(int first, int second);
  void exportRequested(int row);
  void scoreRequested(int row);

 private:
  void updateButtons();

  HistoryModel* model_;
  QLabel* heading_;
  QListView* view_;
  QPushButton* restore_;
  QPushButton* compare_;
  QPushButton* export_;
  QPushButton* score_;
};

}  // namespace psr::ui
