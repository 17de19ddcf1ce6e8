// Times the Bench panel's query (per label x subset x metric means, bench::panelMeans) on a
// temporary workspace holding `models` labels x 350 samples x 3 metrics (default 100 models, one
// seed each; the target is <= 50 ms). Also prints the query plan and, for comparison, the
// time of the same grouping computed from every stored value (bench_results).
//   bench_bench_queries [models=100] [seeds=1] [repeats=10]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include "bench/bench_report.h"
#include "pipeline/subset.h"
#include "store/workspace.h"
#include "world/rng.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double timeQuery(psr::store::Database& db, const std::vector<std::string>& labels, int repeats, std::size_t& cells) {
  std::vector<double> ms;
  for (int r = 0; r < repeats; ++r) {
    const auto t = Clock::now();
    cells = psr::bench::panelMeans(db, "builtin", labels).size();
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t).count());
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const int models = argc > 1 ? std::atoi(argv[1]) : 100;
  const int seeds = argc > 2 ? std::atoi(argv[2]) : 1;
  const int repeats = argc > 3 ? std::atoi(argv[3]) : 10;
  const int perSubset = 50;
  const fs::path dir = fs::temp_directory_path() / ("psr-bench-queries-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  auto ws = psr::store::Workspace::create(dir);
  auto& db = ws->db();
  const auto fill = Clock::now();
  {
    psr::store::Transaction tx(db);
    auto run = db.prepare("INSERT INTO bench_runs(label, suite, seed, config) VALUES (?, 'builtin', ?, '{}')");
    auto value = db.prepare("INSERT INTO bench_results(run_id, subset, sample_id, metric, value) VALUES (?, ?, ?, ?, ?)");
    // Noise from other suites, so the suite filter matters.
    db.exec("INSERT INTO bench_runs(label, suite, seed) VALUES ('other', 'builtin-seen', 0)");
    psr::world::Rng rng(1);
    for (int m = 0; m < models; ++m) {
      for (int s = 0; s < seeds; ++s) {
        run.reset();
        run.bind(1, std::string_view("model-" + std::to_string(m))).bind(2, std::int64_t(s)).run();
        const auto id = db.lastInsertId();
        std::int64_t sample = 0;
        for (auto subset : psr::pipeline::kAllSubsets) {
          for (int i = 0; i < perSubset; ++i, ++sample) {
            for (const char* metric : {"psr", "semantic", "aesthetic"}) {
              value.reset();
              value.bind(1, id)
                  .bind(2, std::string_view(psr::pipeline::subsetName(subset)))
                  .bind(3, sample)
                  .bind(4, std::string_view(metric))
                  .bind(5, rng.uniform(0, 1))
                  .run();
            }
          }
        }
      }
    }
    tx.commit();
  }
  db.exec("ANALYZE");
  const double fillSeconds = std::chrono::duration<double>(Clock::now() - fill).count();
  const auto rows = db.queryInt("SELECT count(*) FROM bench_results");

  std::printf("workspace %s: %d models x %d seeds x 350 samples x 3 metrics = %lld values (filled in %.1f s)\n",
              dir.c_str(), models, seeds, (long long)rows, fillSeconds);
  {
    auto plan = db.prepare(
        "EXPLAIN QUERY PLAN SELECT r.label, c.subset, c.metric, sum(c.total), sum(c.n) "
        "FROM bench_runs r JOIN bench_cells c ON c.run_id = r.id WHERE r.suite = ? "
        "GROUP BY r.label, c.subset, c.metric");
    plan.bind(1, std::string_view("builtin"));
    while (plan.step()) std::printf("  plan: %s\n", plan.columnText(3).c_str());
  }
  std::fflush(stdout);

  std::vector<std::string> five;
  for (int m = 0; m < std::min(models, 5); ++m) five.push_back("model-" + std::to_string(m));
  std::size_t cells = 0;
  const double all = timeQuery(db, {}, repeats, cells);
  std::printf("panelMeans, all %d models: %.2f ms median of %d (%zu cells)\n", models, all, repeats, cells);
  const double some = timeQuery(db, five, repeats, cells);
  std::printf("panelMeans, 5 named models: %.2f ms median of %d (%zu cells)\n", some, repeats, cells);
  std::vector<double> raw;
  for (int r = 0; r < repeats; ++r) {
    const auto t = Clock::now();
    auto q = db.prepare(
        "SELECT r.label, b.subset, b.metric, avg(b.value), count(*) FROM bench_runs r "
        "JOIN bench_results b ON b.run_id = r.id WHERE r.suite = 'builtin' GROUP BY r.label, b.subset, b.metric");
    std::size_t n = 0;
    while (q.step()) ++n;
    raw.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t).count());
  }
  std::sort(raw.begin(), raw.end());
  std::printf("same grouping over every value (bench_results), all models: %.2f ms\n", raw[raw.size() / 2]);
  ws.reset();
  fs::remove_all(dir);
  const bool ok = all <= 50.0;
  std::printf("%s: %.2f ms %s 50 ms\n", ok ? "PASS" : "FAIL", all, ok ? "<=" : ">");
  return ok ? 0 : 1;
}
