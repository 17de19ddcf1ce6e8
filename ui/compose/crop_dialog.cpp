#include "crop_dialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include "crop_view.h"

namespace psr::ui {

CropDialog::CropDialog(const QImage& image, const QRect& crop, QWidget* parent)
    : QDialog(parent), view_(new CropView(image, this)), size_(new QLabel(this)), imageSize_(image.size()) {
  setObjectName(QStringLiteral("composeCropDialog"));
  setWindowTitle(tr("Crop Subject"));
  auto* hint = new QLabel(tr("Drag a rectangle around the subject. Only that part is used as the reference."), this);
  hint->setWordWrap(true);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  QPushButton* whole = buttons->addButton(tr("Whole Image"), QDialogButtonBox::ResetRole);
  connect(whole, &QPushButton::clicked, this, [this] { view_->setCrop(QRect()); });
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(view_, &CropView::cropChanged, this, &CropDialog::describe);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(hint);
  layout->addWidget(view_, 1);
  layout->addWidget(size_);
  layout->addWidget(buttons);
  view_->setCrop(crop);
  describe(view_->crop());
}

QRect CropDialog::crop() const { return view_->crop(); }

void CropDialog::describe(const QRect& crop) {
  size_->setText(crop.isNull() ? tr("Whole image, %1 \u00d7 %2 px").arg(imageSize_.width()).arg(imageSize_.height())
                               : tr("%1 \u00d7 %2 px at (%3, %4)")
                                     .arg(crop.width())
                                     .arg(crop.height())
                                     .arg(crop.x())
                                     .arg(crop.y()));
}

}  // namespace psr::ui
