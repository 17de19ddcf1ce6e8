#include "bench_grid_model.h"

#include <QFont>

namespace psr::ui {

BenchGridModel::BenchGridModel(QObject* parent) : QAbstractTableModel(parent) {}

void BenchGridModel::setMeans(const BenchMeans& means) {
  beginResetModel();
  means_ = means;
  // Intervals of the same selection stay until the new ones land (a run adds a batch every few
  // seconds; badges should not blink); another selection's would be wrong.
  if (intervals_.labels != means_.labels || intervals_.suite != means_.suite) {
    intervals_ = {};
    hasIntervals_ = false;
  }
  endResetModel();
}

void BenchGridModel::setIntervals(const BenchIntervals& intervals) {
  if (intervals.labels != means_.labels || intervals.suite != means_.suite) return;
  intervals_ = intervals;
  hasIntervals_ = true;
  if (rowCount() > 0 && columnCount() > 0) emit dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
}

void BenchGridModel::setNoiseRule(NoiseRule rule) {
  if (rule == rule_) return;
  rule_ = rule;
  if (rowCount() > 0 && columnCount() > 0) emit dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1), {BadgeRole});
}

QString BenchGridModel::labelAt(int column) const {
  const int n = int(benchMetrics().size());
  return column >= 0 && column / n < means_.labels.size() ? means_.labels[column / n] : QString();
}

QString BenchGridModel::metricAt(int column) const {
  return column >= 0 ? benchMetrics()[column % benchMetrics().size()] : QString();
}

QString BenchGridModel::subsetAt(int row) const {
  if (row >= 0 && row < means_.subsets.size()) return means_.subsets[row];
  return row == means_.subsets.size() ? kBenchOverall : QString();
}

int BenchGridModel::columnOf(const QString& label, const QString& metric) const {
  const int l = int(means_.labels.indexOf(label));
  const int m = int(benchMetrics().indexOf(metric));
  return l < 0 || m < 0 ? -1 : l * int(benchMetrics().size()) + m;
}

int BenchGridModel::rowOf(const QString& subset) const {
  return subset == kBenchOverall ? int(means_.subsets.size()) : int(means_.subsets.indexOf(subset));
}

QString BenchGridModel::badgeText(NoiseBadge badge) {
  switch (badge) {
    case NoiseBadge::Best: return tr("best");
    case NoiseBadge::WithinNoise: return tr("within noise");
    case NoiseBadge::BeyondNoise: return tr("beyond noise");
    case NoiseBadge::None: break;
  }
  return {};
}

int BenchGridModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() || means_.subsets.isEmpty() ? 0 : int(means_.subsets.size()) + 1;
}

int BenchGridModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : int(means_.labels.size() * benchMetrics().size());
}

std::optional<double> BenchGridModel::meanAt(int row, int column) const {
  const QString subset = subsetAt(row);
  if (subset == kBenchOverall) return means_.overall(labelAt(column), metricAt(column));
  if (const auto c = means_.cell(labelAt(column), subset, metricAt(column))) return c->mean;
  return std::nullopt;
}

QString BenchGridModel::toolTip(int row, int column) const {
  const QString label = labelAt(column), subset = subsetAt(row), metric = metricAt(column);
  const QString where = QStringLiteral("%1 \u00b7 %2 \u00b7 %3")
                            .arg(label, subset == kBenchOverall ? tr("Overall") : benchSubsetTitle(subset),
                                 benchMetricLongTitle(metric));
  const auto mean = meanAt(row, column);
  if (!mean) return where + QLatin1Char('\n') + tr("no value yet");
  QString text = where + QLatin1Char('\n') + tr("mean %1").arg(*mean, 0, 'f', 3);
  if (!hasIntervals_) return text + QLatin1Char('\n') + tr("interval: computing\u2026");
  const auto mine = intervals_.interval(label, subset, metric);
  if (!mine) return text;
  text += QLatin1Char('\n') + tr("95 % interval [%1, %2] over %3 samples and their seed replicates (%4 values)")
                                  .arg(mine->lo, 0, 'f', 3)
                                  .arg(mine->hi, 0, 'f', 3)
                                  .arg(mine->samples)
                                  .arg(mine->values);
  // Every other model's difference, as the report lists them.
  for (const QString& other : means_.labels) {
    if (other == label) continue;
    const auto theirs = intervals_.interval(other, subset, metric);
    if (!theirs) continue;
    text += QLatin1Char('\n') + tr("vs %1: %2%3 (%4)")
                                    .arg(other)
                                    .arg(mine->mean >= theirs->mean ? QStringLiteral("+") : QString())
                                    .arg(mine->mean - theirs->mean, 0, 'f', 3)
                                    .arg(psr::bench::withinNoise(*mine, *theirs) ? tr("within noise") : tr("beyond noise"));
    // Paired over the items (and seeds) both scored: resolves steps the overlap rule cannot.
    if (const auto p = intervals_.pairedInterval(label, other, subset, metric)) {
      text += tr("; paired %1%2 [%3, %4], %5")
                  .arg(p->mean >= 0 ? QStringLiteral("+") : QString())
                  .arg(p->mean, 0, 'f', 3)
                  .arg(p->lo, 0, 'f', 3)
                  .arg(p->hi, 0, 'f', 3)
                  .arg(psr::bench::excludesZero(*p) ? tr("excludes 0") : tr("includes 0"));
    }
    // Items sharing a subject category may be correlated: the report's `paired_by_category`.
    if (const auto c = intervals_.pairedCategoryInterval(label, other, subset, metric)) {
      if (c->valid)
        text += tr("; by category [%1, %2], %3")
                    .arg(c->lo, 0, 'f', 3)
                    .arg(c->hi, 0, 'f', 3)
                    .arg(c->lo > 0 || c->hi < 0 ? tr("excludes 0") : tr("includes 0"));
      else
        text += tr("; by category: not estimable");
    }
  }
  return text;
}

QVariant BenchGridModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid()) return {};
  const int row = index.row(), column = index.column();
  switch (role) {
    case Qt::DisplayRole: {
      const auto mean = meanAt(row, column);
      return mean ? QVariant(QString::number(*mean, 'f', 3)) : QVariant(QStringLiteral("\u2013"));
    }
    case Qt::TextAlignmentRole: return int(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::ToolTipRole: return toolTip(row, column);
    case Qt::FontRole: {
      if (subsetAt(row) != kBenchOverall) return {};
      QFont font;
      font.setBold(true);
      return font;
    }
    case MeanRole: {
      const auto mean = meanAt(row, column);
      return mean ? QVariant(*mean) : QVariant();
    }
    case LowRole:
    case HighRole: {
      const auto i = hasIntervals_ ? intervals_.interval(labelAt(column), subsetAt(row), metricAt(column)) : std::nullopt;
      if (!i) return {};
      return role == LowRole ? i->lo : i->hi;
    }
    case BadgeRole:
      return int(hasIntervals_ ? noiseBadge(intervals_, means_.labels, labelAt(column), subsetAt(row), metricAt(column), rule_)
                               : NoiseBadge::None);
    case LabelRole: return labelAt(column);
    case SubsetRole: return subsetAt(row);
    case MetricRole: return metricAt(column);
    default: return {};
  }
}

QVariant BenchGridModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation == Qt::Vertical) {
    if (role != Qt::DisplayRole) return {};
    const QString subset = subsetAt(section);
    return subset == kBenchOverall ? tr("Overall") : benchSubsetTitle(subset);
  }
  if (role == Qt::DisplayRole) return labelAt(section) + QLatin1Char('\n') + benchMetricTitle(metricAt(section));
  if (role == Qt::ToolTipRole) return labelAt(section) + QStringLiteral(" \u00b7 ") + benchMetricLongTitle(metricAt(section));
  return {};
}

}  // namespace psr::ui
