// Curation's core API: filtered counts and pages over samples, card data, reviews with undo.
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <functional>

#include "common/error.h"
#include "curate/review_store.h"
#include "curate/sample_query.h"
#include "curate_fixture.h"
#include "store/workspace.h"

using psr::curate::ReviewState;
using psr::curate::ReviewStore;
using psr::curate::SampleFilter;
using psr::curate::SampleQuery;
using psr::curate::SortKey;
using psr::curate::Verdict;
using psr::curate::fixture::fixtureSample;

namespace {

constexpr int kSamples = 60;

/// How many fixture samples satisfy `keep`.
std::int64_t expected(const std::function<bool(const psr::curate::fixture::FixtureSample&)>& keep) {
  std::int64_t n = 0;
  for (int i = 0; i < kSamples; ++i) n += keep(fixtureSample(i)) ? 1 : 0;
  return n;
}

bool hasCategory(const psr::curate::fixture::FixtureSample& s, const std::string& category) {
  return std::find(s.categories.begin(), s.categories.end(), category) != s.categories.end();
}

psr::ErrorCode errorOf(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const psr::Error& e) {
    return e.code();
  }
  return psr::ErrorCode::Generic;
}

}  // namespace

class TestCurate : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    workspace_ = psr::store::Workspace::create(dir_.filePath("ws").toStdString());
    const std::vector<std::string> blobs = {workspace_->putBlob("png-a", "image/png"),
                                            workspace_->putBlob("png-b", "image/png"),
                                            workspace_->putBlob("png-c", "image/png")};
    first_ = psr::curate::fixture::insertSamples(*workspace_, kSamples, blobs);
  }

  void init() { workspace_->db().exec("DELETE FROM reviews"); }

  void countsFollowTheFilter() {
    SampleQuery query(workspace_->db());
    QCOMPARE(query.count({}), std::int64_t(kSamples));

    SampleFilter f;
    f.subsets = {"three", "four"};
    QCOMPARE(query.count(f), expected([](auto& s) { return s.subset == "three" || s.subset == "four"; }));

    f = {};
    f.split = "heldout";
    QCOMPARE(query.count(f), expected([](auto& s) { return s.split == "heldout"; }));

    f = {};
    f.minConsistency = 0.25;
    f.maxConsistency = 0.5;
    QCOMPARE(query.count(f), expected([](auto& s) { return s.consistency >= 0.25 && s.consistency <= 0.5; }));

    f = {};
    f.text = "TEAPOT";  // categories and instructions match case-insensitively
    QCOMPARE(query.count(f), expected([](auto& s) { return hasCategory(s, "teapot"); }));
    f.text = "on the moon";
    QCOMPARE(query.count(f), expected([](auto& s) { return s.instruction.find("on the moon") != std::string::npos; }));
    f.text = "100%";  // LIKE wildcards in the search text are literal
    QCOMPARE(query.count(f), std::int64_t(0));

    f = {};
    f.subsets = {"attribute"};
    f.split = "train";
    f.text = "crab";
    QCOMPARE(query.count(f), expected([](auto& s) {
               return s.subset == "attribute" && s.split == "train" && hasCategory(s, "crab");
             }));
  }

  void reviewStateAndReasonFilter() {
    SampleQuery query(workspace_->db());
    ReviewStore reviews(workspace_->db());
    reviews.setReview(first_, Verdict::Accepted, std::nullopt, "me");
    reviews.setReview(first_ + 1, Verdict::Rejected, 3, "me");
    reviews.setReview(first_ + 2, Verdict::Rejected, 5, "me");
    SampleFilter f;
    f.review = ReviewState::Unreviewed;
    QCOMPARE(query.count(f), std::int64_t(kSamples - 3));
    f.review = ReviewState::Accepted;
    QCOMPARE(query.fetchIds(f, 0, 10), std::vector<std::int64_t>{first_});
    f.review = ReviewState::Rejected;
    QCOMPARE(query.count(f), std::int64_t(2));
    f.reason = 5;
    QCOMPARE(query.fetchIds(f, 0, 10), std::vector<std::int64_t>{first_ + 2});
  }

  void pagesFollowTheSortOrder() {
    SampleQuery query(workspace_->db());
    SampleFilter f;
    f.sort = SortKey::Consistency;
    const auto all = query.fetchIds(f, 0, kSamples);
    QCOMPARE(int(all.size()), kSamples);
    for (std::size_t i = 1; i < all.size(); ++i) {
      const double a = fixtureSample(int(all[i - 1] - first_)).consistency;
      const double b = fixtureSample(int(all[i] - first_)).consistency;
      QVERIFY(a < b || (a == b && all[i - 1] < all[i]));
    }
    // Pages glue together into the full order.
    std::vector<std::int64_t> paged;
    for (std::int64_t offset = 0; offset < kSamples; offset += 7) {
      const auto page = query.fetchIds(f, offset, 7);
      paged.insert(paged.end(), page.begin(), page.end());
    }
    QCOMPARE(paged, all);

    f.descending = true;
    const auto reversed = query.fetchIds(f, 0, kSamples);
    QCOMPARE(std::vector<std::int64_t>(reversed.rbegin(), reversed.rend()), all);

    f = {};
    f.sort = SortKey::Subset;
    const auto bySubset = query.fetchIds(f, 0, kSamples);
    QCOMPARE(fixtureSample(int(bySubset.front() - first_)).subset, std::string("action"));
    QCOMPARE(fixtureSample(int(bySubset.back() - first_)).subset, std::string("three"));
    QVERIFY(query.fetchIds({}, kSamples, 10).empty());
    QCOMPARE(errorOf([&] { query.fetchIds({}, -1, 10); }), psr::ErrorCode::InvalidArgument);
  }

  void cardsCarryTheTriplet() {
    SampleQuery query(workspace_->db());
    ReviewStore(workspace_->db()).setReview(first_ + 6, Verdict::Rejected, 2, "curator");
    // Sample 6 is subset "four"; ids come back in the order asked, unknown ids left out.
    const auto cards = query.fetchCards({first_ + 6, 999999, first_});
    QCOMPARE(int(cards.size()), 2);
    const auto& four = cards[0];
    const auto expect = fixtureSample(6);
    QCOMPARE(four.id, first_ + 6);
    QCOMPARE(four.subset, std::string("four"));
    QCOMPARE(four.instruction, expect.instruction);
    QCOMPARE(int(four.references.size()), 4);
    for (int k = 0; k < 4; ++k) {
      QCOMPARE(four.references[std::size_t(k)].slot, k + 1);
      QCOMPARE(four.references[std::size_t(k)].category, expect.categories[std::size_t(k)]);
      QCOMPARE(int(four.references[std::size_t(k)].blob.size()), 64);
    }
    QCOMPARE(four.subjects, 4);
    QVERIFY(four.consistency.has_value());
    QCOMPARE(*four.consistency, expect.consistency);
    QVERIFY(four.scene.find("box_px") != std::string::npos);
    QVERIFY(four.review.has_value());
    QCOMPARE(four.review->verdict, Verdict::Rejected);
    QCOMPARE(four.review->reason, std::optional<int>(2));
    QCOMPARE(four.review->reviewer, std::string("curator"));
    QVERIFY(!cards[1].review.has_value());
    QCOMPARE(int(cards[1].references.size()), 2);
    QVERIFY(query.fetchCards({}).empty());
    QCOMPARE(query.subsets().size(), std::size_t(7));
  }

  void reviewsReturnWhatTheyReplace() {
    ReviewStore reviews(workspace_->db());
    const auto id = first_ + 4;
    QVERIFY(!reviews.setReview(id, Verdict::Accepted, std::nullopt, "a").has_value());
    const auto accepted = reviews.review(id);
    QVERIFY(accepted && accepted->verdict == Verdict::Accepted && !accepted->reviewedAt.empty());

    const auto previous = reviews.setReview(id, Verdict::Rejected, 9, "b");
    QVERIFY(previous && previous->verdict == Verdict::Accepted && previous->reviewer == "a");
    QCOMPARE(reviews.review(id)->reason, std::optional<int>(9));

    // Undo puts back the accepted row exactly, time stamp included.
    reviews.restore(id, previous);
    const auto restored = reviews.review(id);
    QVERIFY(restored && restored->verdict == Verdict::Accepted && !restored->reason);
    QCOMPARE(restored->reviewedAt, accepted->reviewedAt);

    const auto cleared = reviews.clearReview(id);
    QVERIFY(cleared && cleared->verdict == Verdict::Accepted);
    QVERIFY(!reviews.review(id).has_value());
    reviews.restore(id, std::nullopt);
    QVERIFY(!reviews.review(id).has_value());
    QVERIFY(!reviews.clearReview(id).has_value());
  }

  void badReviewsAreRefused() {
    ReviewStore reviews(workspace_->db());
    QCOMPARE(errorOf([&] { reviews.setReview(first_, Verdict::Rejected, 0, ""); }), psr::ErrorCode::InvalidArgument);
    QCOMPARE(errorOf([&] { reviews.setReview(first_, Verdict::Rejected, 10, ""); }), psr::ErrorCode::InvalidArgument);
    QCOMPARE(errorOf([&] { reviews.setReview(first_, Verdict::Accepted, 1, ""); }), psr::ErrorCode::InvalidArgument);
    QCOMPARE(errorOf([&] { reviews.setReview(987654, Verdict::Accepted, std::nullopt, ""); }),
             psr::ErrorCode::NotFound);
    QCOMPARE(workspace_->db().queryInt("SELECT count(*) FROM reviews"), std::int64_t(0));
  }

 private:
  QTemporaryDir dir_;
  std::unique_ptr<psr::store::Workspace> workspace_;
  std::int64_t first_ = 0;
};

QTEST_GUILESS_MAIN(TestCurate)
#include "test_curate.moc"
