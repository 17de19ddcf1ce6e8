#include "pipeline/dataset_stats.h"

#include <sstream>

#include "store/database.h"

namespace psr::pipeline {

using nlohmann::json;

json datasetStats(store::Database& db) {
  json out = {{"datasets", json::object()}, {"samples", json::object()}};
  auto datasets = db.prepare(
      "SELECT d.name, count(s.id) FROM datasets d LEFT JOIN samples s ON s.dataset_id = d.id GROUP BY d.id ORDER BY "
      "d.name");
  while (datasets.step()) out["datasets"][datasets.columnText(0)] = datasets.columnInt(1);
  auto samples =
      db.prepare("SELECT subset, split, count(*) FROM samples GROUP BY subset, split ORDER BY subset, split");
  while (samples.step()) out["samples"][samples.columnText(0)][samples.columnText(1)] = samples.columnInt(2);
  out["total"] = db.queryInt("SELECT count(*) FROM samples");
  const long long accepted = db.queryInt("SELECT count(*) FROM reviews WHERE verdict = 'accepted'");
  const long long rejected = db.queryInt("SELECT count(*) FROM reviews WHERE verdict = 'rejected'");
  out["reviews"] = {{"accepted", accepted},
                    {"rejected", rejected},
                    {"unreviewed", out["total"].get<long long>() - accepted - rejected}};
  json runs = json::array();
  auto st = db.prepare(
      "SELECT r.id, d.name, r.state, r.produced, r.attempted, r.spec, r.rejects, r.started_at FROM synth_runs r "
      "JOIN datasets d ON d.id = r.dataset_id ORDER BY r.id DESC LIMIT 10");
  while (st.step()) {
    const json spec = json::parse(st.columnText(5), nullptr, false);
    const json rejects = json::parse(st.columnText(6), nullptr, false);
    runs.push_back({{"id", st.columnInt(0)},
                    {"dataset", st.columnText(1)},
                    {"state", st.columnText(2)},
                    {"produced", st.columnInt(3)},
                    {"attempted", st.columnInt(4)},
                    {"count", spec.is_object() ? spec.value("count", 0LL) : 0LL},
                    {"subset", spec.is_object() ? spec.value("subset", "") : ""},
                    {"split", spec.is_object() ? spec.value("split", "") : ""},
                    {"rejects", rejects.is_object() ? rejects : json::object()},
                    {"started_at", st.columnText(7)}});
  }
  out["runs"] = runs;
  return out;
}

std::string formatDatasetStats(const json& s) {
  std::ostringstream out;
  out << "samples: " << s["total"].get<long long>() << "\n";
  for (const auto& [name, n] : s["datasets"].items()) out << "  dataset " << name << ": " << n.get<long long>() << "\n";
  for (const auto& [subset, splits] : s["samples"].items()) {
    out << "  " << subset << ":";
    for (const auto& [split, n] : splits.items()) out << " " << split << "=" << n.get<long long>();
    out << "\n";
  }
  const auto& r = s["reviews"];
  out << "reviews: accepted=" << r["accepted"].get<long long>() << " rejected=" << r["rejected"].get<long long>()
      << " unreviewed=" << r["unreviewed"].get<long long>() << "\nruns:";
  if (s["runs"].empty()) out << " none";
  for (const auto& run : s["runs"]) {
    out << "\n  #" << run["id"].get<long long>() << " " << run["dataset"].get<std::string>() << " "
        << run["subset"].get<std::string>() << "/" << run["split"].get<std::string>() << " "
        << run["state"].get<std::string>() << " " << run["produced"].get<long long>() << "/"
        << run["count"].get<long long>() << " in " << run["attempted"].get<long long>() << " attempts, rejects "
        << run["rejects"].dump();
  }
  return out.str();
}

}  // namespace psr::pipeline
