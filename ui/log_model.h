#pragma once
#include <QAbstractListModel>
#include <QColor>
#include <QList>

namespace psr::ui {

/** The log panel's lines (newest last), capped so a chatty run cannot grow memory without bound. */
class LogModel : public QAbstractListModel {
  Q_OBJECT

 public:
  /// spdlog's level number (0 trace … 5 critical) of a line.
  static constexpr int LevelRole = Qt::UserRole;
  static constexpr int kDefaultCapacity = 10000;

  explicit LogModel(QObject* parent = nullptr, int capacity = kDefaultCapacity);

  /// Appends one formatted line; the oldest lines go once the capacity is reached.
  void append(int level, const QString& text);
  void clear();
  int capacity() const { return capacity_; }

  /// Foreground colours of warning and error lines (they follow the palette, light or dark).
  void setLevelColours(const QColor& warning, const QColor& error);

  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

 private:
  struct Line {
    int level;
    QString text;
  };

  int capacity_;
  QList<Line> lines_;
  QColor warning_;
  QColor error_;
};

}  // namespace psr::ui
