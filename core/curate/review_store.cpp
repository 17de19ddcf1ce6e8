#include "curate/review_store.h"

#include "common/error.h"
#include "curate/reject_reason.h"
#include "store/database.h"

namespace psr::curate {

std::optional<Review> ReviewStore::review(std::int64_t sampleId) {
  auto st = db_.prepare("SELECT verdict, reason, reviewer, reviewed_at FROM reviews WHERE sample_id = ?");
  st.bind(1, sampleId);
  if (!st.step()) return std::nullopt;
  Review out;
  out.verdict = st.columnText(0) == "accepted" ? Verdict::Accepted : Verdict::Rejected;
  if (!st.columnIsNull(1)) out.reason = int(st.columnInt(1));
  out.reviewer = st.columnText(2);
  out.reviewedAt = st.columnText(3);
  return out;
}

std::optional<Review> ReviewStore::setReview(std::int64_t sampleId, Verdict verdict, std::optional<int> reason,
                                             const std::string& reviewer) {
  if (reason && (*reason < 1 || *reason > kRejectReasonCount)) {
    throw Error("review of sample " + std::to_string(sampleId) + ": reason must be 1.." +
                    std::to_string(kRejectReasonCount) + ", got " + std::to_string(*reason),
                ErrorCode::InvalidArgument);
  }
  if (reason && verdict != Verdict::Rejected) {
    throw Error("review of sample " + std::to_string(sampleId) + ": a reason goes with a rejection only",
                ErrorCode::InvalidArgument);
  }
  // Read and write in one transaction so the returned state is exactly what was replaced.
  store::Transaction tx(db_);
  {
    auto exists = db_.prepare("SELECT 1 FROM samples WHERE id = ?");
    exists.bind(1, sampleId);
    if (!exists.step()) throw Error("no sample with id " + std::to_string(sampleId), ErrorCode::NotFound);
  }
  std::optional<Review> previous = review(sampleId);
  Review next;
  next.verdict = verdict;
  next.reason = reason;
  next.reviewer = reviewer;
  write(sampleId, next, false);
  tx.commit();
  return previous;
}

std::optional<Review> ReviewStore::clearReview(std::int64_t sampleId) {
  store::Transaction tx(db_);
  std::optional<Review> previous = review(sampleId);
  db_.prepare("DELETE FROM reviews WHERE sample_id = ?").bind(1, sampleId).run();
  tx.commit();
  return previous;
}

void ReviewStore::restore(std::int64_t sampleId, const std::optional<Review>& previous) {
  if (!previous) {
    db_.prepare("DELETE FROM reviews WHERE sample_id = ?").bind(1, sampleId).run();
    return;
  }
  write(sampleId, *previous, true);
}

void ReviewStore::write(std::int64_t sampleId, const Review& review, bool keepTime) {
  // keepTime restores the original time stamp; a new verdict lets the column default stamp it.
  auto st = db_.prepare(keepTime ? "INSERT OR REPLACE INTO reviews(sample_id, verdict, reason, reviewer, reviewed_at) "
                                   "VALUES (?, ?, ?, ?, ?)"
                                 : "INSERT OR REPLACE INTO reviews(sample_id, verdict, reason, reviewer) "
                                   "VALUES (?, ?, ?, ?)");
  st.bind(1, sampleId).bind(2, std::string_view(verdictName(review.verdict)));
  if (review.reason) st.bind(3, std::int64_t(*review.reason));
  else st.bindNull(3);
  st.bind(4, std::string_view(review.reviewer));
  if (keepTime) st.bind(5, std::string_view(review.reviewedAt));
  st.run();
}

}  // namespace psr::curate
