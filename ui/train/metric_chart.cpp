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
#include <QSpinBox>
#include <QValueAxis>
#include <QVBoxLayout>

namespace psr::ui {

MetricChart::MetricChart(QWidget* parent)
    : QWidget(parent),
      metric_(new QComboBox(this)),
      subjects_(new QComboBox(this)),
      smoothing_(new QSpinBox(this)),
      hint_(new QLabel(this)),
      chart_(new QChart),
      view_(new QChartView(chart_, this)),
      x_(new QValueAxis(chart_)),
      y_(new QValueAxis(chart_)) {
  metric_->setObjectName(QStringLiteral("trainMetric"));
  metric_->setToolTip(tr("Which logged metric to plot for the selected runs"));
  metric_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  metric_->setMinimumContentsLength(14);
  subjects_->setObjectName(QStringLiteral("trainSubjects"));
  subjects_->setToolTip(tr("Plot only the epochs that drew this many subjects (RL runs log one count per epoch)"));
  subjects_->addItem(tr("all subject counts"), 0);
  subjects_->setVisible(false);
  smoothing_->setObjectName(QStringLiteral("trainSmoothing"));
  smoothing_->setRange(1, 200);
  smoothing_->setValue(1);
  smoothing_->setPrefix(tr("mean of last "));
  smoothing_->setToolTip(tr("Each point becomes the mean of itself and the points before it in this window; 1 shows "
                            "the logged values"));
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
  top->addWidget(subjects_);
  top->addWidget(smoothing_);
  top->addWidget(hint_, 1);
  top->addStretch(0);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(top);
  layout->addWidget(view_, 1);
  connect(metric_, &QComboBox::currentTextChanged, this, &MetricChart::metricChanged);
  connect(subjects_, &QComboBox::currentIndexChanged, this, [this] { emit subjectFilterChanged(subjectFilter()); });
  connect(smoothing_, &QSpinBox::valueChanged, this, [this] { setCurves(curves_); });
}

QList<QPointF> trailingMean(const QList<QPointF>& points, int window) {
  if (window <= 1) return points;
  QList<QPointF> out;
  out.reserve(points.size());
  double sum = 0;
  for (int i = 0; i < points.size(); ++i) {
    sum += points[i].y();
    if (i >= window) sum -= points[i - window].y();
    out.append(QPointF(points[i].x(), sum / double(std::min(i + 1, window))));
  }
  return out;
}

void MetricChart::setSubjectCounts(const QList<int>& counts) {
  QList<int> current;
  for (int i = 1; i < subjects_->count(); ++i) current << subjects_->itemData(i).toInt();
  subjects_->setVisible(!counts.isEmpty());
  if (current == counts) return;
  const int keep = counts.contains(subjectFilter()) ? subjectFilter() : 0;
  {
    const QSignalBlocker quiet(subjects_);
    while (subjects_->count() > 1) subjects_->removeItem(1);
    for (int n : counts) subjects_->addItem(n == 1 ? tr("1 subject") : tr("%1 subjects").arg(n), n);
    subjects_->setCurrentIndex(std::max(0, subjects_->findData(keep)));
  }
  // No signal: the caller (the panel's refresh) reads subjectFilter() right after.
}

int MetricChart::subjectFilter() const { return subjects_->currentData().toInt(); }

void MetricChart::setSubjectFilter(int subjects) {
  const int i = subjects_->findData(subjects);
  if (i >= 0) subjects_->setCurrentIndex(i);
}

int MetricChart::smoothing() const { return smoothing_->value(); }

void MetricChart::setSmoothing(int window) { smoothing_->setValue(window); }

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
  if (&curves != &curves_) curves_ = curves;
  chart_->removeAllSeries();
  double minX = std::numeric_limits<double>::max(), maxX = std::numeric_limits<double>::lowest();
  double minY = minX, maxY = maxX;
  for (const MetricCurve& c : curves) {
    auto* series = new QLineSeries;
    series->setName(c.label);
    const QList<QPointF> points = trailingMean(c.points, smoothing());
    series->replace(points);
    for (const QPointF& p : points) {
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
  QString title = metric();
  if (subjectFilter() > 0) title += QStringLiteral(", ") + subjects_->currentText();
  if (smoothing() > 1) title += tr(", mean of last %1").arg(smoothing());
  y_->setTitleText(title);
  hint_->setVisible(curves.isEmpty());
}

int MetricChart::curveCount() const { return int(chart_->series().size()); }

int MetricChart::pointCount() const {
  int n = 0;
  for (const QAbstractSeries* s : chart_->series()) n += int(static_cast<const QLineSeries*>(s)->count());
  return n;
}

}  // namespace psr::ui
