#include "seed_control.h"

#include <limits>

#include <QHBoxLayout>
#include <QRandomGenerator>
#include <QSpinBox>
#include <QToolButton>

namespace psr::ui {

SeedControl::SeedControl(QWidget* parent)
    : QWidget(parent),
      spin_(new QSpinBox(this)),
      lock_(new QToolButton(this)),
      random_(new QToolButton(this)),
      reuse_(new QToolButton(this)) {
  spin_->setObjectName(QStringLiteral("composeSeed"));
  spin_->setRange(0, std::numeric_limits<int>::max());
  spin_->setToolTip(tr("Seed of the first image; image i of a batch uses seed + i"));
  lock_->setObjectName(QStringLiteral("composeSeedLock"));
  lock_->setCheckable(true);
  random_->setObjectName(QStringLiteral("composeSeedRandom"));
  random_->setText(tr("Random"));
  random_->setToolTip(tr("Draw a new seed now"));
  reuse_->setObjectName(QStringLiteral("composeSeedReuse"));
  reuse_->setText(tr("Reuse last"));
  reuse_->setToolTip(tr("Use the previous generation's seed again and lock it"));
  reuse_->setEnabled(false);
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(spin_, 1);
  layout->addWidget(lock_);
  layout->addWidget(random_);
  layout->addWidget(reuse_);
  connect(lock_, &QToolButton::toggled, this, &SeedControl::updateLockText);
  connect(random_, &QToolButton::clicked, this, &SeedControl::randomize);
  connect(reuse_, &QToolButton::clicked, this, [this] {
    if (lastSeed_ < 0) return;
    setSeed(lastSeed_);
    setLocked(true);
  });
  // Typing a seed means wanting it: it locks.
  connect(spin_, &QSpinBox::editingFinished, this, [this] { setLocked(true); });
  randomize();
  updateLockText();
}

qint64 SeedControl::seed() const { return spin_->value(); }

void SeedControl::setSeed(qint64 seed) { spin_->setValue(int(qBound<qint64>(0, seed, qint64(spin_->maximum())))); }

bool SeedControl::isLocked() const { return lock_->isChecked(); }

void SeedControl::setLocked(bool locked) { lock_->setChecked(locked); }

qint64 SeedControl::takeSeed() {
  if (!isLocked()) randomize();
  return seed();
}

void SeedControl::setLastSeed(qint64 seed) {
  lastSeed_ = seed;
  reuse_->setEnabled(true);
  reuse_->setToolTip(tr("Use seed %1 again and lock it").arg(seed));
}

void SeedControl::randomize() { spin_->setValue(int(QRandomGenerator::global()->bounded(spin_->maximum()))); }

void SeedControl::updateLockText() {
  lock_->setText(isLocked() ? tr("Locked") : tr("New each run"));
  lock_->setToolTip(isLocked() ? tr("Every generation uses this seed; click to draw a new one each run")
                               : tr("Each generation draws a new seed; click to keep this one"));
}

}  // namespace psr::ui
