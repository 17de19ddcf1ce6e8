#include "bench_bar_view.h"

#include <cmath>

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>

#include "theme.h"

namespace psr::ui {
namespace {

constexpr int kMargin = 6;
constexpr double kBarShare = 0.7;  // of a group's width; the rest separates groups

}  // namespace

BenchBarView::BenchBarView(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("benchBars"));
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
  setMouseTracking(true);
}

void BenchBarView::setTitle(const QString& title) {
  title_ = title;
  update();
}

void BenchBarView::setData(const QStringList& groups, const QList<RadarSeries>& series) {
  groups_ = groups;
  series_ = series;
  update();
}

std::optional<BarSpread> BenchBarView::spread(int index) const {
  BarSpread s;
  double sum = 0;
  for (const RadarSeries& m : series_) {
    if (index < 0 || index >= m.values.size() || !std::isfinite(m.values[index])) continue;
    const double v = m.values[index];
    s.min = s.models ? qMin(s.min, v) : v;
    s.max = s.models ? qMax(s.max, v) : v;
    sum += v;
    ++s.models;
  }
  if (s.models == 0) return std::nullopt;
  s.mean = sum / s.models;
  return s;
}

QRectF BenchBarView::plotRect() const {
  const QFontMetrics fm(font());
  const double left = fm.horizontalAdvance(QStringLiteral("0.00")) + 2 * kMargin;
  const double top = fm.height() * 2 + 3 * kMargin;  // title line and legend line
  return QRectF(left, top, width() - left - kMargin, height() - top - fm.height() - 2 * kMargin);
}

QRectF BenchBarView::groupRect(int group) const {
  const QRectF plot = plotRect();
  const double w = plot.width() / qMax(1, int(groups_.size()));
  return QRectF(plot.left() + group * w, plot.top(), w, plot.height());
}

double BenchBarView::yOf(double value) const {
  const QRectF plot = plotRect();
  return plot.bottom() - qBound(0.0, value, 1.0) * plot.height();
}

QRectF BenchBarView::barRect(int group, int series) const {
  if (series < 0 || series >= series_.size() || group < 0 || group >= series_[series].values.size()) return {};
  const double v = series_[series].values[group];
  if (!std::isfinite(v)) return {};
  const QRectF g = groupRect(group);
  const double barWidth = g.width() * kBarShare / qMax(1, int(series_.size()));
  const double left = g.left() + g.width() * (1 - kBarShare) / 2 + series * barWidth;
  return QRectF(QPointF(left, yOf(v)), QPointF(left + barWidth, g.bottom()));
}

void BenchBarView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  const QFontMetrics fm(font());
  const QColor text = palette().color(QPalette::WindowText);
  const QColor muted = mutedTextColor(palette());
  const QRectF plot = plotRect();

  QFont bold = font();
  bold.setBold(true);
  p.setFont(bold);
  p.setPen(text);
  p.drawText(QRectF(kMargin, kMargin, width() - 2 * kMargin, fm.height()), Qt::AlignLeft | Qt::AlignVCenter, title_);
  p.setFont(font());

  // Legend on the second line.
  double x = kMargin;
  const double legendY = kMargin * 2 + fm.height();
  for (const RadarSeries& s : series_) {
    p.fillRect(QRectF(x, legendY + (fm.height() - 10) / 2.0, 10, 10), s.color);
    p.setPen(text);
    p.drawText(QPointF(x + 14, legendY + fm.ascent()), s.label);
    x += 14 + fm.horizontalAdvance(s.label) + 12;
  }
  const QString key = tr("band: min \u2013 max over models \u00b7 line: mean");
  p.setPen(muted);
  p.drawText(QPointF(qMax(x, width() - kMargin - double(fm.horizontalAdvance(key))), legendY + fm.ascent()), key);

  // Value axis 0 … 1.
  for (int tick = 0; tick <= 4; ++tick) {
    const double y = yOf(tick / 4.0);
    p.setPen(QPen(muted, 1, tick == 0 ? Qt::SolidLine : Qt::DotLine));
    p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y));
    p.setPen(muted);
    p.drawText(QRectF(0, y - fm.height() / 2.0, plot.left() - kMargin, fm.height()), Qt::AlignRight | Qt::AlignVCenter,
               QString::number(tick / 4.0, 'f', 2));
  }

  for (int g = 0; g < groups_.size(); ++g) {
    const QRectF group = groupRect(g);
    const double inset = group.width() * (1 - kBarShare) / 4;
    if (const auto s = spread(g)) {
      QColor band = muted;
      band.setAlphaF(0.18f);
      p.fillRect(QRectF(QPointF(group.left() + inset, yOf(s->max)), QPointF(group.right() - inset, yOf(s->min))), band);
    }
    for (int m = 0; m < series_.size(); ++m) {
      const QRectF bar = barRect(g, m);
      if (!bar.isNull()) p.fillRect(bar, series_[m].color);
    }
    if (const auto s = spread(g)) {
      p.setPen(QPen(text, 2, Qt::DashLine));
      p.drawLine(QPointF(group.left() + inset, yOf(s->mean)), QPointF(group.right() - inset, yOf(s->mean)));
    }
    p.setPen(text);
    p.drawText(QRectF(group.left(), plot.bottom() + kMargin / 2.0, group.width(), fm.height()), Qt::AlignCenter,
               fm.elidedText(groups_[g], Qt::ElideRight, int(group.width())));
  }
}

bool BenchBarView::event(QEvent* event) {
  if (event->type() == QEvent::ToolTip) {
    const auto* help = static_cast<QHelpEvent*>(event);
    for (int g = 0; g < groups_.size(); ++g) {
      if (!groupRect(g).adjusted(0, 0, 0, fontMetrics().height() + kMargin).contains(help->pos())) continue;
      QString tip = groups_[g];
      if (const auto s = spread(g)) {
        tip += QLatin1Char('\n') + tr("min %1 \u00b7 max %2 \u00b7 mean %3 over %4 models")
                                       .arg(s->min, 0, 'f', 3)
                                       .arg(s->max, 0, 'f', 3)
                                       .arg(s->mean, 0, 'f', 3)
                                       .arg(s->models);
      }
      for (const RadarSeries& m : series_) {
        if (g < m.values.size() && std::isfinite(m.values[g])) tip += QStringLiteral("\n%1: %2").arg(m.label).arg(m.values[g], 0, 'f', 3);
      }
      QToolTip::showText(help->globalPos(), tip, this);
      return true;
    }
    QToolTip::hideText();
    return true;
  }
  return QWidget::event(event);
}

}  // namespace psr::ui
