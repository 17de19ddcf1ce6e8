#include "compare_view.h"

#include <QGridLayout>
#include <QImage>
#include <QLabel>

#include "history_model.h"
#include "image_view.h"

namespace psr::ui {
namespace {

QLabel* caption(QWidget* parent) {
  auto* label = new QLabel(parent);
  label->setWordWrap(true);
  label->setTextFormat(Qt::PlainText);
  label->setTextInteractionFlags(Qt::TextSelectableByMouse);
  label->setAlignment(Qt::AlignHCenter | Qt::AlignTop);
  return label;
}

QString describe(const HistoryItem& item) {
  QStringList names;
  for (const RecipeSubject& s : item.recipe.subjects) names << s.name;
  return QStringLiteral("%1\n%2%3")
      .arg(item.recipe.prompt, HistoryModel::settingsText(item),
           names.isEmpty() ? QString() : QStringLiteral("\n") + CompareView::tr("Subjects: %1").arg(names.join(QStringLiteral(", "))));
}

}  // namespace

CompareView::CompareView(QWidget* parent)
    : QWidget(parent), left_(new ImageView(this)), right_(new ImageView(this)), leftCaption_(caption(this)),
      rightCaption_(caption(this)) {
  setObjectName(QStringLiteral("composeCompare"));
  left_->setPlaceholder(tr("Select two images in the history and press Compare"));
  right_->setPlaceholder(tr("Select two images in the history and press Compare"));
  auto* layout = new QGridLayout(this);
  layout->addWidget(left_, 0, 0);
  layout->addWidget(right_, 0, 1);
  layout->addWidget(leftCaption_, 1, 0);
  layout->addWidget(rightCaption_, 1, 1);
  layout->setRowStretch(0, 1);
  layout->setColumnStretch(0, 1);
  layout->setColumnStretch(1, 1);
}

void CompareView::setItems(const HistoryItem& leftItem, const HistoryItem& rightItem) {
  left_->setImage(QImage(leftItem.imagePath()));
  right_->setImage(QImage(rightItem.imagePath()));
  leftCaption_->setText(describe(leftItem));
  rightCaption_->setText(describe(rightItem));
}

QString CompareView::leftCaption() const { return leftCaption_->text(); }

QString CompareView::rightCaption() const { return rightCaption_->text(); }

}  // namespace psr::ui
