#include "curate/sample_query.h"

#include <algorithm>
#include <unordered_map>
#include <variant>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "store/database.h"

namespace psr::curate {
namespace {

using Value = std::variant<std::int64_t, double, std::string>;

/// A WHERE clause with its values, bound in order.
struct Where {
  std::string sql;
  std::vector<Value> values;

  void add(const std::string& clause) { sql += (sql.empty() ? " WHERE " : " AND ") + clause; }
};

std::string likePattern(const std::string& text) {
  std::string out = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

Where whereOf(const SampleFilter& f) {
  Where w;
  if (!f.subsets.empty()) {
    std::string list;
    for (const auto& subset : f.subsets) {
      list += list.empty() ? "?" : ", ?";
      w.values.emplace_back(subset);
    }
    w.add("s.subset IN (" + list + ")");
  }
  if (!f.split.empty()) {
    w.add("s.split = ?");
    w.values.emplace_back(f.split);
  }
  if (f.minConsistency) {
    w.add("s.consistency >= ?");
    w.values.emplace_back(*f.minConsistency);
  }
  if (f.maxConsistency) {
    w.add("s.consistency <= ?");
    w.values.emplace_back(*f.maxConsistency);
  }
  // EXISTS on the reviews primary key instead of a join keeps the samples scan in index order.
  switch (f.review) {
    case ReviewState::Any: break;
    case ReviewState::Unreviewed: w.add("NOT EXISTS (SELECT 1 FROM reviews r WHERE r.sample_id = s.id)"); break;
    case ReviewState::Accepted:
      w.add("EXISTS (SELECT 1 FROM reviews r WHERE r.sample_id = s.id AND r.verdict = 'accepted')");
      break;
    case ReviewState::Rejected:
      w.add("EXISTS (SELECT 1 FROM reviews r WHERE r.sample_id = s.id AND r.verdict = 'rejected')");
      break;
  }
  if (f.reason) {
    w.add("EXISTS (SELECT 1 FROM reviews r WHERE r.sample_id = s.id AND r.verdict = 'rejected' AND r.reason = ?)");
    w.values.emplace_back(std::int64_t(*f.reason));
  }
  if (!f.text.empty()) {
    w.add("(s.instruction LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM sample_references c "
          "WHERE c.sample_id = s.id AND c.category LIKE ? ESCAPE '\\'))");
    w.values.emplace_back(likePattern(f.text));
    w.values.emplace_back(likePattern(f.text));
  }
  return w;
}

void bindWhere(psr::store::Statement& st, const Where& w) {
  int index = 1;
  for (const auto& v : w.values) {
    if (const auto* i = std::get_if<std::int64_t>(&v)) st.bind(index++, *i);
    else if (const auto* d = std::get_if<double>(&v)) st.bind(index++, *d);
    else st.bind(index++, std::string_view(std::get<std::string>(v)));
  }
}

std::string orderBy(const SampleFilter& f) {
  const char* dir = f.descending ? " DESC" : " ASC";
  switch (f.sort) {
    case SortKey::Consistency: return std::string(" ORDER BY s.consistency") + dir + ", s.id" + dir;
    case SortKey::Subset: return std::string(" ORDER BY s.subset") + dir + ", s.id" + dir;
    case SortKey::Id: break;
  }
  return std::string(" ORDER BY s.id") + dir;
}

std::string idsJson(const std::vector<std::int64_t>& ids) { return nlohmann::json(ids).dump(); }

}  // namespace

std::int64_t SampleQuery::count(const SampleFilter& filter) {
  const Where w = whereOf(filter);
  auto st = db_.prepare("SELECT count(*) FROM samples s" + w.sql);
  bindWhere(st, w);
  st.step();
  return st.columnInt(0);
}

std::vector<std::int64_t> SampleQuery::fetchIds(const SampleFilter& filter, std::int64_t offset, std::int64_t limit) {
  if (offset < 0 || limit < 0) throw Error("sample page: offset and limit must not be negative", ErrorCode::InvalidArgument);
  const Where w = whereOf(filter);
  auto st = db_.prepare("SELECT s.id FROM samples s" + w.sql + orderBy(filter) +
                        " LIMIT " + std::to_string(limit) + " OFFSET " + std::to_string(offset));
  bindWhere(st, w);
  std::vector<std::int64_t> ids;
  ids.reserve(std::size_t(std::min<std::int64_t>(limit, 4096)));
  while (st.step()) ids.push_back(st.columnInt(0));
  return ids;
}

std::vector<SampleCard> SampleQuery::fetchCards(const std::vector<std::int64_t>& ids) {
  if (ids.empty()) return {};
  const std::string list = idsJson(ids);
  std::unordered_map<std::int64_t, SampleCard> byId;
  auto samples = db_.prepare(
      "SELECT s.id, s.subset, s.split, s.instruction, s.consistency, s.n_subjects, s.target_blob, s.scene, "
      "s.scores, s.provenance, s.created_at, s.synth_run_id, r.verdict, r.reason, r.reviewer, r.reviewed_at "
      "FROM samples s LEFT JOIN reviews r ON r.sample_id = s.id "
      "WHERE s.id IN (SELECT value FROM json_each(?))");
  samples.bind(1, std::string_view(list));
  while (samples.step()) {
    SampleCard card;
    card.id = samples.columnInt(0);
    card.subset = samples.columnText(1);
    card.split = samples.columnText(2);
    card.instruction = samples.columnText(3);
    if (!samples.columnIsNull(4)) card.consistency = samples.columnDouble(4);
    card.subjects = int(samples.columnInt(5));
    card.targetBlob = samples.columnText(6);
    card.scene = samples.columnText(7);
    card.scores = samples.columnText(8);
    card.provenance = samples.columnText(9);
    card.createdAt = samples.columnText(10);
    if (!samples.columnIsNull(11)) card.synthRun = samples.columnInt(11);
    if (!samples.columnIsNull(12)) {
      Review review;
      review.verdict = samples.columnText(12) == "accepted" ? Verdict::Accepted : Verdict::Rejected;
      if (!samples.columnIsNull(13)) review.reason = int(samples.columnInt(13));
      review.reviewer = samples.columnText(14);
      review.reviewedAt = samples.columnText(15);
      card.review = std::move(review);
    }
    byId.emplace(card.id, std::move(card));
  }
  auto refs = db_.prepare(
      "SELECT sample_id, slot, blob, category, scene FROM sample_references "
      "WHERE sample_id IN (SELECT value FROM json_each(?)) ORDER BY sample_id, slot");
  refs.bind(1, std::string_view(list));
  while (refs.step()) {
    auto it = byId.find(refs.columnInt(0));
    if (it == byId.end()) continue;
    it->second.references.push_back(
        {int(refs.columnInt(1)), refs.columnText(2), refs.columnText(3), refs.columnText(4)});
  }
  std::vector<SampleCard> out;
  out.reserve(byId.size());
  for (std::int64_t id : ids) {
    auto it = byId.find(id);
    if (it != byId.end()) out.push_back(std::move(it->second));
  }
  return out;
}

std::vector<std::string> SampleQuery::subsets() {
  std::vector<std::string> out;
  auto st = db_.prepare("SELECT DISTINCT subset FROM samples ORDER BY subset");
  while (st.step()) out.push_back(st.columnText(0));
  return out;
}

std::string SampleQuery::samplesFingerprint() {
  auto st = db_.prepare("SELECT count(*), coalesce(max(id), 0) FROM samples");
  st.step();
  return std::to_string(st.columnInt(0)) + ":" + std::to_string(st.columnInt(1));
}

}  // namespace psr::curate
