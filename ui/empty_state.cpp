#include "empty_state.h"

#include <QEvent>
#include <QFontDatabase>
#include <QLabel>
#include <QVBoxLayout>

#include "theme.h"

namespace psr::ui {

EmptyState::EmptyState(QWidget* parent)
    : QWidget(parent), headline_(new QLabel(this)), body_(new QLabel(this)), commandsLabel_(new QLabel(this)) {
  QFont headlineFont = headline_->font();
  headlineFont.setPointSizeF(headlineFont.pointSizeF() * 1.3);
  headlineFont.setBold(true);
  headline_->setFont(headlineFont);
  headline_->setObjectName(QStringLiteral("emptyStateHeadline"));
  headline_->setWordWrap(true);

  body_->setObjectName(QStringLiteral("emptyStateBody"));
  body_->setWordWrap(true);
  body_->setTextFormat(Qt::PlainText);

  commandsLabel_->setObjectName(QStringLiteral("emptyStateCommands"));
  commandsLabel_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  commandsLabel_->setTextFormat(Qt::PlainText);
  commandsLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
  commandsLabel_->setContentsMargins(12, 8, 12, 8);
  commandsLabel_->setAutoFillBackground(true);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(24, 24, 24, 24);
  layout->setSpacing(12);
  layout->addStretch(1);
  layout->addWidget(headline_);
  layout->addWidget(body_);
  layout->addWidget(commandsLabel_);
  layout->addStretch(2);
  setMaximumWidth(720);
  applyColours();
}

void EmptyState::setContent(const QString& headline, const QString& body, const QStringList& commands) {
  headline_->setText(headline);
  body_->setText(body);
  commands_ = commands;
  commandsLabel_->setText(commands.join(QLatin1Char('\n')));
  commandsLabel_->setVisible(!commands.isEmpty());
}

QString EmptyState::headline() const { return headline_->text(); }

QString EmptyState::body() const { return body_->text(); }

void EmptyState::changeEvent(QEvent* event) {
  // Re-derive the custom colours when the system switches between light and dark.
  if (event->type() == QEvent::PaletteChange) applyColours();
  QWidget::changeEvent(event);
}

void EmptyState::applyColours() {
  QPalette bodyPalette = body_->palette();
  bodyPalette.setColor(QPalette::WindowText, mutedTextColor(palette()));
  body_->setPalette(bodyPalette);

  QPalette commandPalette = commandsLabel_->palette();
  commandPalette.setColor(QPalette::Window, palette().color(QPalette::AlternateBase));
  commandPalette.setColor(QPalette::WindowText, palette().color(QPalette::Text));
  commandsLabel_->setPalette(commandPalette);
}

}  // namespace psr::ui
