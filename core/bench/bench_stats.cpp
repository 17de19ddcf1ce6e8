#include "bench/bench_stats.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "world/rng.h"

namespace psr::bench {
namespace {

/// The rows that hold a value, and the widest row (seed replicates).
Grid compact(const Grid& grid, std::size_t& columns) {
  Grid out;
  columns = 0;
  for (const auto& row : grid) {
    if (std::any_of(row.begin(), row.end(), [](double v) { return std::isfinite(v); })) {
      out.push_back(row);
      columns = std::max(columns, row.size());
    }
  }
  return out;
}

double pointMean(const Grid& g, long long* count = nullptr) {
  double s = 0;
  long long n = 0;
  for (const auto& row : g) {
    for (double v : row) {
      if (std::isfinite(v)) {
        s += v;
        ++n;
      }
    }
  }
  if (count) *count = n;
  return n ? s / double(n) : 0.0;
}

/// One bootstrap replicate's mean of a (compacted) grid.
double resampledMean(const Grid& g, std::size_t columns, world::Rng& rng, std::vector<std::size_t>& rows,
                     std::vector<std::size_t>& cols) {
  const std::size_t n = g.size();
  rows.resize(n);
  for (std::size_t i = 0; i < n; ++i) rows[i] = rng.below(n);
  cols.resize(columns);
  if (columns > 1) {
    for (std::size_t j = 0; j < columns; ++j) cols[j] = rng.below(columns);
  } else if (columns == 1) {
    cols[0] = 0;
  }
  double s = 0;
  long long count = 0;
  for (std::size_t r : rows) {
    const auto& row = g[r];
    for (std::size_t c : cols) {
      if (c < row.size() && std::isfinite(row[c])) {
        s += row[c];
        ++count;
      }
    }
  }
  return count ? s / double(count) : pointMean(g);
}

Interval fromReplicates(std::vector<double> stats, double point, long long samples, long long values) {
  std::sort(stats.begin(), stats.end());
  const auto at = [&](double q) { return stats.empty() ? point : stats[std::size_t(q * double(stats.size() - 1))]; };
  return {point, at(0.025), at(0.975), samples, values};
}

}  // namespace

Interval bootstrapGrid(const Grid& grid, int rounds, std::uint64_t seed) {
  std::size_t columns = 0;
  const Grid g = compact(grid, columns);
  long long values = 0;
  const double point = pointMean(g, &values);
  world::Rng rng(seed);
  std::vector<double> stats;
  std::vector<std::size_t> rows, cols;
  for (int r = 0; r < rounds && !g.empty(); ++r) stats.push_back(resampledMean(g, columns, rng, rows, cols));
  return fromReplicates(std::move(stats), point, (long long)g.size(), values);
}

Interval bootstrapMeanOfGrids(const std::vector<const Grid*>& grids, int rounds, std::uint64_t seed) {
  std::vector<Grid> gs;
  std::vector<std::size_t> widths;
  long long samples = 0, values = 0;
  double point = 0;
  for (const Grid* grid : grids) {
    std::size_t columns = 0;
    Grid g = compact(*grid, columns);
    if (g.empty()) continue;
    long long n = 0;
    point += pointMean(g, &n);
    values += n;
    samples += (long long)g.size();
    gs.push_back(std::move(g));
    widths.push_back(columns);
  }
  if (gs.empty()) return {};
  point /= double(gs.size());
  world::Rng rng(seed);
  std::vector<double> stats;
  std::vector<std::size_t> rows, cols;
  for (int r = 0; r < rounds; ++r) {
    double s = 0;
    for (std::size_t k = 0; k < gs.size(); ++k) s += resampledMean(gs[k], widths[k], rng, rows, cols);
    stats.push_back(s / double(gs.size()));
  }
  return fromReplicates(std::move(stats), point, samples, values);
}

Grid pairedDifferences(const SampleRows& a, const std::vector<int>& seedsA, const SampleRows& b,
                       const std::vector<int>& seedsB, int* commonSeeds) {
  std::vector<std::pair<std::size_t, std::size_t>> common;  // column in a, column in b
  for (std::size_t i = 0; i < seedsA.size(); ++i) {
    for (std::size_t j = 0; j < seedsB.size(); ++j) {
      if (seedsA[i] == seedsB[j]) common.push_back({i, j});
    }
  }
  if (commonSeeds) *commonSeeds = int(common.size());
  const auto at = [](const std::vector<double>& row, std::size_t c) {
    return c < row.size() ? row[c] : std::numeric_limits<double>::quiet_NaN();
  };
  const auto finiteMean = [](const std::vector<double>& row) {
    double s = 0;
    int n = 0;
    for (double v : row) {
      if (std::isfinite(v)) {
        s += v;
        ++n;
      }
    }
    return n ? s / n : std::numeric_limits<double>::quiet_NaN();
  };
  Grid out;
  for (const auto& [sample, rowA] : a) {
    const auto it = b.find(sample);
    if (it == b.end()) continue;
    std::vector<double> row;
    if (!common.empty()) {
      for (const auto& [i, j] : common) row.push_back(at(rowA, i) - at(it->second, j));  // NaN if either is
    } else {
      row.push_back(finiteMean(rowA) - finiteMean(it->second));
    }
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace psr::bench
