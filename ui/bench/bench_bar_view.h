#pragma once
#include <optional>

#include <QWidget>

#include "radar_chart.h"

namespace psr::ui {

/// Lowest, highest and mean value of the models on one group (subset).
struct BarSpread {
  double min = 0, max = 0, mean = 0;
  int models = 0;
};

/** One metric as grouped bars: per subset (and overall) a bar per model, over a band from the
 *  lowest to the highest model with a line at their mean, so the spread between checkpoints
 *  reads at a glance. Drawn with QPainter; hovering a group tells its min, max and mean. */
class BenchBarView : public QWidget {
  Q_OBJECT

 public:
  explicit BenchBarView(QWidget* parent = nullptr);

  void setTitle(const QString& title);
  /// Group titles (x axis) and one series per model with a value per group (NaN: none).
  void setData(const QStringList& groups, const QList<RadarSeries>& series);

  QString title() const { return title_; }
  const QStringList& groups() const { return groups_; }
  const QList<RadarSeries>& series() const { return series_; }
  /// The spread of group `index` over the models with a value there; nullopt when none has.
  std::optional<BarSpread> spread(int index) const;
  /// Where bar (group, series) is drawn at the current size (empty when it has no value).
  QRectF barRect(int group, int series) const;

  QSize sizeHint() const override { return {640, 300}; }
  QSize minimumSizeHint() const override { return {320, 200}; }

 protected:
  void paintEvent(QPaintEvent* event) override;
  bool event(QEvent* event) override;

 private:
  QRectF plotRect() const;
  QRectF groupRect(int group) const;
  double yOf(double value) const;

  QString title_;
  QStringList groups_;
  QList<RadarSeries> series_;
};

}  // namespace psr::ui
