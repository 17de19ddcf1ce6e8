#pragma once
#include <QList>
#include <QPair>
#include <QPointF>
#include <QWidget>

class QComboBox;
class QLabel;
class QSpinBox;
class QChart;
class QChartView;
class QValueAxis;

namespace psr::ui {

/// One run's curve: a label ("job 3 · sft") and its (step, value) points.
struct MetricCurve {
  QString label;
  QList<QPointF> points;
};

/// Each point replaced by the mean of it and the `window` - 1 points before it (fewer at the
/// start); window <= 1 returns the points unchanged. RL logs one value per epoch of a handful
/// of prompts, which swings by ±0.2; a trailing mean shows the trend without shifting it ahead.
QList<QPointF> trailingMean(const QList<QPointF>& points, int window);

/** Live curves of one metric (picked from the names the selected runs logged), one line per
 *  run, overlaid on shared axes; optionally only the epochs of one subject count, and smoothed
 *  by a trailing mean. */
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

  /// The subject counts to offer (those the selected runs logged); the box hides when empty
  /// and keeps its choice while that count is still offered.
  void setSubjectCounts(const QList<int>& counts);
  /// The subject count the curves are limited to; 0 = every epoch.
  int subjectFilter() const;
  void setSubjectFilter(int subjects);
  /// The trailing-mean window applied to every curve (1 = raw values).
  int smoothing() const;
  void setSmoothing(int window);

  int curveCount() const;
  int pointCount() const;
  QComboBox* metricBox() const { return metric_; }
  QComboBox* subjectsBox() const { return subjects_; }
  QSpinBox* smoothingBox() const { return smoothing_; }
  QChart* chart() const { return chart_; }

 signals:
  void metricChanged(const QString& name);
  /// The subject filter changed: the curves must be read again.
  void subjectFilterChanged(int subjects);

 private:
  QComboBox* metric_;
  QComboBox* subjects_;
  QSpinBox* smoothing_;
  QLabel* hint_;
  QList<MetricCurve> curves_;  // as read, so the smoothing window can change without a reread
  QChart* chart_;
  QChartView* view_;
  QValueAxis* x_;
  QValueAxis* y_;
};

}  // namespace psr::ui
