#include "about_dialog.h"

#include <QDialogButtonBox>
#include <QFile>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QTextBrowser>
#include <QVBoxLayout>

#include "device/versions.h"

namespace psr::ui {

AboutDialog::AboutDialog(QWidget* parent) : QDialog(parent) {
  setObjectName(QStringLiteral("aboutDialog"));
  setWindowTitle(tr("About PSR Studio"));

  auto* icon = new QLabel;
  icon->setPixmap(QIcon(QStringLiteral(":/icons/psr-studio.svg")).pixmap(72, 72));
  auto* title = new QLabel(QStringLiteral("<b style='font-size:large'>PSR Studio %1</b><br>%2")
                               .arg(QString::fromStdString(psr::studioVersion()).toHtmlEscaped(),
                                    tr("Multi-subject personalised image generation: compose, curate, train and "
                                       "benchmark.")));
  title->setWordWrap(true);
  auto* header = new QHBoxLayout;
  header->addWidget(icon, 0, Qt::AlignTop);
  header->addWidget(title, 1);

  auto* versions = new QFormLayout;
  versions->setObjectName(QStringLiteral("aboutVersions"));
  for (const auto& [component, version] : psr::dependencyVersions()) {
    const QString name = QString::fromStdString(component);
    const QString value = QString::fromStdString(version);
    auto* label = new QLabel(value);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    versions->addRow(name + QLatin1Char(':'), label);
    versionsText_ += name + QLatin1Char(' ') + value + QLatin1Char('\n');
  }

  QFile assets(QStringLiteral(":/licenses/ASSETS.md"));
  if (assets.open(QIODevice::ReadOnly)) licensesText_ = QString::fromUtf8(assets.readAll());
  auto* licenses = new QTextBrowser;
  licenses->setObjectName(QStringLiteral("aboutLicenses"));
  licenses->setOpenExternalLinks(true);
  licenses->setMarkdown(licensesText_);

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(header);
  layout->addLayout(versions);
  layout->addWidget(new QLabel(tr("Artwork and licences")));
  layout->addWidget(licenses, 1);
  layout->addWidget(buttons);
  resize(640, 560);
}

}  // namespace psr::ui
