#include "filter_bar.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QVBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QTimer>
#include <QToolButton>

#include "curate/reject_reason.h"

namespace psr::ui {
namespace {

constexpr int kDebounceMs = 250;
const char* const kPaperSubsets[] = {"attribute", "action", "background", "position", "complex", "three", "four"};

QDoubleSpinBox* scoreBox(double value, QWidget* parent) {
  auto* box = new QDoubleSpinBox(parent);
  box->setRange(0.0, 1.0);
  box->setSingleStep(0.05);
  box->setDecimals(2);
  box->setValue(value);
  box->setKeyboardTracking(false);
  return box;
}

}  // namespace

FilterBar::FilterBar(QWidget* parent)
    : QWidget(parent),
      subset_(new QComboBox(this)),
      split_(new QComboBox(this)),
      minScore_(scoreBox(0.0, this)),
      maxScore_(scoreBox(1.0, this)),
      review_(new QComboBox(this)),
      reason_(new QComboBox(this)),
      search_(new QLineEdit(this)),
      sort_(new QComboBox(this)),
      order_(new QToolButton(this)),
      debounce_(new QTimer(this)) {
  setObjectName(QStringLiteral("curateFilterBar"));
  subset_->setObjectName(QStringLiteral("curateSubsetFilter"));
  split_->setObjectName(QStringLiteral("curateSplitFilter"));
  review_->setObjectName(QStringLiteral("curateReviewFilter"));
  reason_->setObjectName(QStringLiteral("curateReasonFilter"));
  search_->setObjectName(QStringLiteral("curateSearch"));
  sort_->setObjectName(QStringLiteral("curateSort"));
  setSubsets({});
  split_->addItem(tr("Both splits"), QString());
  split_->addItem(tr("train"), QStringLiteral("train"));
  split_->addItem(tr("held-out"), QStringLiteral("heldout"));
  review_->addItem(tr("Any review"), int(psr::curate::ReviewState::Any));
  review_->addItem(tr("To review"), int(psr::curate::ReviewState::Unreviewed));
  review_->addItem(tr("Accepted"), int(psr::curate::ReviewState::Accepted));
  review_->addItem(tr("Rejected"), int(psr::curate::ReviewState::Rejected));
  reason_->addItem(tr("Any reason"), 0);
  for (int code = 1; code <= psr::curate::kRejectReasonCount; ++code) {
    reason_->addItem(QStringLiteral("%1 %2").arg(code).arg(tr(psr::curate::rejectReasonLabel(code))), code);
  }
  search_->setPlaceholderText(tr("Search instructions and categories"));
  search_->setClearButtonEnabled(true);
  sort_->addItem(tr("Sort by id"), int(psr::curate::SortKey::Id));
  sort_->addItem(tr("Sort by consistency"), int(psr::curate::SortKey::Consistency));
  sort_->addItem(tr("Sort by subset"), int(psr::curate::SortKey::Subset));
  order_->setCheckable(true);
  order_->setObjectName(QStringLiteral("curateSortDescending"));
  order_->setText(QStringLiteral("\u2191"));
  order_->setToolTip(tr("Ascending / descending"));
  connect(order_, &QToolButton::toggled, this, [this](bool on) {
    order_->setText(on ? QStringLiteral("\u2193") : QStringLiteral("\u2191"));
    emitChanged();
  });
  minScore_->setToolTip(tr("Lowest consistency"));
  maxScore_->setToolTip(tr("Highest consistency"));

  // Search and order on top, narrowing filters below: two short rows fit beside the detail pane.
  auto* column = new QVBoxLayout(this);
  column->setContentsMargins(0, 0, 0, 0);
  column->setSpacing(6);
  auto* top = new QHBoxLayout;
  top->setSpacing(6);
  top->addWidget(search_, 1);
  top->addWidget(sort_);
  top->addWidget(order_);
  auto* bottom = new QHBoxLayout;
  bottom->setSpacing(6);
  bottom->addWidget(subset_);
  bottom->addWidget(split_);
  bottom->addWidget(review_);
  bottom->addWidget(reason_);
  bottom->addSpacing(8);
  bottom->addWidget(new QLabel(tr("Consistency"), this));
  bottom->addWidget(minScore_);
  bottom->addWidget(new QLabel(QStringLiteral("\u2013"), this));
  bottom->addWidget(maxScore_);
  bottom->addStretch(1);
  column->addLayout(top);
  column->addLayout(bottom);

  debounce_->setSingleShot(true);
  debounce_->setInterval(kDebounceMs);
  connect(debounce_, &QTimer::timeout, this, &FilterBar::emitChanged);
  connect(search_, &QLineEdit::textChanged, debounce_, qOverload<>(&QTimer::start));
  connect(search_, &QLineEdit::returnPressed, this, &FilterBar::emitChanged);
  for (QComboBox* box : {subset_, split_, review_, reason_, sort_}) {
    connect(box, &QComboBox::currentIndexChanged, this, &FilterBar::emitChanged);
  }
  for (QDoubleSpinBox* box : {minScore_, maxScore_}) {
    connect(box, &QDoubleSpinBox::valueChanged, this, &FilterBar::emitChanged);
  }
}

void FilterBar::setSubsets(const std::vector<std::string>& subsets) {
  QStringList names;
  for (const char* s : kPaperSubsets) names.append(QString::fromLatin1(s));
  for (const auto& s : subsets) {
    if (!names.contains(QString::fromStdString(s))) names.append(QString::fromStdString(s));
  }
  const QString current = subset_->currentData().toString();
  const QSignalBlocker block(subset_);
  subset_->clear();
  subset_->addItem(tr("All subsets"), QString());
  for (const QString& name : names) subset_->addItem(name, name);
  subset_->setCurrentIndex(qMax(0, subset_->findData(current)));
}

psr::curate::SampleFilter FilterBar::filter() const {
  psr::curate::SampleFilter f;
  if (const QString subset = subset_->currentData().toString(); !subset.isEmpty()) f.subsets = {subset.toStdString()};
  f.split = split_->currentData().toString().toStdString();
  // The full 0..1 range means "no bound", so samples without a score stay visible.
  if (minScore_->value() > 0.0) f.minConsistency = minScore_->value();
  if (maxScore_->value() < 1.0) f.maxConsistency = maxScore_->value();
  f.review = psr::curate::ReviewState(review_->currentData().toInt());
  if (const int reason = reason_->currentData().toInt(); reason > 0) f.reason = reason;
  f.text = search_->text().trimmed().toStdString();
  f.sort = psr::curate::SortKey(sort_->currentData().toInt());
  f.descending = order_->isChecked();
  return f;
}

void FilterBar::emitChanged() {
  debounce_->stop();
  emit filterChanged(filter());
}

}  // namespace psr::ui
