#include "triplet_card_delegate.h"

#include <QPainter>
#include <QPainterPath>
#include <QTextLayout>

#include "card_palette.h"
#include "gallery_model.h"
#include "theme.h"
#include "thumbnail_cache.h"

namespace psr::ui {
namespace {

// Card layout in card-local pixels; see kWidth × kHeight.
constexpr int kPad = 10;
constexpr int kHeaderHeight = 18;
constexpr int kImagesTop = kPad + kHeaderHeight + 6;
constexpr int kRefSide = 56;
constexpr int kRefGap = 6;
constexpr int kTargetSide = 94;
constexpr int kTargetLeft = TripletCardDelegate::kWidth - kPad - kTargetSide;
constexpr int kScoreTop = kImagesTop + kTargetSide + 6;
constexpr int kTextTop = kScoreTop + 16;
constexpr int kRadius = 8;

void drawImageSlot(QPainter* p, const QRect& r, const QImage* image, bool failed, const QPalette& palette) {
  if (image) {
    // Thumbnails arrive with their corners already rounded: one blit, no clip path.
    const QSize s = image->size();
    if (s != r.size()) {
      p->setPen(Qt::NoPen);
      p->setBrush(slotColor(palette));
      p->drawRoundedRect(r, 4, 4);
    }
    p->drawImage(QPoint(r.x() + (r.width() - s.width()) / 2, r.y() + (r.height() - s.height()) / 2), *image);
    return;
  }
  p->setPen(Qt::NoPen);
  p->setBrush(slotColor(palette));
  p->drawRoundedRect(r, 4, 4);
  if (failed) {
    p->setPen(QPen(mutedTextColor(palette), 1.5));
    const QRect x = r.adjusted(r.width() / 3, r.height() / 3, -r.width() / 3, -r.height() / 3);
    p->drawLine(x.topLeft(), x.bottomRight());
    p->drawLine(x.topRight(), x.bottomLeft());
  }
}

/// Draws `text` in a rounded chip at `x`; returns the x after it.
int drawChip(QPainter* p, int x, int y, const QString& text, const QColor& fill, const QColor& ink) {
  const QFontMetrics fm(p->font());
  const QRect r(x, y, fm.horizontalAdvance(text) + 12, kHeaderHeight);
  QPainterPath path;
  path.addRoundedRect(r, kHeaderHeight / 2.0, kHeaderHeight / 2.0);
  p->fillPath(path, fill);
  p->setPen(ink);
  p->drawText(r, Qt::AlignCenter, text);
  return r.right() + 5;
}

/// The instruction on at most two lines, the second elided when it runs over.
void drawInstruction(QPainter* p, const QRect& r, const QString& text) {
  const QFontMetrics fm(p->font());
  QTextLayout layout(text, p->font());
  layout.beginLayout();
  int y = r.top();
  for (int lineNo = 0; lineNo < 2; ++lineNo) {
    QTextLine line = layout.createLine();
    if (!line.isValid()) break;
    line.setLineWidth(r.width());
    const QString part = text.mid(line.textStart(), lineNo == 1 ? -1 : line.textLength());
    const QString shown = lineNo == 1 ? fm.elidedText(part, Qt::ElideRight, r.width()) : part.trimmed();
    p->drawText(QRect(r.left(), y, r.width(), fm.height()), Qt::AlignLeft | Qt::AlignVCenter, shown);
    y += fm.lineSpacing();
  }
  layout.endLayout();
}

}  // namespace

TripletCardDelegate::TripletCardDelegate(ThumbnailCache* thumbnails, QObject* parent)
    : QStyledItemDelegate(parent), thumbnails_(thumbnails) {}

QSize TripletCardDelegate::sizeHint(const QStyleOptionViewItem&, const QModelIndex&) const {
  return {kWidth + kSpacing, kHeight + kSpacing};
}

void TripletCardDelegate::paint(QPainter* p, const QStyleOptionViewItem& option, const QModelIndex& index) const {
  const auto* model = qobject_cast<const GalleryModel*>(index.model());
  const psr::curate::SampleCard* card = model ? model->cardAt(index.row()) : nullptr;
  const QPalette& palette = option.palette;
  const bool selected = option.state & QStyle::State_Selected;
  p->save();
  p->setRenderHint(QPainter::Antialiasing);
  p->translate(option.rect.topLeft() + QPoint(kSpacing / 2, kSpacing / 2));
  const QRect face(0, 0, kWidth, kHeight);

  QPainterPath outline;
  outline.addRoundedRect(QRectF(face).adjusted(0.5, 0.5, -0.5, -0.5), kRadius, kRadius);
  p->fillPath(outline, cardColor(palette));
  if (card && card->review) {
    // A verdict tints the left edge, so a scrolled screen shows review progress at a glance.
    const QColor edge = card->review->verdict == psr::curate::Verdict::Accepted ? acceptedColor(palette) : rejectedColor(palette);
    p->setPen(Qt::NoPen);
    p->setBrush(edge);
    p->drawRoundedRect(QRectF(1.5, kRadius, 4, kHeight - 2 * kRadius), 2, 2);
  }
  p->setBrush(Qt::NoBrush);
  p->setPen(selected ? QPen(palette.color(QPalette::Highlight), 2.5) : QPen(cardBorderColor(palette), 1));
  p->drawPath(outline);
  if (!card) {
    p->setPen(mutedTextColor(palette));
    p->drawText(face, Qt::AlignCenter, tr("Loading\u2026"));
    p->restore();
    return;
  }

  // Header: id, subset and split chips; verdict badge on the right.
  QFont small = option.font;
  small.setPointSizeF(small.pointSizeF() * 0.85);
  p->setFont(small);
  const QFontMetrics smallMetrics(small);
  const QColor muted = mutedTextColor(palette);
  const QColor text = palette.color(QPalette::Text);
  const QString id = QStringLiteral("#%1").arg(card->id);
  p->setPen(muted);
  p->drawText(QRect(kPad, kPad, 60, kHeaderHeight), Qt::AlignLeft | Qt::AlignVCenter, id);
  int x = kPad + smallMetrics.horizontalAdvance(id) + 8;
  x = drawChip(p, x, kPad, QString::fromStdString(card->subset), slotColor(palette), text);
  const bool heldout = card->split == "heldout";
  drawChip(p, x, kPad, heldout ? tr("held-out") : QString::fromStdString(card->split),
           heldout ? scoreColor(0.5, palette) : slotColor(palette), heldout ? badgeTextColor(palette) : text);
  if (card->review) {
    const bool accepted = card->review->verdict == psr::curate::Verdict::Accepted;
    QString label = accepted ? tr("\u2713 accepted") : tr("\u2717 rejected");
    if (card->review->reason) label += QStringLiteral(" \u00b7 %1").arg(*card->review->reason);
    const int w = smallMetrics.horizontalAdvance(label) + 12;
    drawChip(p, kWidth - kPad - w, kPad, label, accepted ? acceptedColor(palette) : rejectedColor(palette),
             badgeTextColor(palette));
  }

  // References (up to four slots, each with its category), an arrow, then the target.
  for (std::size_t k = 0; k < card->references.size() && k < 4; ++k) {
    const auto& ref = card->references[k];
    const QRect slot(kPad + int(k) * (kRefSide + kRefGap), kImagesTop, kRefSide, kRefSide);
    const QString sha = QString::fromStdString(ref.blob);
    drawImageSlot(p, slot, thumbnails_->image(sha, kRefSide), thumbnails_->failed(sha, kRefSide), palette);
    p->setPen(muted);
    p->drawText(QRect(slot.left(), slot.bottom() + 3, kRefSide, smallMetrics.height()), Qt::AlignHCenter | Qt::AlignTop,
                smallMetrics.elidedText(QString::fromStdString(ref.category), Qt::ElideRight, kRefSide));
  }
  const int arrowLeft = kPad + 4 * (kRefSide + kRefGap) - kRefGap;
  p->setPen(QPen(muted, 1.5));
  const int arrowY = kImagesTop + kTargetSide / 2;
  p->drawLine(arrowLeft + 6, arrowY, kTargetLeft - 8, arrowY);
  p->drawLine(kTargetLeft - 8, arrowY, kTargetLeft - 13, arrowY - 4);
  p->drawLine(kTargetLeft - 8, arrowY, kTargetLeft - 13, arrowY + 4);
  const QString target = QString::fromStdString(card->targetBlob);
  drawImageSlot(p, QRect(kTargetLeft, kImagesTop, kTargetSide, kTargetSide), thumbnails_->image(target, kTargetSide),
                thumbnails_->failed(target, kTargetSide), palette);

  // Consistency: a short bar coloured by value, and the number.
  const QRect bar(kPad, kScoreTop + 5, 120, 5);
  p->setPen(Qt::NoPen);
  p->setBrush(slotColor(palette));
  p->drawRoundedRect(bar, 2.5, 2.5);
  QString score = tr("consistency \u2013");
  if (card->consistency) {
    const double c = qBound(0.0, *card->consistency, 1.0);
    p->setBrush(scoreColor(c, palette));
    p->drawRoundedRect(QRect(bar.left(), bar.top(), qMax(5, int(bar.width() * c)), bar.height()), 2.5, 2.5);
    score = tr("consistency %1").arg(*card->consistency, 0, 'f', 2);
  }
  p->setPen(muted);
  p->drawText(QRect(bar.right() + 8, kScoreTop, 200, 14), Qt::AlignLeft | Qt::AlignVCenter, score);

  p->setFont(option.font);
  p->setPen(text);
  drawInstruction(p, QRect(kPad, kTextTop, kWidth - 2 * kPad, kHeight - kTextTop - 6),
                  QString::fromStdString(card->instruction));
  p->restore();
}

}  // namespace psr::ui
