#include "synth_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QPushButton>
#include <QSpinBox>

namespace psr::ui {

SynthDialog::SynthDialog(QWidget* parent)
    : QDialog(parent), subset_(new QComboBox(this)), count_(new QSpinBox(this)), split_(new QComboBox(this)),
      seed_(new QSpinBox(this)) {
  setWindowTitle(tr("Synthesize samples"));
  setObjectName(QStringLiteral("curateSynthDialog"));
  for (const char* s : {"all", "attribute", "action", "background", "position", "complex", "three", "four"}) {
    subset_->addItem(QString::fromLatin1(s));
  }
  count_->setRange(1, 10000000);
  count_->setValue(700);
  count_->setGroupSeparatorShown(true);
  split_->addItem(tr("train"), QStringLiteral("train"));
  split_->addItem(tr("held-out"), QStringLiteral("heldout"));
  seed_->setRange(0, 2147483647);
  seed_->setSpecialValueText(tr("default"));  // 0: the CLI chooses
  auto* form = new QFormLayout(this);
  form->addRow(tr("Subset"), subset_);
  form->addRow(tr("Samples"), count_);
  form->addRow(tr("Split"), split_);
  form->addRow(tr("Seed"), seed_);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  buttons->button(QDialogButtonBox::Ok)->setText(tr("Synthesize"));
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  form->addRow(buttons);
}

QStringList SynthDialog::arguments() const {
  QStringList args = {QStringLiteral("data"),    QStringLiteral("synth"), QStringLiteral("--subset"),
                      subset_->currentText(),   QStringLiteral("--count"), QString::number(count_->value()),
                      QStringLiteral("--split"), split_->currentData().toString()};
  if (seed_->value() > 0) args << QStringLiteral("--seed") << QString::number(seed_->value());
  args << QStringLiteral("--json");
  return args;
}

}  // namespace psr::ui
