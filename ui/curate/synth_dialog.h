#pragma once
#include <QDialog>
#include <QStringList>

class QComboBox;
class QSpinBox;

namespace psr::ui {

/** Asks what `psr data synth` should make: subset, count, split and an optional seed. */
class SynthDialog : public QDialog {
  Q_OBJECT

 public:
  explicit SynthDialog(QWidget* parent = nullptr);

  /// The CLI arguments after `psr -w WORKSPACE`: `data synth --subset … --count … --json`.
  QStringList arguments() const;

  QComboBox* subsetBox() const { return subset_; }
  QSpinBox* countBox() const { return count_; }
  QComboBox* splitBox() const { return split_; }
  QSpinBox* seedBox() const { return seed_; }

 private:
  QComboBox* subset_;
  QSpinBox* count_;
  QComboBox* split_;
  QSpinBox* seed_;
};

}  // namespace psr::ui
