#pragma once
#include <QStyledItemDelegate>

namespace psr::ui {

/** Paints a Bench table cell: the mean, and a pill badge from BenchGridModel::BadgeRole —
 *  "best" on the leading model, "within noise" where a model's bootstrap interval overlaps the
 *  leader's (the difference may be seed and sample luck), nothing where it is beyond noise. */
class BenchCellDelegate : public QStyledItemDelegate {
  Q_OBJECT

 public:
  using QStyledItemDelegate::QStyledItemDelegate;

  void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
  QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

}  // namespace psr::ui
