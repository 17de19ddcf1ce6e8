#include "subject_slot.h"

#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QImageReader>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QToolButton>

#include "crop_dialog.h"
#include "image_view.h"

namespace psr::ui {
namespace {

QStringList localFiles(const QMimeData* mime) {
  QStringList files;
  if (!mime || !mime->hasUrls()) return files;
  for (const QUrl& url : mime->urls()) {
    if (url.isLocalFile() && QFileInfo(url.toLocalFile()).isFile()) files << url.toLocalFile();
  }
  return files;
}

/// "my cat (2).png" → "my cat 2": a name that reads well inside a prompt.
QString nameFromFile(const QString& path) {
  QString base = QFileInfo(path).completeBaseName();
  base.replace(QLatin1Char('_'), QLatin1Char(' ')).replace(QLatin1Char('-'), QLatin1Char(' '));
  base.remove(QLatin1Char('(')).remove(QLatin1Char(')'));
  return base.simplified();
}

}  // namespace

SubjectSlot::SubjectSlot(int number, QWidget* parent)
    : QFrame(parent),
      number_(number),
      view_(new ImageView(this)),
      name_(new QLineEdit(this)),
      browse_(new QToolButton(this)),
      cropButton_(new QToolButton(this)),
      clear_(new QToolButton(this)) {
  setObjectName(QStringLiteral("composeSlot%1").arg(number));
  setFrameShape(QFrame::StyledPanel);
  setAcceptDrops(true);
  view_->setFixedSize(96, 96);
  view_->setPlaceholder(tr("Drop image %1").arg(number));
  view_->setToolTip(tr("Drop one or more image files here, or use Browse"));
  name_->setObjectName(QStringLiteral("composeSlotName%1").arg(number));
  name_->setPlaceholderText(tr("Subject %1 name").arg(number));
  name_->setToolTip(tr("How the prompt refers to this subject"));
  browse_->setText(tr("Browse\u2026"));
  cropButton_->setText(tr("Crop\u2026"));
  cropButton_->setToolTip(tr("Use only part of the image"));
  clear_->setText(tr("Clear"));
  auto* number_label = new QLabel(QString::number(number), this);
  number_label->setToolTip(tr("Reference frame %1").arg(number));
  QFont bold = number_label->font();
  bold.setBold(true);
  number_label->setFont(bold);

  auto* layout = new QGridLayout(this);
  layout->setContentsMargins(6, 6, 6, 6);
  layout->addWidget(number_label, 0, 0, Qt::AlignTop);
  layout->addWidget(view_, 0, 1, 1, 3, Qt::AlignHCenter);
  layout->addWidget(name_, 1, 0, 1, 4);
  layout->addWidget(browse_, 2, 1);
  layout->addWidget(cropButton_, 2, 2);
  layout->addWidget(clear_, 2, 3);

  connect(browse_, &QToolButton::clicked, this, &SubjectSlot::browse);
  connect(cropButton_, &QToolButton::clicked, this, &SubjectSlot::chooseCrop);
  connect(clear_, &QToolButton::clicked, this, &SubjectSlot::clear);
  connect(name_, &QLineEdit::textChanged, this, &SubjectSlot::changed);
  updateView();
}

bool SubjectSlot::setImagePath(const QString& path) {
  QImageReader reader(path);
  reader.setAutoTransform(true);
  QImage image = reader.read();
  if (image.isNull()) {
    emit failed(tr("Subject %1: cannot read %2: %3").arg(number_).arg(QDir::toNativeSeparators(path),
                                                                      reader.errorString()));
    return false;
  }
  path_ = QFileInfo(path).absoluteFilePath();
  image_ = std::move(image);
  crop_ = QRect();
  if (name_->text().trimmed().isEmpty()) {
    const QSignalBlocker quiet(name_);
    name_->setText(nameFromFile(path));
  }
  updateView();
  emit changed();
  return true;
}

QString SubjectSlot::name() const {
  const QString typed = name_->text().simplified();
  return typed.isEmpty() && isFilled() ? tr("subject %1").arg(number_) : typed;
}

void SubjectSlot::setName(const QString& name) { name_->setText(name); }

void SubjectSlot::setCrop(const QRect& crop) {
  crop_ = crop.isNull() ? QRect() : crop.intersected(image_.rect());
  updateView();
  emit changed();
}

void SubjectSlot::clear() {
  path_.clear();
  image_ = QImage();
  crop_ = QRect();
  {
    const QSignalBlocker quiet(name_);
    name_->clear();
  }
  updateView();
  emit changed();
}

void SubjectSlot::chooseCrop() {
  if (!isFilled()) return;
  auto* dialog = new CropDialog(image_, crop_, this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  connect(dialog, &QDialog::accepted, this, [this, dialog] { setCrop(dialog->crop()); });
  dialog->open();
}

void SubjectSlot::dragEnterEvent(QDragEnterEvent* event) {
  if (!localFiles(event->mimeData()).isEmpty()) event->acceptProposedAction();
}

void SubjectSlot::dropEvent(QDropEvent* event) {
  const QStringList files = localFiles(event->mimeData());
  if (files.isEmpty()) return;
  event->acceptProposedAction();
  setImagePath(files.first());
  if (files.size() > 1) emit extraFilesDropped(files.mid(1));
}

void SubjectSlot::browse() {
  const QString start = isFilled() ? QFileInfo(path_).absolutePath() : QDir::homePath();
  const QString path = QFileDialog::getOpenFileName(this, tr("Subject %1 Image").arg(number_), start,
                                                    tr("Images (*.png *.jpg *.jpeg *.webp *.bmp *.gif *.tif *.tiff)"));
  if (!path.isEmpty()) setImagePath(path);
}

void SubjectSlot::updateView() {
  view_->setImage(crop_.isNull() ? image_ : image_.copy(crop_));
  view_->setToolTip(isFilled() ? tr("%1\n%2 \u00d7 %3 px%4")
                                     .arg(QDir::toNativeSeparators(path_))
                                     .arg(image_.width())
                                     .arg(image_.height())
                                     .arg(crop_.isNull() ? QString() : tr(", cropped"))
                               : tr("Drop one or more image files here, or use Browse"));
  cropButton_->setEnabled(isFilled());
  clear_->setEnabled(isFilled());
}

}  // namespace psr::ui
