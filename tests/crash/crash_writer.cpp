// Test helper of test_crash: writes to a workspace forever, printing what it did after each
// write returned (so the test knows what was committed), until test_crash kills it.
//   crash_writer review WORKSPACE SEED     random review edits (verdicts, reasons, clears)
//   crash_writer metrics WORKSPACE JOB STEP  training-style metrics, one transaction per step
#include <cstdio>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "curate/review_store.h"
#include "store/workspace.h"

namespace {

constexpr int kMetricsPerStep = 8;

int review(const std::string& dir, unsigned seed) {
  auto ws = psr::store::Workspace::open(dir);
  std::vector<std::int64_t> ids;
  for (auto st = ws->db().prepare("SELECT id FROM samples ORDER BY id"); st.step();) ids.push_back(st.columnInt(0));
  if (ids.empty()) {
    std::cerr << "crash_writer: no samples to review\n";
    return 1;
  }
  psr::curate::ReviewStore store(ws->db());
  std::mt19937 rng(seed);
  for (;;) {
    const std::int64_t id = ids[rng() % ids.size()];
    const unsigned op = rng() % 3;
    std::printf("intent %lld\n", (long long)id);
    std::fflush(stdout);
    std::string state;
    if (op == 0) {
      store.setReview(id, psr::curate::Verdict::Accepted, std::nullopt, "crash-test");
      state = "accepted";
    } else if (op == 1) {
      const int reason = 1 + int(rng() % 9);
      store.setReview(id, psr::curate::Verdict::Rejected, reason, "crash-test");
      state = "rejected:" + std::to_string(reason);
    } else {
      store.clearReview(id);
      state = "none";
    }
    std::printf("done %lld %s\n", (long long)id, state.c_str());
    std::fflush(stdout);
  }
}

int metrics(const std::string& dir, std::int64_t job, std::int64_t step) {
  auto ws = psr::store::Workspace::open(dir);
  auto& db = ws->db();
  for (;; ++step) {
    psr::store::Transaction tx(db);
    auto insert = db.prepare("INSERT INTO metrics(job_id, step, name, value) VALUES (?, ?, ?, ?)");
    for (int k = 0; k < kMetricsPerStep; ++k) {
      insert.bind(1, job).bind(2, step).bind(3, "m" + std::to_string(k)).bind(4, double(step) * 10 + k).run();
      insert.reset();
    }
    tx.commit();
    std::printf("%lld\n", (long long)step);
    std::fflush(stdout);
  }
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() == 3 && args[0] == "review") return review(args[1], unsigned(std::stoul(args[2])));
    if (args.size() == 4 && args[0] == "metrics") return metrics(args[1], std::stoll(args[2]), std::stoll(args[3]));
    std::cerr << "usage: crash_writer review WORKSPACE SEED | metrics WORKSPACE JOB STEP\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "crash_writer: " << e.what() << "\n";
    return 1;
  }
}
