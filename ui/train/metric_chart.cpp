#include "metric_chart.h"

#include <algorithm>
#include <limits>

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QSignalBlocker>
#include <QValueAxis>
#include <QVBoxLayout>

namespace psr::ui {

MetricChart::MetricChart(QWidget* parent)
    : QWidget(parent),
      metric_(new QComboBox(this)),
      hint_(new QLabel(this)),
      chart_(new QChart),
      view_(new QChartView(chart_, this)),
      x_(new QValueAxis(chart_)),
      y_(new QValueAxis(chart_)) {
  metric_->setObjectName(QStringLiteral("trainMetric"));
  metric_->setToolTip(tr("Which logged metric to plot for the selected runs"));
  metric_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  metric_->setMinimumContentsLength(14);
  hint_->setText(tr("Select one or more jobs to overlay their curves."));
  hint_->setWordWrap(true);
  view_->setObjectName(QStringLiteral("trainChart"));
  view_->setRenderHint(QPainter::Antialiasing);
  chart_->legend()->setAlignment(Qt::AlignBottom);
  chart_->legend()->setVisible(true);
  x_->setTitleText(tr("step"));
  x_->setLabelFormat(QStringLiteral("%d"));
  chart_->addAxis(x_, Qt::AlignBottom);
  chart_->addAxis(y_, Qt::AlignLeft);
  chart_->setMargins(QMargins(4, 4, 4, 4));

  auto* top = new QHBoxLayout;
  top->addWidget(new QLabel(tr("Metric:"), this));
  top->addWidget(metric_);
  top->addWidget(hint_, 1);
  top->addStretch(0);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(top);
  layout->addWidget(view_, 1);
  connect(metric_, &QComboBox::currentTextChanged, this, &MetricChart::metricChanged);
}

void MetricChart::setMetricNames(const QStringList& names) {
  QStringList current;
  for (int i = 0; i < metric_->count(); ++i) current << metric_->itemText(i);
  if (current == names) return;
  QString keep = metric_->currentText();
  if (!names.contains(keep)) {
    keep = names.contains(QStringLiteral("loss"))     ? QStringLiteral("loss")
           : names.contains(QStringLiteral("reward")) ? QStringLiteral("reward")
                                                      : names.value(0);
  }
  {
    const QSignalBlocker quiet(metric_);
    metric_->clear();
    metric_->addItems(names);
    metric_->setCurrentIndex(int(names.indexOf(keep)));
  }
  emit metricChanged(metric_->currentText());
}

QString MetricChart::metric() const { return metric_->currentText(); }

void MetricChart::setMetric(const QString& name) {
  const int i = metric_->findText(name);
  if (i >= 0) metric_->setCurrentIndex(i);
}

void MetricChart::setCurves(const QList<MetricCurve>& curves) {
  chart_->removeAllSeries();
  double minX = std::numeric_limits<double>::max(), maxX = std::numeric_limits<double>::lowest();
  double minY = minX, maxY = maxX;
  for (const MetricCurve& c : curves) {
    auto* series = new QLineSeries;
    series->setName(c.label);
    series->replace(c.points);
    for (const QPointF& p : c.points) {
      minX = std::min(minX, p.x());
      maxX = std::max(maxX, p.x());
      minY = std::min(minY, p.y());
      maxY = std::max(maxY, p.y());
    }
    chart_->addSeries(series);
    series->attachAxis(x_);
    series->attachAxis(y_);
  }
  if (minX > maxX) {
    minX = 0, maxX = 1, minY = 0, maxY = 1;
  }
  if (maxX - minX < 1) maxX = minX + 1;
  const double pad = maxY - minY > 0 ? (maxY - minY) * 0.05 : std::max(1e-6, std::abs(maxY) * 0.05);
  x_->setRange(minX, maxX);
  y_->setRange(minY - pad, maxY + pad);
  // Round tick values: steps are integers, and a loss axis reads better at 1.30 than 1.323.
  x_->applyNiceNumbers();
  y_->applyNiceNumbers();
  y_->setTitleText(metric());
  hint_->setVisible(curves.isEmpty());
}

int MetricChart::curveCount() const { return int(chart_->series().size()); }

int MetricChart::pointCount() const {
  int n = 0;
  for (const QAbstractSeries* s : chart_->series()) n += int(static_cast<const QLineSeries*>(s)->count());
  return n;
}

}  // namespace psr::ui
