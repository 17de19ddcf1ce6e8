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

  /// Shows the samples of `subset` in `suite` for `labels`, ranked by `label`'s `metric`.
  void open(psr::store::Database& db, const QString& suite, const QString& subset, const QString& metric,
            const QString& label, const QStringList& labels);
  /// Re-reads the open selection (a run stored more), keeping the shown sample and seed.
  void reload(psr::store::Database& db);
  /// Shows sample `id` of the open subset; false when it is not listed.
  bool showSample(qint64 id);
  void setSeed(int seed);

  QString suite() const { return suite_; }
  QString subset() const { return subset_; }
  QString metric() const { return metric_; }
  QString rankedBy() const { return label_; }
  QStringList labels() const { return labels_; }
  qint64 shownSample() const { return shown_; }
  int seed() const { return seed_; }
  /// Sample ids in the order listed.
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
  void sampleShown(qint64 id);
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
  const BenchSample* sample(qint64 id) const;

  QString suite_, subset_, metric_, label_;
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
