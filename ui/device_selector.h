#pragma once
#include <QComboBox>

namespace psr::ui {

/** Toolbar choice of compute device ("cpu", "cuda:0", …), remembered across sessions. */
class DeviceSelector : public QComboBox {
  Q_OBJECT

 public:
  explicit DeviceSelector(QWidget* parent = nullptr);

  /// The selected device's id as configs and the CLI accept it.
  QString currentDevice() const;
  /// Selects `id` if it is available; returns false (and keeps the selection) otherwise.
  bool selectDevice(const QString& id);

 signals:
  void deviceChanged(const QString& id);
};

}  // namespace psr::ui
