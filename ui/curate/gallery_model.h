#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include <QAbstractListModel>
#include <QCache>

#include "curate/sample_card.h"
#include "curate/sample_filter.h"

namespace psr::store {
class Database;
}

namespace psr::ui {

/** The Curate gallery's rows: reads the filter's ordered sample ids once (8 bytes a row), and
 *  card data a page at a time as views ask for rows; recently used pages stay in an LRU cache.
 *  Holding the ids makes any scroll position one indexed card query, where OFFSET paging
 *  walked the whole table (40 ms for the last page at 100k samples). */
class GalleryModel : public QAbstractListModel {
  Q_OBJECT

 public:
  enum Role {
    SampleIdRole = Qt::UserRole + 1,
    SubsetRole,
    SplitRole,
    ConsistencyRole,
    ReferenceCountRole,
    VerdictRole,  ///< "accepted", "rejected" or an invalid QVariant
    ReasonRole,
  };

  static constexpr int kPageSize = 128;

  explicit GalleryModel(QObject* parent = nullptr);
  ~GalleryModel() override;

  /// Reads `db` from now on (nullptr: no rows); resets the model.
  void setDatabase(psr::store::Database* db);
  /// Reads the ids under `filter` and drops cached pages; throws psr::Error from the query.
  void setFilter(const psr::curate::SampleFilter& filter);
  const psr::curate::SampleFilter& filter() const { return filter_; }
  /// Re-reads the current filter (new samples from another process, say).
  void reload() { setFilter(filter_); }

  /// The card at `row`, fetched with its page when needed; nullptr when the read failed.
  /// Valid until the next call that may fetch (another cardAt, a reload).
  const psr::curate::SampleCard* cardAt(int row) const;
  std::int64_t idAt(int row) const;
  /// The row of sample `id` under the current filter, or -1.
  int rowOf(std::int64_t id) const;
  /// Puts `review` into the cached card of `row` (after the store wrote it) and repaints it.
  void updateReview(int row, const std::optional<psr::curate::Review>& review);

  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

 signals:
  /// A page could not be read; the panel shows `message`.
  void readFailed(const QString& message) const;

 private:
  using Page = std::vector<psr::curate::SampleCard>;
  const Page* page(int index) const;

  psr::store::Database* db_ = nullptr;
  psr::curate::SampleFilter filter_;
  std::vector<std::int64_t> ids_;
  mutable QCache<int, Page> pages_;
};

}  // namespace psr::ui
