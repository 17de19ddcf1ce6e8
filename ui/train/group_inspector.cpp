#include "group_inspector.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include "compose/image_view.h"
#include "curate/card_palette.h"

namespace psr::ui {
namespace {

const QStringList kComponents = {QStringLiteral("psr"), QStringLiteral("semantic"), QStringLiteral("aesthetic")};

QTableWidgetItem* numberItem(double value) {
  auto* item = new QTableWidgetItem(QString::number(value, 'f', 3));
  item->setData(Qt::UserRole, value);
  item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
  return item;
}

}  // namespace

GroupInspector::GroupInspector(QWidget* parent)
    : QWidget(parent),
      slider_(new QSlider(Qt::Horizontal, this)),
      caption_(new QLabel(this)),
      prompt_(new QLabel(this)),
      table_(new QTableWidget(this)),
      image_(new ImageView(this)) {
  slider_->setObjectName(QStringLiteral("trainGroupSlider"));
  slider_->setToolTip(tr("RL epoch whose group is shown"));
  slider_->setPageStep(1);
  caption_->setObjectName(QStringLiteral("trainGroupCaption"));
  caption_->setMinimumWidth(140);
  prompt_->setObjectName(QStringLiteral("trainGroupPrompt"));
  prompt_->setWordWrap(true);
  prompt_->setTextFormat(Qt::PlainText);
  prompt_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  table_->setObjectName(QStringLiteral("trainGroupTable"));
  QStringList headers{tr("Sample")};
  headers << tr("PSR") << tr("Semantic") << tr("Aesthetic") << tr("Weighted total") << tr("Advantage") << tr("Kept") << tr("Seed");
  table_->setColumnCount(int(headers.size()));
  table_->setHorizontalHeaderLabels(headers);
  table_->verticalHeader()->hide();
  table_->setWordWrap(false);
  table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 8);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->setSortingEnabled(true);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  image_->setObjectName(QStringLiteral("trainGroupImage"));
  image_->setToolTip(tr("The group's samples left to right, in table order"));

  auto* top = new QHBoxLayout;
  top->addWidget(slider_, 1);
  top->addWidget(caption_);
  auto* split = new QSplitter(Qt::Vertical, this);
  split->addWidget(image_);
  split->addWidget(table_);
  split->setChildrenCollapsible(false);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(top);
  layout->addWidget(prompt_);
  layout->addWidget(split, 1);
  connect(slider_, &QSlider::valueChanged, this, &GroupInspector::showIndex);
  setRunDir({});
}

void GroupInspector::setRunDir(const QString& runDir) {
  const bool sameRun = runDir == runDir_;
  const bool atEnd = files_.isEmpty() || slider_->value() == slider_->maximum();
  const QList<StepFile> files = listStepFiles(runDir.isEmpty() ? QString() : QDir(runDir).filePath(QStringLiteral("groups")),
                                              QStringLiteral("epoch"), QStringLiteral("json"));
  if (sameRun && files.size() == files_.size()) return;
  runDir_ = runDir;
  files_ = files;
  const QSignalBlocker quiet(slider_);
  slider_->setRange(0, qMax(0, int(files_.size()) - 1));
  slider_->setEnabled(files_.size() > 1);
  if (!sameRun || atEnd) slider_->setValue(slider_->maximum());
  showIndex(slider_->value());
}

void GroupInspector::showIndex(int index) {
  table_->setSortingEnabled(false);
  table_->setRowCount(0);
  if (index < 0 || index >= files_.size()) {
    image_->clear();
    image_->setPlaceholder(runDir_.isEmpty() ? tr("Select an RL job to inspect its GRPO groups.")
                                             : tr("No groups yet: RL runs write one per epoch."));
    caption_->clear();
    prompt_->clear();
    return;
  }
  const StepFile& file = files_[index];
  QFile f(file.path);
  const QJsonObject group = f.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(f.readAll()).object() : QJsonObject();
  caption_->setText(tr("epoch %1 (%2 of %3)").arg(file.step).arg(index + 1).arg(files_.size()));
  prompt_->setText(group.value(QLatin1String("prompt")).toString());
  const QString png = QFileInfo(file.path).path() + QLatin1Char('/') + QFileInfo(file.path).completeBaseName() +
                      QStringLiteral(".png");
  image_->setImage(QImage(png));
  const QJsonArray samples = group.value(QLatin1String("samples")).toArray();
  table_->setRowCount(int(samples.size()));
  for (int row = 0; row < samples.size(); ++row) {
    const QJsonObject s = samples[row].toObject();
    const QJsonObject components = s.value(QLatin1String("components")).toObject();
    auto* number = new QTableWidgetItem;
    number->setData(Qt::DisplayRole, row + 1);
    table_->setItem(row, 0, number);
    for (int c = 0; c < kComponents.size(); ++c) {
      table_->setItem(row, 1 + c, numberItem(components.value(kComponents[c]).toDouble()));
    }
    table_->setItem(row, 4, numberItem(s.value(QLatin1String("total")).toDouble()));
    auto* advantage = numberItem(s.value(QLatin1String("advantage")).toDouble());
    advantage->setForeground(s.value(QLatin1String("advantage")).toDouble() >= 0 ? acceptedColor(palette())
                                                                                 : rejectedColor(palette()));
    table_->setItem(row, 5, advantage);
    const bool kept = s.value(QLatin1String("kept")).toBool(true);
    table_->setItem(row, 6, new QTableWidgetItem(kept ? tr("yes") : tr("dropped")));
    auto* seed = new QTableWidgetItem;
    seed->setData(Qt::DisplayRole, s.value(QLatin1String("seed")).toInteger());
    table_->setItem(row, 7, seed);
  }
  table_->setSortingEnabled(true);
}

qint64 GroupInspector::currentEpoch() const {
  const int i = slider_->value();
  return i >= 0 && i < files_.size() ? files_[i].step : -1;
}

QString GroupInspector::prompt() const { return prompt_->text(); }

}  // namespace psr::ui
