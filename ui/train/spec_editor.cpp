#include "spec_editor.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSignalBlocker>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTabWidget>
#include <QVBoxLayout>

#include "spec_table_model.h"

namespace psr::ui {

SpecEditor::SpecEditor(QWidget* parent)
    : QWidget(parent),
      presetBox_(new QComboBox(this)),
      filter_(new QLineEdit(this)),
      model_(new SpecTableModel(this)),
      proxy_(new QSortFilterProxyModel(this)),
      table_(new QTableView(this)),
      raw_(new QPlainTextEdit(this)),
      rawStatus_(new QLabel(this)),
      tabs_(new QTabWidget(this)) {
  presetBox_->setObjectName(QStringLiteral("trainPreset"));
  presetBox_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  presetBox_->setMinimumContentsLength(16);
  presetBox_->setToolTip(tr("Start from a shipped job spec; every parameter can be changed below"));
  filter_->setObjectName(QStringLiteral("trainSpecFilter"));
  filter_->setPlaceholderText(tr("Search parameters (name or value)\u2026"));
  filter_->setClearButtonEnabled(true);
  proxy_->setSourceModel(model_);
  proxy_->setFilterCaseSensitivity(Qt::CaseInsensitive);
  proxy_->setFilterKeyColumn(-1);
  table_->setObjectName(QStringLiteral("trainSpecTable"));
  table_->setModel(proxy_);
  table_->setAlternatingRowColors(true);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed |
                          QAbstractItemView::AnyKeyPressed);
  table_->verticalHeader()->hide();
  table_->setWordWrap(false);
  table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 8);
  table_->horizontalHeader()->setSectionResizeMode(SpecTableModel::KeyColumn, QHeaderView::ResizeToContents);
  table_->horizontalHeader()->setStretchLastSection(true);
  raw_->setObjectName(QStringLiteral("trainSpecRaw"));
  raw_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  raw_->setLineWrapMode(QPlainTextEdit::NoWrap);
  rawStatus_->setObjectName(QStringLiteral("trainSpecRawStatus"));
  rawStatus_->setWordWrap(true);

  auto* tablePage = new QWidget;
  auto* tableLayout = new QVBoxLayout(tablePage);
  tableLayout->setContentsMargins(0, 4, 0, 0);
  tableLayout->addWidget(filter_);
  tableLayout->addWidget(table_, 1);
  auto* rawPage = new QWidget;
  auto* rawLayout = new QVBoxLayout(rawPage);
  rawLayout->setContentsMargins(0, 4, 0, 0);
  rawLayout->addWidget(raw_, 1);
  rawLayout->addWidget(rawStatus_);
  tabs_->setDocumentMode(true);
  tabs_->addTab(tablePage, tr("Parameters"));
  tabs_->addTab(rawPage, tr("Raw JSON"));

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(presetBox_);
  layout->addWidget(tabs_, 1);

  connect(filter_, &QLineEdit::textChanged, proxy_, &QSortFilterProxyModel::setFilterFixedString);
  connect(presetBox_, &QComboBox::activated, this, &SpecEditor::selectPreset);
  connect(model_, &SpecTableModel::specEdited, this, [this] {
    writeRaw();
    emit specChanged();
  });
  connect(raw_, &QPlainTextEdit::textChanged, this, &SpecEditor::readRaw);
}

void SpecEditor::setPresets(const QList<JobPreset>& presets) {
  presets_ = presets;
  const QSignalBlocker quiet(presetBox_);
  presetBox_->clear();
  for (const JobPreset& p : presets_) presetBox_->addItem(p.label);
  if (!presets_.isEmpty()) selectPreset(0);
}

void SpecEditor::selectPreset(int index) {
  if (index < 0 || index >= presets_.size()) return;
  if (presetBox_->currentIndex() != index) {
    const QSignalBlocker quiet(presetBox_);
    presetBox_->setCurrentIndex(index);
  }
  QJsonObject spec = presets_[index].spec;
  if (!runsDir_.isEmpty()) {
    const QString base = spec.value(QLatin1String("out")).toString(spec.value(QLatin1String("name")).toString());
    const QString name = uniqueRunName(runsDir_, base);
    spec.insert(QStringLiteral("name"), name);
    spec.insert(QStringLiteral("out"), name);
  }
  setSpec(spec);
}

void SpecEditor::setSpec(const QJsonObject& spec) {
  model_->setSpec(spec);
  writeRaw();
  emit specChanged();
}

QJsonObject SpecEditor::spec() const { return model_->spec(); }

void SpecEditor::writeRaw() {
  syncing_ = true;
  raw_->setPlainText(QString::fromUtf8(QJsonDocument(model_->spec()).toJson(QJsonDocument::Indented)));
  syncing_ = false;
  rawError_.clear();
  rawStatus_->setText(tr("Edits here update the parameter table."));
}

void SpecEditor::readRaw() {
  if (syncing_) return;
  QJsonParseError error{};
  const QJsonDocument doc = QJsonDocument::fromJson(raw_->toPlainText().toUtf8(), &error);
  if (doc.isNull() || !doc.isObject()) {
    rawError_ = doc.isNull() ? tr("Not valid JSON at character %1: %2").arg(error.offset).arg(error.errorString())
                             : tr("A job spec is one JSON object { \u2026 }.");
    rawStatus_->setText(rawError_);
    return;
  }
  rawError_.clear();
  rawStatus_->setText(tr("Edits here update the parameter table."));
  model_->setSpec(doc.object());
  emit specChanged();
}

}  // namespace psr::ui
