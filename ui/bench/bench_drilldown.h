#pragma once
#include <functional>

#include <QHash>
#include <QMultiHash>
#include <QWidget>

#include "bench_samples.h"

class QComboBox;
class QLabel;
class QTableWidget;
class QHBoxLayout;

namespace psr::store {
class BlobStore;
class Database;
}  // namespace psr::store

namespace psr::ui {

class BenchBoxScorer;
class BenchImageLoader;
class BenchSampleColumn;
class ScoreImageView;

/** What a Bench table cell is made of: the subset's samples, ranked by the clicked model's value
 *  (lowest first), and for the chosen sample its references, the oracle render, and every shown
 *  model's output side by side with boxes, per-subject consistency and the stored values. */
class BenchDrilldown : public QWidget {
  Q_OBJECT

 public:
  explicit BenchDrilldown(QWidget* parent = nullptr);

  void setCliPath(const QString& path);
  void setBlobStore(const psr::store::BlobStore& blobs);

  /// Shows the samples of `subset` in `suites` (pooled when several) for `labels`, ranked by
  /// `label`'s `metric`.
  void open(psr::store::Database& db, const QStringList& suites, const QString& subset, const QString& metric,
            const QString& label, const QStringList& labels);
  /// Re-reads the open selection (a run stored more), keeping the shown sample and seed.
  void reload(psr::store::Database& db);
  /// Shows the sample with this key (BenchSample::key: its id unless suites are pooled); false
  /// when it is not listed.
  bool showSample(qint64 key);
  void setSeed(int seed);

  QStringList suites() const { return suites_; }
  QString subset() const { return subset_; }
  QString metric() const { return metric_; }
  QString rankedBy() const { return label_; }
  QStringList labels() const { return labels_; }
  qint64 shownSample() const { return shown_; }
  int seed() const { return seed_; }
  /// Sample keys in the order listed.
  QList<qint64> sampleIds() const;
  const QList<BenchSample>& samples() const { return samples_; }
  QString title() const;
  QTableWidget* sampleTable() const { return table_; }
  QComboBox* seedBox() const { return seedBox_; }
  BenchSampleColumn* column(const QString& label) const { return columns_.value(label); }
  QList<ScoreImageView*> referenceViews() const { return references_; }
  ScoreImageView* oracleView() const { return oracle_; }
  BenchBoxScorer* scorer() const { return scorer_; }

 signals:
  void sampleShown(qint64 key);
  void closeRequested();

 private:
  /// Reads the open selection and shows `sample` (the first listed when absent) at `seed`.
  void populate(psr::store::Database& db, qint64 sample, int seed);
  void fillTable();
  void rebuildStrip();
  void requestScores(const BenchSample& sample);
  void showScore(const QString& key);
  void whenImage(const QString& sha, const std::function<void(const QImage&)>& apply);
  QString scoreKey(const QString& label, qint64 sample) const;
  const BenchSample* sample(qint64 key) const;
  /// "12", or "second · 12" when suites are pooled.
  QString sampleName(const BenchSample& sample) const;

  QStringList suites_;
  QString subset_, metric_, label_;
  QStringList labels_;
  QList<BenchSample> samples_;
  qint64 shown_ = -1;
  int seed_ = 0;
  BenchImageLoader* loader_;
  BenchBoxScorer* scorer_;
  QLabel* title_;
  QComboBox* seedBox_;
  QTableWidget* table_;
  QLabel* instruction_;
  QWidget* strip_;
  QHBoxLayout* stripLayout_;
  QHash<QString, BenchSampleColumn*> columns_;
  QList<ScoreImageView*> references_;
  ScoreImageView* oracle_ = nullptr;
  QMultiHash<QString, std::function<void(const QImage&)>> waiting_;  // blob -> views waiting for it
};

}  // namespace psr::ui
