#pragma once
#include <QWidget>

class QSpinBox;
class QToolButton;

namespace psr::ui {

/** The seed, always visible: locked, every generation uses it; unlocked, each generation draws
 *  a new one (and shows it). "Reuse last" brings back the previous generation's seed and locks. */
class SeedControl : public QWidget {
  Q_OBJECT

 public:
  explicit SeedControl(QWidget* parent = nullptr);

  qint64 seed() const;
  void setSeed(qint64 seed);
  bool isLocked() const;
  void setLocked(bool locked);
  /// The seed the next generation uses: a fresh random one unless locked.
  qint64 takeSeed();
  /// Remembers the seed of the generation just queued, for "Reuse last".
  void setLastSeed(qint64 seed);
  bool hasLastSeed() const { return lastSeed_ >= 0; }

  QSpinBox* spinBox() const { return spin_; }
  QToolButton* lockButton() const { return lock_; }
  QToolButton* randomButton() const { return random_; }
  QToolButton* reuseButton() const { return reuse_; }

 private:
  void randomize();
  void updateLockText();

  QSpinBox* spin_;
  QToolButton* lock_;
  QToolButton* random_;
  QToolButton* reuse_;
  qint64 lastSeed_ = -1;
};

}  // namespace psr::ui
