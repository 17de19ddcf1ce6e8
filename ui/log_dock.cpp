#include "log_dock.h"

#include <QComboBox>
#include <QEvent>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QVBoxLayout>

#include "common/logging.h"
#include "log_level_filter.h"
#include "log_model.h"
#include "log_panel_sink.h"
#include "theme.h"

namespace psr::ui {
namespace {

const QString kLevelKey = QStringLiteral("log/minimumLevel");

}  // namespace

LogDock::LogDock(QWidget* parent)
    : QDockWidget(tr("Log"), parent),
      model_(new LogModel(this)),
      filter_(new LogLevelFilter(this)),
      view_(new QListView),
      level_(new QComboBox) {
  setObjectName(QStringLiteral("logDock"));
  filter_->setSourceModel(model_);

  view_->setObjectName(QStringLiteral("logView"));
  view_->setModel(filter_);
  view_->setUniformItemSizes(true);  // keeps 10k lines cheap to lay out
  view_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  view_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  view_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));

  level_->setObjectName(QStringLiteral("logLevel"));
  level_->addItem(tr("Debug"), int(spdlog::level::debug));
  level_->addItem(tr("Info"), int(spdlog::level::info));
  level_->addItem(tr("Warnings"), int(spdlog::level::warn));
  level_->addItem(tr("Errors"), int(spdlog::level::err));
  auto* clear = new QPushButton(tr("Clear"));
  clear->setObjectName(QStringLiteral("logClear"));

  auto* bar = new QHBoxLayout;
  bar->addWidget(new QLabel(tr("Show:")));
  bar->addWidget(level_);
  bar->addStretch(1);
  bar->addWidget(clear);
  auto* body = new QWidget;
  auto* layout = new QVBoxLayout(body);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->addLayout(bar);
  layout->addWidget(view_, 1);
  setWidget(body);

  setMinimumLevel(QSettings().value(kLevelKey, int(spdlog::level::info)).toInt());
  connect(level_, &QComboBox::currentIndexChanged, this,
          [this](int index) { setMinimumLevel(level_->itemData(index).toInt()); });
  connect(clear, &QPushButton::clicked, model_, &LogModel::clear);
  // Stay at the newest line only while the user has not scrolled up to read something.
  connect(view_->verticalScrollBar(), &QScrollBar::valueChanged, this,
          [this](int value) { atBottom_ = value == view_->verticalScrollBar()->maximum(); });
  connect(filter_, &QAbstractItemModel::rowsInserted, this, &LogDock::followNewLines);
  applyColours();

  sink_ = std::make_shared<LogPanelSink>(model_);
  sink_->set_level(spdlog::level::debug);
  psr::addLogSink(sink_);
}

LogDock::~LogDock() { psr::removeLogSink(sink_); }

void LogDock::setMinimumLevel(int level) {
  const int index = level_->findData(level);
  if (index < 0) return;
  level_->setCurrentIndex(index);
  filter_->setMinimumLevel(level);
  QSettings().setValue(kLevelKey, level);
}

int LogDock::minimumLevel() const { return filter_->minimumLevel(); }

void LogDock::changeEvent(QEvent* event) {
  if (event->type() == QEvent::PaletteChange) applyColours();
  QDockWidget::changeEvent(event);
}

void LogDock::applyColours() { model_->setLevelColours(warningTextColor(palette()), errorTextColor(palette())); }

void LogDock::followNewLines() {
  if (atBottom_) view_->scrollToBottom();
}

}  // namespace psr::ui
