#pragma once
// Bootstrap intervals of benchmark means over samples and seeds. A subset's values form a grid
// (rows = samples, columns = seed replicates, NaN = not scored); each bootstrap round resamples
// rows and, with more than one seed, columns, both with replacement, and takes the mean of the
// resampled cells. With one seed this is exactly train_data::meanWithInterval over the samples
// (same random stream), the helper `psr eval generator` uses. Part of psr_core (no LibTorch), so
// the studio's Bench panel computes the report's intervals with this very code.
#include <cstdint>
#include <map>
#include <vector>

namespace psr::bench {

using Grid = std::vector<std::vector<double>>;

struct Interval {
  double mean = 0, lo = 0, hi = 0;
  long long samples = 0;  ///< rows with at least one value
  long long values = 0;   ///< finite cells
};

/// Mean and bootstrap 95 % interval (2.5 % and 97.5 % quantiles of `rounds` resampled means).
Interval bootstrapGrid(const Grid& grid, int rounds = 1000, std::uint64_t seed = 20260);

/// Mean of the grids' means (the "overall" column: every subset weighs the same), each grid
/// resampled independently in every round.
Interval bootstrapMeanOfGrids(const std::vector<const Grid*>& grids, int rounds = 1000, std::uint64_t seed = 20260);

/// Per-sample values of one model: sample id -> one value per seed replicate (NaN = not scored).
using SampleRows = std::map<std::int64_t, std::vector<double>>;

/// The paired difference a - b as a grid over the samples both models scored. With seeds in
/// common, one column per common seed holds a[seed] - b[seed]: the same suite item generated
/// from the same seed by two models (say `sft` and the `rl` fine-tuned from it) starts from the
/// same noise, so their outputs are correlated and the paired interval is far narrower than two
/// overlapping marginal ones. Without a common seed, one column of the per-sample mean
/// differences (each model averaged over its own seeds). `seedsA`/`seedsB` name the columns of
/// `a`/`b`. `commonSeeds` (optional) receives how many seeds were paired (0 = per-sample means).
Grid pairedDifferences(const SampleRows& a, const std::vector<int>& seedsA, const SampleRows& b,
                       const std::vector<int>& seedsB, int* commonSeeds = nullptr);

/// True when a paired interval excludes 0.
inline bool excludesZero(const Interval& i) { return i.values > 0 && (i.lo > 0 || i.hi < 0); }

/// True when the two intervals overlap: a difference between them is within noise.
inline bool withinNoise(const Interval& a, const Interval& b) { return a.lo <= b.hi && b.lo <= a.hi; }

}  // namespace psr::bench
