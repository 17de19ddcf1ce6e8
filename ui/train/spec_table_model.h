#pragma once
#include <QAbstractTableModel>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>

namespace psr::ui {

/** A job spec as one editable row per parameter: nested objects flatten to dotted keys
 *  ("timesteps.shift"), lists and scalars are values. Edits keep each value's JSON type (a
 *  number stays a number); text that does not fit the type is refused. */
class SpecTableModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { KeyColumn, ValueColumn };

  explicit SpecTableModel(QObject* parent = nullptr);

  void setSpec(const QJsonObject& spec);
  /// The rows folded back into nested JSON.
  QJsonObject spec() const;
  /// Row of dotted `key`, -1 when absent.
  int rowOfKey(const QString& key) const;
  /// Sets a parameter by dotted key as the editor would; false when the text does not fit.
  bool setValueText(const QString& key, const QString& text);

  /// How a value shows in the table: strings bare, everything else as compact JSON.
  static QString valueText(const QJsonValue& value);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
  Qt::ItemFlags flags(const QModelIndex& index) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 signals:
  /// A value was edited in the table (not emitted by setSpec).
  void specEdited();

 private:
  struct Row {
    QString key;
    QJsonValue value;
  };
  void flatten(const QString& prefix, const QJsonObject& object);

  QList<Row> rows_;
};

}  // namespace psr::ui
