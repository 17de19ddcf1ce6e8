#pragma once
#include <QList>
#include <QPair>
#include <QPointF>
#include <QWidget>

class QComboBox;
class QLabel;
class QChart;
class QChartView;
class QValueAxis;

namespace psr::ui {

/// One run's curve: a label ("job 3 · sft") and its (step, value) points.
struct MetricCurve {
  QString label;
  QList<QPointF> points;
};

/** Live curves of one metric (picked from the names the selected runs logged), one line per
 *  run, overlaid on shared axes. */
class MetricChart : public QWidget {
  Q_OBJECT

 public:
  explicit MetricChart(QWidget* parent = nullptr);

  /// The metric names to pick from; the current one is kept when still present, else `loss`
  /// or `reward`, else the first.
  void setMetricNames(const QStringList& names);
  QString metric() const;
  void setMetric(const QString& name);
  /// Replaces the curves (same metric for every run).
  void setCurves(const QList<MetricCurve>& curves);

  int curveCount() const;
  int pointCount() const;
  QComboBox* metricBox() const { return metric_; }
  QChart* chart() const { return chart_; }

 signals:
  void metricChanged(const QString& name);

 private:
  QComboBox* metric_;
  QLabel* hint_;
  QChart* chart_;
  QChartView* view_;
  QValueAxis* x_;
  QValueAxis* y_;
};

}  // namespace psr::ui
