#pragma once
#include <optional>

#include <QHash>
#include <QList>
#include <QMap>
#include <QStringList>

namespace psr::store {
class Database;
}

namespace psr::ui {

/// What one model produced for one sample and seed replicate.
struct BenchSampleOutput {
  QString imageBlob;              ///< "" when the run stored no image
  QString error;                  ///< why the sample could not be scored ("" = scored)
  QHash<QString, double> values;  ///< metric -> value

  bool operator==(const BenchSampleOutput& o) const {
    return imageBlob == o.imageBlob && error == o.error && values == o.values;
  }
  bool operator!=(const BenchSampleOutput& o) const { return !(*this == o); }
};

/** One benchmark item with every shown model's outputs: what the drill-down lays side by side. */
struct BenchSample {
  qint64 id = 0;       ///< sample id inside its suite
  QString suite;       ///< the suite it belongs to
  qint64 key = 0;      ///< the drill-down's handle: id, or k * bench::kSuiteStride + id when k suites are pooled
  QString subset;
  QString instruction;
  QStringList categories;      ///< prompt noun per subject, in reference order
  QStringList referenceBlobs;  ///< one per subject
  QString oracleBlob;          ///< the world's render of the scene ("" for imported items)
  QHash<QString, QMap<int, BenchSampleOutput>> outputs;  ///< label -> seed -> output

  /// The label's mean of `metric` over its seed replicates; nullopt when it has none.
  std::optional<double> mean(const QString& label, const QString& metric) const;
  /// Seed replicates stored for any label, ascending.
  QList<int> seeds() const;
};

/// The items of `subset` in `suites` (by key: suite order, then sample id) with the outputs and
/// values of `labels`; several suites are pooled as the report pools them (keys as
/// bench::loadPooledLabelValues'). Samples with values but no stored item (older rows) are listed
/// with what is known.
QList<BenchSample> readBenchSamples(psr::store::Database& db, const QStringList& suites, const QString& subset,
                                    const QStringList& labels);

}  // namespace psr::ui
