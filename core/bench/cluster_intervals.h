#pragma once
// Intervals of a benchmark mean whose items share clusters. A suite reuses its subject categories
// across items (heldout-700: 4,900 items over 124 held-out categories, each in about 97 items), so
// an effect specific to some subjects correlates the items that show them, and the report's item
// bootstrap, which treats items as independent, is then too narrow.
//
// The cluster-robust interval allows any correlation between items that share a cluster
// (multi-membership or "dyadic" cluster-robust variance, Aronow, Samii & Assenova 2015):
//   T = sum_i c_i d_i, c_i = 1 / (K n_g)  (every one of the K groups, i.e. subsets, weighs the same)
//   V_robust = F sum_{i,j share a cluster} c_i r_i c_j r_j,  r_i = d_i - mean of its group,
// where F makes V_robust unbiased when items are independent (for balanced one-way clusters it is
// CR1's G/(G-1)). Why the rest, measured by simulation on heldout-700's own category sets
// (docs/benchmark.md): on Four every item overlaps about 13 % of the others, so V_robust alone is
// unstable (<= 0 in 2.5 % of draws) and covered 88 %. Hence
//   - the critical value is Student's t with Bell-McCaffrey / Satterthwaite degrees of freedom
//     tr(PMP)^2 / ||PMP||_F^2 (P centres per group, M_ij = c_i c_j [i, j share a cluster]):
//     about 7 on Four, 29 on Position; G-1 for balanced one-way clusters;
//   - the variance is max(V_independent, V_robust) (Angrist and Pischke's guard against the
//     robust estimate's small-sample downward bias), with the degrees of freedom of the one taken.
// Coverage of the 95 % interval was 95.0-98.0 % on heldout-700's seven subsets against 48-83 %
// for the independent one once clusters carry an effect (tests/bench/bench_cluster_intervals
// --coverage). Part of psr_core (no LibTorch).
#include <cstdint>
#include <string>
#include <vector>

namespace psr::bench {

/// The p-quantile of Student's t with `df` > 0 degrees of freedom (real df allowed).
double studentTQuantile(double p, double df);

struct ClusterInterval {
  bool valid = false;
  std::string reason;  ///< why not valid (too few items, one cluster in every item, ...)
  double mean = 0, lo = 0, hi = 0;
  double se = 0, df = 0;                     ///< of the variance taken
  double seIndependent = 0, seRobust = 0;   ///< both candidates (seRobust 0 when V_robust <= 0)
  double dfIndependent = 0, dfRobust = 0;
  bool robustTaken = false;
  long long items = 0, clusters = 0;
};

/// Which items share clusters, and the parts of the interval that do not depend on the values,
/// so one design serves every metric and model pair over the same items.
class ClusterDesign {
 public:
  /// groups[i]: item i's group (any integers); clusters[i]: its cluster keys (duplicates
  /// ignored; none = a cluster of its own). Throws InvalidArgument when the sizes differ.
  ClusterDesign(const std::vector<int>& groups, const std::vector<std::vector<std::string>>& clusters);

  std::size_t size() const { return group_.size(); }
  std::size_t clusterCount() const { return clusterCount_; }
  /// Degrees of freedom of V_robust under independence (0 when it is not estimable).
  double robustDf() const { return dfRobust_; }

  /// The mean of the group means of `values` (one per item, in the constructor's order) and its
  /// cluster-robust interval. Throws InvalidArgument when the size differs or a value is not finite.
  ClusterInterval interval(const std::vector<double>& values, double level = 0.95) const;

 private:
  std::vector<int> group_;                  // dense 0..K-1
  std::vector<long long> groupSize_;
  std::vector<double> weight_;              // c_i
  std::vector<std::vector<int>> neighbours_;  // items sharing a cluster with i (i included)
  std::size_t clusterCount_ = 0;
  double robustFactor_ = 0;                 // F; 0 when V_robust is not estimable
  double dfRobust_ = 0;
};

}  // namespace psr::bench
