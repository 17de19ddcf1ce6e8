// Test helper: commits transactions into a workspace forever and prints the number of each
// transaction after its COMMIT returned. test_store kills it with SIGKILL at a random moment
// and checks that every printed transaction survived and no transaction is half-applied.
#include <cstdio>
#include <iostream>
#include <string>

#include "store/workspace.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: store_writer WORKSPACE\n";
    return 2;
  }
  try {
    auto ws = psr::store::Workspace::create(argv[1]);
    auto& db = ws->db();
    long long start = db.queryInt("SELECT coalesce(max(id), 0) FROM datasets") + 1;
    for (long long i = start;; ++i) {
      psr::store::Transaction tx(db);
      db.prepare("INSERT INTO datasets(id, name) VALUES (?, ?)").bind(1, std::int64_t(i)).bind(2, "ds-" + std::to_string(i)).run();
      db.prepare("INSERT INTO jobs(id, kind, spec, state) VALUES (?, 'sft', '{}', 'running')").bind(1, std::int64_t(i)).run();
      auto metric = db.prepare("INSERT INTO metrics(job_id, step, name, value) VALUES (?, ?, 'loss', ?)");
      // 50 rows per transaction make the kill land inside a transaction often.
      for (int step = 0; step < 50; ++step) {
        metric.bind(1, std::int64_t(i)).bind(2, std::int64_t(step)).bind(3, 1.0 / (step + 1)).run();
        metric.reset();
      }
      tx.commit();
      std::printf("%lld\n", i);
      std::fflush(stdout);
    }
  } catch (const std::exception& e) {
    std::cerr << "store_writer: " << e.what() << "\n";
    return 1;
  }
}
