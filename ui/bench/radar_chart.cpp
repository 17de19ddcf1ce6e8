#include "radar_chart.h"

#include <cmath>

#include <QPainter>
#include <QPainterPath>

#include "theme.h"

namespace psr::ui {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int kMargin = 6;
constexpr int kSwatch = 10;

double clamp01(double v) { return std::isfinite(v) ? qBound(0.0, v, 1.0) : 0.0; }

}  // namespace

RadarChart::RadarChart(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("benchRadar"));
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void RadarChart::setTitle(const QString& title) {
  title_ = title;
  update();
}

void RadarChart::setAxes(const QStringList& axes) {
  axes_ = axes;
  update();
}

void RadarChart::setSeries(const QList<RadarSeries>& series) {
  series_ = series;
  updateGeometry();
  update();
}

int RadarChart::legendHeight() const {
  // Legend entries flow left to right and wrap, like the report's SVG legend.
  const QFontMetrics fm(font());
  int x = kMargin, rows = series_.isEmpty() ? 0 : 1;
  for (const RadarSeries& s : series_) {
    const int w = kSwatch + 4 + fm.horizontalAdvance(s.label) + 12;
    if (x + w > width() - kMargin && x > kMargin) {
      ++rows;
      x = kMargin;
    }
    x += w;
  }
  return rows * (fm.height() + 2);
}

QRectF RadarChart::plotRect() const {
  // Square at most, right under the title, so the legend stays next to the chart in a tall page.
  const QFontMetrics fm(font());
  const double top = fm.height() + 2 * kMargin;
  const double w = width() - 2 * kMargin;
  return QRectF(kMargin, top, w, qMin(w * 0.9, height() - top - legendHeight() - kMargin));
}

QPointF RadarChart::centre() const { return plotRect().center(); }

double RadarChart::radius() const {
  const QFontMetrics fm(font());
  int widest = 0;
  for (const QString& a : axes_) widest = qMax(widest, fm.horizontalAdvance(a));
  const QRectF plot = plotRect();
  // Axis titles sit outside the outer ring: leave their width at the sides, a line above and below.
  return qMax(10.0, qMin(plot.width() / 2 - widest - 6, plot.height() / 2 - fm.height() - 4));
}

QPointF RadarChart::at(int axis, double value) const {
  const double angle = -kPi / 2 + 2 * kPi * axis / qMax(1, int(axes_.size()));
  const double r = radius() * clamp01(value);
  return centre() + QPointF(r * std::cos(angle), r * std::sin(angle));
}

QPolygonF RadarChart::polygon(int index) const {
  QPolygonF points;
  if (index < 0 || index >= series_.size()) return points;
  for (int a = 0; a < axes_.size(); ++a) points << at(a, a < series_[index].values.size() ? series_[index].values[a] : NAN);
  return points;
}

void RadarChart::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing);
  const QFontMetrics fm(font());
  const QColor text = palette().color(QPalette::WindowText);
  const QColor grid = mutedTextColor(palette());

  QFont bold = font();
  bold.setBold(true);
  p.setFont(bold);
  p.setPen(text);
  p.drawText(QRectF(kMargin, kMargin, width() - 2 * kMargin, fm.height()), Qt::AlignHCenter | Qt::AlignVCenter, title_);
  p.setFont(font());
  if (axes_.size() < 3) {
    p.setPen(grid);
    p.drawText(plotRect(), Qt::AlignCenter | Qt::TextWordWrap, tr("A radar needs three subsets or more."));
    return;
  }

  // Rings at 0.25 … 1 and one spoke per axis, with the axis title beyond the outer ring.
  p.setPen(QPen(grid, 1, Qt::DotLine));
  p.setBrush(Qt::NoBrush);
  for (int ring = 1; ring <= 4; ++ring) {
    QPolygonF outline;
    for (int a = 0; a < axes_.size(); ++a) outline << at(a, ring / 4.0);
    p.drawPolygon(outline);
  }
  const QPointF c = centre();
  for (int a = 0; a < axes_.size(); ++a) {
    p.setPen(QPen(grid, 1));
    p.drawLine(c, at(a, 1));
    const QPointF tip = at(a, 1);
    const QString name = axes_[a];
    const double w = fm.horizontalAdvance(name);
    double x = tip.x() - w / 2;
    if (tip.x() > c.x() + 1) x = tip.x() + 4;
    else if (tip.x() < c.x() - 1) x = tip.x() - w - 4;
    double y = tip.y() - fm.height() / 2.0;
    if (tip.y() < c.y() - 1) y -= fm.height() / 2.0;
    else if (tip.y() > c.y() + 1) y += fm.height() / 2.0;
    p.setPen(text);
    p.drawText(QRectF(x, y, w + 1, fm.height()), Qt::AlignCenter, name);
  }
  p.setPen(grid);
  p.drawText(QPointF(c.x() + 3, at(0, 1).y() + fm.ascent()), QStringLiteral("1"));

  for (int s = 0; s < series_.size(); ++s) {
    QColor fill = series_[s].color;
    fill.setAlphaF(0.15f);
    p.setPen(QPen(series_[s].color, 2));
    p.setBrush(fill);
    const QPolygonF shape = polygon(s);
    p.drawPolygon(shape);
    p.setBrush(series_[s].color);
    for (const QPointF& v : shape) p.drawEllipse(v, 2.5, 2.5);
  }

  // Legend.
  int x = kMargin;
  double y = plotRect().bottom() + kMargin / 2.0;
  for (const RadarSeries& s : series_) {
    const int w = kSwatch + 4 + fm.horizontalAdvance(s.label) + 12;
    if (x + w > width() - kMargin && x > kMargin) {
      x = kMargin;
      y += fm.height() + 2;
    }
    p.setPen(Qt::NoPen);
    p.setBrush(s.color);
    p.drawRect(QRectF(x, y + (fm.height() - kSwatch) / 2.0, kSwatch, kSwatch));
    p.setPen(text);
    p.drawText(QPointF(x + kSwatch + 4, y + fm.ascent()), s.label);
    x += w;
  }
}

}  // namespace psr::ui
