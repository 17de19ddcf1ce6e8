#include "spec_table_model.h"

#include <optional>

#include <QJsonArray>
#include <QJsonDocument>

namespace psr::ui {
namespace {

/// Parses one JSON value of any kind (a bare number or `true` as well as lists).
std::optional<QJsonValue> parseValue(const QString& text) {
  const QJsonDocument doc = QJsonDocument::fromJson(QByteArray("[") + text.toUtf8() + QByteArray("]"));
  if (!doc.isArray() || doc.array().size() != 1) return std::nullopt;
  return doc.array().first();
}

QJsonObject insertPath(QJsonObject object, const QStringList& path, int depth, const QJsonValue& value) {
  const QString& key = path[depth];
  if (depth == path.size() - 1) {
    object.insert(key, value);
  } else {
    object.insert(key, insertPath(object.value(key).toObject(), path, depth + 1, value));
  }
  return object;
}

}  // namespace

SpecTableModel::SpecTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void SpecTableModel::flatten(const QString& prefix, const QJsonObject& object) {
  for (auto it = object.begin(); it != object.end(); ++it) {
    const QString key = prefix.isEmpty() ? it.key() : prefix + QLatin1Char('.') + it.key();
    if (it.value().isObject() && !it.value().toObject().isEmpty()) flatten(key, it.value().toObject());
    else rows_.append({key, it.value()});
  }
}

void SpecTableModel::setSpec(const QJsonObject& spec) {
  beginResetModel();
  rows_.clear();
  flatten(QString(), spec);
  endResetModel();
}

QJsonObject SpecTableModel::spec() const {
  QJsonObject out;
  for (const Row& row : rows_) out = insertPath(out, row.key.split(QLatin1Char('.')), 0, row.value);
  return out;
}

int SpecTableModel::rowOfKey(const QString& key) const {
  for (int i = 0; i < rows_.size(); ++i) {
    if (rows_[i].key == key) return i;
  }
  return -1;
}

bool SpecTableModel::setValueText(const QString& key, const QString& text) {
  const int row = rowOfKey(key);
  return row >= 0 && setData(index(row, ValueColumn), text, Qt::EditRole);
}

QString SpecTableModel::valueText(const QJsonValue& value) {
  if (value.isString()) return value.toString();
  if (value.isArray()) return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
  if (value.isObject()) return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
  if (value.isBool()) return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
  if (value.isDouble()) return QString::number(value.toDouble(), 'g', 12);
  return QStringLiteral("null");
}

int SpecTableModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(rows_.size()); }

int SpecTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : 2; }

QVariant SpecTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rows_.size()) return {};
  const Row& row = rows_[index.row()];
  if (role == Qt::DisplayRole || role == Qt::EditRole) {
    return index.column() == KeyColumn ? row.key : valueText(row.value);
  }
  if (role == Qt::ToolTipRole && index.column() == ValueColumn) {
    return row.value.isString() ? tr("text") : row.value.isBool() ? tr("true or false")
           : row.value.isDouble()                                 ? tr("number")
                                                                  : tr("JSON");
  }
  return {};
}

bool SpecTableModel::setData(const QModelIndex& index, const QVariant& value, int role) {
  if (role != Qt::EditRole || !index.isValid() || index.column() != ValueColumn) return false;
  Row& row = rows_[index.row()];
  const QString text = value.toString();
  QJsonValue next;
  if (row.value.isString()) {
    next = text;
  } else {
    const auto parsed = parseValue(text.trimmed());
    if (!parsed) return false;
    // A number stays a number, a flag a flag; lists and objects take any JSON.
    if (row.value.isDouble() && !parsed->isDouble()) return false;
    if (row.value.isBool() && !parsed->isBool()) return false;
    next = *parsed;
  }
  if (next == row.value) return true;
  row.value = next;
  emit dataChanged(index, index);
  emit specEdited();
  return true;
}

Qt::ItemFlags SpecTableModel::flags(const QModelIndex& index) const {
  Qt::ItemFlags f = QAbstractTableModel::flags(index);
  if (index.isValid() && index.column() == ValueColumn) f |= Qt::ItemIsEditable;
  return f;
}

QVariant SpecTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  return section == KeyColumn ? tr("Parameter") : tr("Value");
}

}  // namespace psr::ui
