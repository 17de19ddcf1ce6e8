#include "error_banner.h"

#include <QEvent>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>
#include <QToolButton>

#include "theme.h"

namespace psr::ui {

ErrorBanner::ErrorBanner(QWidget* parent) : QFrame(parent), text_(new QLabel(this)) {
  setObjectName(QStringLiteral("errorBanner"));
  setAutoFillBackground(true);
  setFrameShape(QFrame::NoFrame);

  auto* icon = new QLabel(this);
  const int iconSize = style()->pixelMetric(QStyle::PM_SmallIconSize);
  icon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxWarning).pixmap(iconSize, iconSize));

  text_->setObjectName(QStringLiteral("errorBannerText"));
  text_->setWordWrap(true);
  text_->setTextFormat(Qt::PlainText);
  text_->setTextInteractionFlags(Qt::TextSelectableByMouse);

  auto* dismiss = new QToolButton(this);
  dismiss->setObjectName(QStringLiteral("errorBannerDismiss"));
  dismiss->setAutoRaise(true);
  dismiss->setText(tr("Dismiss"));
  dismiss->setToolTip(tr("Hide this message"));
  connect(dismiss, &QToolButton::clicked, this, &QWidget::hide);

  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(12, 8, 8, 8);
  layout->addWidget(icon, 0, Qt::AlignTop);
  layout->addWidget(text_, 1);
  layout->addWidget(dismiss, 0, Qt::AlignTop);
  applyColours();
  hide();
}

void ErrorBanner::showError(const QString& message) {
  text_->setText(message);
  show();
}

QString ErrorBanner::message() const { return text_->text(); }

void ErrorBanner::changeEvent(QEvent* event) {
  if (event->type() == QEvent::PaletteChange) applyColours();
  QFrame::changeEvent(event);
}

void ErrorBanner::applyColours() {
  // Light or dark is read from the application (system) palette: the banner's own Window colour
  // is overridden here, so its palette no longer tells.
  const QPalette system = QGuiApplication::palette();
  QPalette own = text_->palette();
  own.setColor(QPalette::WindowText, errorBannerText(system));
  text_->setPalette(own);
  QPalette background = palette();
  background.setColor(QPalette::Window, errorBannerBackground(system));
  setPalette(background);
}

}  // namespace psr::ui
