#pragma once
#include <QWidget>

class QLabel;

namespace psr::ui {

class ImageView;
struct HistoryItem;

/** Two history images side by side at the same scale, each with its recipe underneath. */
class CompareView : public QWidget {
  Q_OBJECT

 public:
  explicit CompareView(QWidget* parent = nullptr);

  void setItems(const HistoryItem& left, const HistoryItem& right);
  ImageView* left() const { return left_; }
  ImageView* right() const { return right_; }
  QString leftCaption() const;
  QString rightCaption() const;

 private:
  ImageView* left_;
  ImageView* right_;
  QLabel* leftCaption_;
  QLabel* rightCaption_;
};

}  // namespace psr::ui
