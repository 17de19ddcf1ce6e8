#pragma once
#include <QColor>
#include <QList>
#include <QPolygonF>
#include <QStringList>
#include <QWidget>

namespace psr::ui {

/// One model on a radar chart: a value in [0, 1] per axis (NaN: no value, drawn at the centre).
struct RadarSeries {
  QString label;
  QColor color;
  QList<double> values;
};

/** A radar chart drawn with QPainter: one axis per subset, rings at 0.25 … 1, one translucent
 *  polygon per model and a legend. The Bench panel shows one per dimension. */
class RadarChart : public QWidget {
  Q_OBJECT

 public:
  explicit RadarChart(QWidget* parent = nullptr);

  void setTitle(const QString& title);
  /// Axis titles, clockwise from the top.
  void setAxes(const QStringList& axes);
  void setSeries(const QList<RadarSeries>& series);

  QString title() const { return title_; }
  const QStringList& axes() const { return axes_; }
  const QList<RadarSeries>& series() const { return series_; }
  /// Where series `index`'s vertices are drawn at the current size (one per axis).
  QPolygonF polygon(int index) const;
  /// The chart's centre and the radius of value 1 at the current size.
  QPointF centre() const;
  double radius() const;

  QSize sizeHint() const override { return {320, 340}; }
  QSize minimumSizeHint() const override { return {200, 220}; }

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  QRectF plotRect() const;
  QPointF at(int axis, double value) const;
  int legendHeight() const;

  QString title_;
  QStringList axes_;
  QList<RadarSeries> series_;
};

}  // namespace psr::ui
