#pragma once
#include <QAbstractTableModel>

#include "bench_data.h"
#include "bench_intervals.h"

namespace psr::ui {

/** The Bench table: one row per subset plus "Overall", one column group per model with a column
 *  per metric. Cells hold the mean (all seeds); once the bootstrap lands they also carry the 95 %
 *  interval and a badge saying whether the model is the best, within noise of it or beyond. */
class BenchGridModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Role {
    MeanRole = Qt::UserRole + 1,  ///< double; invalid when the model has no value there
    LowRole,                      ///< double, interval bounds once known
    HighRole,
    BadgeRole,                    ///< int(NoiseBadge)
    LabelRole,
    SubsetRole,                   ///< a subset or kBenchOverall
    MetricRole,
  };

  explicit BenchGridModel(QObject* parent = nullptr);

  /// New means (resets the model); intervals of other labels or suites are dropped.
  void setMeans(const BenchMeans& means);
  /// Intervals for the shown labels (ignored when they belong to another selection).
  void setIntervals(const BenchIntervals& intervals);
  /// Which paired interval decides the badges (BadgeRole); the item bootstrap's by default.
  void setNoiseRule(NoiseRule rule);
  NoiseRule noiseRule() const { return rule_; }

  const BenchMeans& means() const { return means_; }
  bool hasIntervals() const { return hasIntervals_; }
  const BenchIntervals& intervals() const { return intervals_; }
  QString labelAt(int column) const;
  QString metricAt(int column) const;
  QString subsetAt(int row) const;
  int columnOf(const QString& label, const QString& metric) const;
  int rowOf(const QString& subset) const;
  /// The badge word shown in a cell ("best", "within noise", "beyond noise"; "" for none).
  static QString badgeText(NoiseBadge badge);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  std::optional<double> meanAt(int row, int column) const;
  QString toolTip(int row, int column) const;

  BenchMeans means_;
  BenchIntervals intervals_;
  bool hasIntervals_ = false;
  NoiseRule rule_ = NoiseRule::Items;
};

}  // namespace psr::ui
