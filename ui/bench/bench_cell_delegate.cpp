#include "bench_cell_delegate.h"

#include <QApplication>
#include <QPainter>

#include "bench_grid_model.h"
#include "curate/card_palette.h"
#include "theme.h"

namespace psr::ui {
namespace {

constexpr int kPad = 4;

QFont badgeFont(const QFont& base) {
  QFont font = base;
  font.setPointSizeF(base.pointSizeF() * 0.8);
  return font;
}

QString badgeOf(const QModelIndex& index) {
  const auto badge = NoiseBadge(index.data(BenchGridModel::BadgeRole).toInt());
  return badge == NoiseBadge::BeyondNoise ? QString() : BenchGridModel::badgeText(badge);
}

}  // namespace

void BenchCellDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const {
  QStyleOptionViewItem opt = option;
  initStyleOption(&opt, index);
  const QString badge = badgeOf(index);
  if (badge.isEmpty()) {
    QStyledItemDelegate::paint(painter, opt, index);
    return;
  }
  // Background, focus and selection from the style; the value right-aligned after the pill.
  const QString value = opt.text;
  opt.text.clear();
  const QWidget* widget = opt.widget;
  QStyle* style = widget ? widget->style() : QApplication::style();
  style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

  painter->save();
  const QFont small = badgeFont(option.font);  // not the bold of the Overall row: pills keep one width
  const QFontMetrics fm(small);
  const auto kind = NoiseBadge(index.data(BenchGridModel::BadgeRole).toInt());
  const QColor fill = kind == NoiseBadge::Best ? acceptedColor(opt.palette) : mutedTextColor(opt.palette);
  const QRect pill(opt.rect.left() + kPad, opt.rect.center().y() - fm.height() / 2 - 1, fm.horizontalAdvance(badge) + 2 * kPad,
                   fm.height() + 2);
  painter->setRenderHint(QPainter::Antialiasing);
  painter->setPen(Qt::NoPen);
  painter->setBrush(fill);
  painter->drawRoundedRect(pill, pill.height() / 2.0, pill.height() / 2.0);
  painter->setFont(small);
  painter->setPen(badgeTextColor(opt.palette));
  painter->drawText(pill, Qt::AlignCenter, badge);
  painter->setFont(opt.font);
  const bool selected = opt.state & QStyle::State_Selected;
  painter->setPen(opt.palette.color(selected ? QPalette::HighlightedText : QPalette::Text));
  painter->drawText(opt.rect.adjusted(pill.right() - opt.rect.left() + kPad, 0, -kPad, 0), Qt::AlignRight | Qt::AlignVCenter, value);
  painter->restore();
}

QSize BenchCellDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const {
  QSize size = QStyledItemDelegate::sizeHint(option, index);
  // Room for the widest badge and a bold value (the Overall row), so columns do not jump or clip
  // when the bootstrap lands.
  QFont bold = option.font;
  bold.setBold(true);
  const int value = QFontMetrics(bold).horizontalAdvance(index.data().toString());
  const QFontMetrics fm(badgeFont(option.font));
  size.setWidth(qMax(size.width(), value + 2 * kPad) + fm.horizontalAdvance(BenchGridModel::badgeText(NoiseBadge::WithinNoise)) +
                4 * kPad);
  return size;
}

}  // namespace psr::ui
