#include "device_selector.h"

#include <QLocale>
#include <QSettings>

#include "device/devices.h"

namespace psr::ui {
namespace {

const QString kDeviceKey = QStringLiteral("device");

}  // namespace

DeviceSelector::DeviceSelector(QWidget* parent) : QComboBox(parent) {
  setObjectName(QStringLiteral("deviceSelector"));
  setToolTip(tr("Device for generation, training and benchmarks"));
  setSizeAdjustPolicy(QComboBox::AdjustToContents);
  for (const psr::DeviceInfo& device : psr::availableDevices()) {
    const QString id = QString::fromStdString(device.id);
    addItem(QStringLiteral("%1 \u2014 %2").arg(id, QString::fromStdString(device.name)), id);
    if (device.memoryBytes > 0) {
      setItemData(count() - 1, tr("%1 of memory").arg(QLocale().formattedDataSize(device.memoryBytes)),
                  Qt::ToolTipRole);
    }
  }
  // A saved device that is gone (GPU removed, CPU-only build) falls back to the first, the CPU.
  selectDevice(QSettings().value(kDeviceKey, QStringLiteral("cpu")).toString());
  connect(this, &QComboBox::currentIndexChanged, this, [this] {
    QSettings().setValue(kDeviceKey, currentDevice());
    emit deviceChanged(currentDevice());
  });
}

QString DeviceSelector::currentDevice() const { return currentData().toString(); }

bool DeviceSelector::selectDevice(const QString& id) {
  const int index = findData(id);
  if (index < 0) return false;
  setCurrentIndex(index);
  return true;
}

}  // namespace psr::ui
