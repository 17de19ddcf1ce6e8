#include "gallery_model.h"

#include <algorithm>
#include <exception>
#include <limits>

#include "curate/sample_query.h"

namespace psr::ui {
namespace {

// 32 pages of 128 cards: a few screens either side of any position, a few MB of text.
constexpr int kCachedPages = 32;

}  // namespace

GalleryModel::GalleryModel(QObject* parent) : QAbstractListModel(parent) { pages_.setMaxCost(kCachedPages); }

GalleryModel::~GalleryModel() = default;

void GalleryModel::setDatabase(psr::store::Database* db) {
  beginResetModel();
  db_ = db;
  ids_.clear();
  pages_.clear();
  endResetModel();
}

void GalleryModel::setFilter(const psr::curate::SampleFilter& filter) {
  // Query before resetting, so a failed query leaves the model as it was.
  std::vector<std::int64_t> ids;
  if (db_) ids = psr::curate::SampleQuery(*db_).fetchIds(filter, 0, std::numeric_limits<int>::max());
  beginResetModel();
  filter_ = filter;
  ids_ = std::move(ids);
  pages_.clear();
  endResetModel();
}

const GalleryModel::Page* GalleryModel::page(int index) const {
  if (const Page* hit = pages_.object(index)) return hit;
  if (!db_) return nullptr;
  // Exceptions stop here: data() runs inside paint events.
  try {
    const auto begin = ids_.begin() + std::ptrdiff_t(index) * kPageSize;
    const auto end = ids_.begin() + std::min<std::ptrdiff_t>(std::ptrdiff_t(ids_.size()), std::ptrdiff_t(index + 1) * kPageSize);
    const std::vector<std::int64_t> ids(begin, end);
    auto* fetched = new Page(psr::curate::SampleQuery(*db_).fetchCards(ids));
    pages_.insert(index, fetched);
    return fetched;
  } catch (const std::exception& e) {
    emit readFailed(QString::fromStdString(e.what()));
    return nullptr;
  }
}

const psr::curate::SampleCard* GalleryModel::cardAt(int row) const {
  if (row < 0 || row >= rowCount()) return nullptr;
  const Page* p = page(row / kPageSize);
  const std::size_t offset = std::size_t(row % kPageSize);
  // A page comes back short when samples were deleted since the ids were read.
  return p && offset < p->size() && (*p)[offset].id == ids_[std::size_t(row)] ? &(*p)[offset] : nullptr;
}

std::int64_t GalleryModel::idAt(int row) const {
  return row >= 0 && row < rowCount() ? ids_[std::size_t(row)] : 0;
}

int GalleryModel::rowOf(std::int64_t id) const {
  const auto it = std::find(ids_.begin(), ids_.end(), id);
  return it == ids_.end() ? -1 : int(it - ids_.begin());
}

void GalleryModel::updateReview(int row, const std::optional<psr::curate::Review>& review) {
  if (row < 0 || row >= rowCount()) return;
  Page* p = pages_.object(row / kPageSize);
  const std::size_t offset = std::size_t(row % kPageSize);
  if (!p || offset >= p->size() || (*p)[offset].id != ids_[std::size_t(row)]) return;
  (*p)[offset].review = review;
  const QModelIndex changed = index(row);
  emit dataChanged(changed, changed, {VerdictRole, ReasonRole});
}

int GalleryModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(ids_.size()); }

QVariant GalleryModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid()) return {};
  const auto* card = cardAt(index.row());
  if (!card) return {};
  switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole: return QString::fromStdString(card->instruction);
    case SampleIdRole: return qlonglong(card->id);
    case SubsetRole: return QString::fromStdString(card->subset);
    case SplitRole: return QString::fromStdString(card->split);
    case ConsistencyRole: return card->consistency ? QVariant(*card->consistency) : QVariant();
    case ReferenceCountRole: return int(card->references.size());
    case VerdictRole:
      return card->review ? QVariant(QString::fromLatin1(psr::curate::verdictName(card->review->verdict))) : QVariant();
    case ReasonRole: return card->review && card->review->reason ? QVariant(*card->review->reason) : QVariant();
    default: return {};
  }
}

}  // namespace psr::ui
