#pragma once
#include <QStyledItemDelegate>

namespace psr::ui {

class ThumbnailCache;

/** Paints one gallery row as a triplet card: references with their categories, an arrow, the
 *  target, the instruction, subset/split chips, the consistency score and the review badge.
 *  Every card has the same size, so views lay out 100k rows without asking each one. */
class TripletCardDelegate : public QStyledItemDelegate {
  Q_OBJECT

 public:
  static constexpr int kWidth = 392;
  static constexpr int kHeight = 196;
  static constexpr int kSpacing = 8;  ///< between cards in the grid

  explicit TripletCardDelegate(ThumbnailCache* thumbnails, QObject* parent = nullptr);

  void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
  QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;

 private:
  ThumbnailCache* thumbnails_;
};

}  // namespace psr::ui
