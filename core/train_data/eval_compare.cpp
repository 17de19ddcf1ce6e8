#include "train_data/eval_compare.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/error.h"
#include "world/rng.h"

namespace psr::train_data {

using nlohmann::json;

namespace {

using Column = std::vector<double>;

// Settings that decide which scenes, references and noise a report used. The crop mode may
// differ (comparing a crop with a whole-reference run of one model is a valid question).
constexpr const char* kSameScenes[] = {"seed", "samples", "steps", "guidance", "split"};

Column column(const json& subset, const char* metric, const char* kind, const std::string& where) {
  if (!subset.contains("per_sample"))
    throw Error(where + ": no per-sample values (rerun `psr eval generator`; reports before 2026-12-03 lack them)",
                ErrorCode::InvalidArgument);
  const auto& v = subset["per_sample"].at(metric).at(kind);
  return v.get<Column>();
}

double mean(const Column& v, const std::vector<std::size_t>& idx) {
  double s = 0;
  for (auto i : idx) s += v[i];
  return idx.empty() ? 0.0 : s / double(idx.size());
}

double normalised(const Column& m, const Column& b, const Column& o, const std::vector<std::size_t>& idx) {
  const double mb = mean(b, idx), mo = mean(o, idx);
  return std::abs(mo - mb) < 1e-9 ? 0.0 : (mean(m, idx) - mb) / (mo - mb);
}

/// Statistic over index draws: the full sample for the point, `rounds` resamples for the interval.
json paired(std::size_t n, int rounds, std::uint64_t seed, const std::function<double(const std::vector<std::size_t>&)>& stat) {
  std::vector<std::size_t> idx(n);
  for (std::size_t i = 0; i < n; ++i) idx[i] = i;
  const double point = stat(idx);
  world::Rng rng(seed);
  std::vector<double> draws;
  for (int r = 0; r < rounds && n > 0; ++r) {
    for (auto& i : idx) i = rng.below(n);
    draws.push_back(stat(idx));
  }
  std::sort(draws.begin(), draws.end());
  const auto at = [&](double q) { return draws.empty() ? point : draws[std::size_t(q * double(draws.size() - 1))]; };
  const double lo = at(0.025), hi = at(0.975);
  return {{"mean", point}, {"lo", lo}, {"hi", hi}, {"n", n}, {"excludes_zero", lo > 0 || hi < 0}};
}

}  // namespace

namespace {

void checkSameScenes(const json& a, const json& b) {
  for (const char* key : kSameScenes)
    if (a.at("settings").value(key, json()) != b.at("settings").value(key, json()))
      throw Error(std::string("the reports were measured on different scenes: settings.") + key + " is " +
                      a["settings"].value(key, json()).dump() + " vs " + b["settings"].value(key, json()).dump(),
                  ErrorCode::InvalidArgument);
}

/// One subject count's per-sample columns, pooled over the pairs.
struct Pool {
  Column ma, ba, oa, mb, bb, ob;
  std::map<std::string, std::pair<Column, Column>> other;  // semantic, aesthetic: A, B

  void add(const json& sa, const json& sb, const std::string& name) {
    const auto xma = column(sa, "psr", "model", "A " + name), xba = column(sa, "psr", "blind", "A " + name);
    const auto xoa = column(sa, "psr", "oracle", "A " + name);
    const auto xmb = column(sb, "psr", "model", "B " + name), xbb = column(sb, "psr", "blind", "B " + name);
    const auto xob = column(sb, "psr", "oracle", "B " + name);
    const auto n = xma.size();
    for (const auto* c : {&xba, &xoa, &xmb, &xbb, &xob})
      if (c->size() != n) throw Error(name + ": the reports hold different sample counts", ErrorCode::InvalidArgument);
    // The oracle is the world's render of each scene: equal values mean equal scenes.
    for (std::size_t i = 0; i < n; ++i)
      if (std::abs(xoa[i] - xob[i]) > 1e-6)
        throw Error(name + ": the oracle scores differ at sample " + std::to_string(i) + ", so the scenes are not the same",
                    ErrorCode::InvalidArgument);
    for (const char* metric : {"semantic", "aesthetic"}) {
      const auto xa = column(sa, metric, "model", "A " + name), xb = column(sb, metric, "model", "B " + name);
      if (xa.size() != n || xb.size() != n) throw Error(name + ": per-sample columns of unequal length", ErrorCode::InvalidArgument);
      auto& [ca, cb] = other[metric];
      ca.insert(ca.end(), xa.begin(), xa.end());
      cb.insert(cb.end(), xb.begin(), xb.end());
    }
    for (auto [to, from] : {std::pair{&ma, &xma}, {&ba, &xba}, {&oa, &xoa}, {&mb, &xmb}, {&bb, &xbb}, {&ob, &xob}})
      to->insert(to->end(), from->begin(), from->end());
  }

  json compare(int rounds, std::uint64_t seed) const {
    const auto n = ma.size();
    json s;
    s["normalized_consistency"] = paired(n, rounds, seed, [&](const auto& idx) {
      return normalised(ma, ba, oa, idx) - normalised(mb, bb, ob, idx);
    });
    s["psr"] = paired(n, rounds, seed + 1, [&](const auto& idx) { return mean(ma, idx) - mean(mb, idx); });
    for (const char* metric : {"semantic", "aesthetic"}) {
      const auto& [xa, xb] = other.at(metric);
      s[metric] = paired(n, rounds, seed + 2, [&](const auto& idx) { return mean(xa, idx) - mean(xb, idx); });
    }
    return s;
  }
};

}  // namespace

json compareEvalReportPairs(const std::vector<std::pair<json, json>>& pairs, int rounds, std::uint64_t seed) {
  if (pairs.empty()) throw Error("no reports to compare", ErrorCode::InvalidArgument);
  json seeds = json::array();
  for (std::size_t p = 0; p < pairs.size(); ++p) {
    checkSameScenes(pairs[p].first, pairs[p].second);
    const auto& settings = pairs[p].first.at("settings");
    seeds.push_back(settings.value("seed", json()));
    for (std::size_t q = 0; q < p; ++q) {
      const auto& earlier = pairs[q].first.at("settings");
      // Pooling mixes scenes, never evaluations: the sampler settings and split must agree.
      for (const char* key : {"steps", "guidance", "split"})
        if (settings.value(key, json()) != earlier.value(key, json()))
          throw Error("pairs " + std::to_string(q + 1) + " and " + std::to_string(p + 1) + " differ in settings." + key +
                          ": pool only reports of the same evaluation on other scenes",
                      ErrorCode::InvalidArgument);
      if (settings.value("seed", json()) == earlier.value("seed", json()) &&
          settings.value("samples", json()) == earlier.value("samples", json()))
        throw Error("pairs " + std::to_string(q + 1) + " and " + std::to_string(p + 1) +
                        " hold the same scenes (same seed and samples): pool reports of other seeds",
                    ErrorCode::InvalidArgument);
    }
  }
  json out = {{"a", pairs[0].first.value("model", "")}, {"b", pairs[0].second.value("model", "")},
              {"settings", pairs[0].first["settings"]}, {"pairs", pairs.size()}, {"seeds", seeds}};
  json subsets = json::object();
  for (const auto& [name, ignored] : pairs[0].first.at("subsets").items()) {
    const bool everywhere = std::all_of(pairs.begin(), pairs.end(), [&, n = name](const auto& pr) {
      return pr.first.at("subsets").contains(n) && pr.second.at("subsets").contains(n);
    });
    if (!everywhere) continue;
    Pool pool;
    for (const auto& [a, b] : pairs) pool.add(a["subsets"][name], b["subsets"][name], name);
    subsets[name] = pool.compare(rounds, seed);
  }
  if (subsets.empty()) throw Error("the reports share no subject count", ErrorCode::InvalidArgument);
  out["subsets"] = subsets;
  return out;
}

json compareEvalReports(const json& a, const json& b, int rounds, std::uint64_t seed) {
  return compareEvalReportPairs({{a, b}}, rounds, seed);
}

}  // namespace psr::train_data
