#include "bench/cluster_intervals.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "common/error.h"

namespace psr::bench {

namespace {

/// Continued fraction of the regularised incomplete beta I_x(a, b) (modified Lentz), valid for
/// x < (a + 1) / (a + b + 2); the caller uses the symmetry I_x(a, b) = 1 - I_{1-x}(b, a) otherwise.
double betaFraction(double a, double b, double x) {
  constexpr double tiny = 1e-300;
  double c = 1.0;
  double d = 1.0 - (a + b) * x / (a + 1.0);
  if (std::fabs(d) < tiny) d = tiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= 10000; ++m) {
    const double even = m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m));
    d = 1.0 + even * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1.0 + even / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    h *= d * c;
    const double odd = -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0));
    d = 1.0 + odd * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1.0 + odd / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double step = d * c;
    h *= step;
    if (std::fabs(step - 1.0) < 1e-15) break;
  }
  return h;
}

double incompleteBeta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double front =
      std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x));
  if (x < (a + 1.0) / (a + b + 2.0)) return front * betaFraction(a, b, x) / a;
  return 1.0 - front * betaFraction(b, a, 1.0 - x) / b;
}

/// P(T <= t) for t >= 0.
double studentCdf(double t, double df) { return 1.0 - 0.5 * incompleteBeta(0.5 * df, 0.5, df / (df + t * t)); }

}  // namespace

double studentTQuantile(double p, double df) {
  if (!(p > 0 && p < 1) || !(df > 0))
    throw Error("Student's t quantile needs 0 < p < 1 and df > 0", ErrorCode::InvalidArgument);
  if (p < 0.5) return -studentTQuantile(1.0 - p, df);
  if (p == 0.5) return 0;
  double lo = 0, hi = 1;
  while (studentCdf(hi, df) < p && hi < 1e300) hi *= 2;
  for (int i = 0; i < 200 && hi - lo > 1e-13 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (studentCdf(mid, df) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

ClusterDesign::ClusterDesign(const std::vector<int>& groups, const std::vector<std::vector<std::string>>& clusters) {
  if (groups.size() != clusters.size())
    throw Error("a cluster design needs one group and one cluster list per item", ErrorCode::InvalidArgument);
  const std::size_t n = groups.size();
  std::map<int, int> groupIndex;
  for (int g : groups) groupIndex.emplace(g, 0);
  int k = 0;
  for (auto& [g, index] : groupIndex) index = k++;
  group_.resize(n);
  groupSize_.assign(std::size_t(k), 0);
  for (std::size_t i = 0; i < n; ++i) ++groupSize_[std::size_t(group_[i] = groupIndex[groups[i]])];
  weight_.resize(n);
  for (std::size_t i = 0; i < n; ++i) weight_[i] = 1.0 / (double(k) * double(groupSize_[std::size_t(group_[i])]));

  // Items per cluster; an item without clusters is a cluster of its own.
  std::map<std::string, std::vector<int>> members;
  std::vector<std::vector<int>> own;
  for (std::size_t i = 0; i < n; ++i) {
    if (clusters[i].empty()) own.push_back({int(i)});
    for (const auto& key : clusters[i]) {
      auto& list = members[key];
      if (list.empty() || list.back() != int(i)) list.push_back(int(i));  // a key twice in one item
    }
  }
  clusterCount_ = members.size() + own.size();
  neighbours_.assign(n, {});
  std::vector<std::size_t> seen(n, std::size_t(-1));
  std::vector<std::vector<const std::vector<int>*>> clustersOf(n);
  for (const auto& [key, list] : members)
    for (int i : list) clustersOf[std::size_t(i)].push_back(&list);
  for (const auto& list : own) clustersOf[std::size_t(list[0])].push_back(&list);
  for (std::size_t i = 0; i < n; ++i) {
    for (const auto* list : clustersOf[i]) {
      for (int j : *list) {
        if (seen[std::size_t(j)] == i) continue;
        seen[std::size_t(j)] = i;
        neighbours_[i].push_back(j);
      }
    }
  }

  // tr(PMP) and ||PMP||_F^2 with M_ij = c_i c_j [i, j share a cluster] and P centring per group:
  // (PMP)_ij = M_ij - R_j(g_i)/n_gi - R_i(g_j)/n_gj + Q(g_i, g_j)/(n_gi n_gj), R_i(g) = sum over
  // l in g of M_il, Q(g, h) = sum over i in g of R_i(h). O(n^2) once per design.
  const std::size_t K = std::size_t(k);
  std::vector<double> R(n * K, 0.0), Q(K * K, 0.0);
  double sumC2 = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sumC2 += weight_[i] * weight_[i];
    for (int j : neighbours_[i]) R[i * K + std::size_t(group_[std::size_t(j)])] += weight_[i] * weight_[std::size_t(j)];
    for (std::size_t h = 0; h < K; ++h) Q[std::size_t(group_[i]) * K + h] += R[i * K + h];
  }
  double trace = sumC2;
  for (std::size_t g = 0; g < K; ++g) trace -= Q[g * K + g] / double(groupSize_[g]);
  if (n < 2 || !(trace > 1e-9 * sumC2)) return;  // every item shares a cluster with its whole group
  std::vector<double> row(n, 0.0);
  double frobenius = 0;
  for (std::size_t i = 0; i < n; ++i) {
    for (int j : neighbours_[i]) row[std::size_t(j)] = weight_[i] * weight_[std::size_t(j)];
    const std::size_t gi = std::size_t(group_[i]);
    const double ni = double(groupSize_[gi]);
    for (std::size_t j = 0; j < n; ++j) {
      const std::size_t gj = std::size_t(group_[j]);
      const double nj = double(groupSize_[gj]);
      const double b = row[j] - R[j * K + gi] / ni - R[i * K + gj] / nj + Q[gi * K + gj] / (ni * nj);
      frobenius += b * b;
    }
    for (int j : neighbours_[i]) row[std::size_t(j)] = 0.0;
  }
  robustFactor_ = sumC2 / trace;
  dfRobust_ = frobenius > 0 ? trace * trace / frobenius : 0.0;
  if (!(dfRobust_ > 0)) robustFactor_ = 0;
}

ClusterInterval ClusterDesign::interval(const std::vector<double>& values, double level) const {
  const std::size_t n = group_.size();
  if (values.size() != n)
    throw Error("cluster interval: " + std::to_string(values.size()) + " values for " + std::to_string(n) + " items",
                ErrorCode::InvalidArgument);
  if (!(level > 0 && level < 1)) throw Error("cluster interval: level must lie in (0, 1)", ErrorCode::InvalidArgument);
  ClusterInterval out;
  out.items = (long long)n;
  out.clusters = (long long)clusterCount_;
  const std::size_t K = groupSize_.size();
  std::vector<double> groupMean(K, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(values[i])) throw Error("cluster interval: a value is not finite", ErrorCode::InvalidArgument);
    groupMean[std::size_t(group_[i])] += values[i] / double(groupSize_[std::size_t(group_[i])]);
  }
  for (double m : groupMean) out.mean += m / double(K);
  for (long long size : groupSize_) {
    if (size < 2) {
      out.reason = "a subset has fewer than two items";
      return out;
    }
  }
  // Independent items: sum over groups of (1/K)^2 s_g^2 / n_g.
  std::vector<double> u(n);
  std::vector<double> squares(K, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    const double r = values[i] - groupMean[std::size_t(group_[i])];
    squares[std::size_t(group_[i])] += r * r;
    u[i] = weight_[i] * r;
  }
  double independent = 0;
  for (std::size_t g = 0; g < K; ++g) {
    const double ng = double(groupSize_[g]);
    independent += squares[g] / (ng - 1.0) / ng / double(K * K);
  }
  out.seIndependent = std::sqrt(independent);
  out.dfIndependent = double(n) - double(K);
  if (robustFactor_ <= 0) {
    out.reason = "items share clusters so widely that the cluster-robust variance is not estimable";
    return out;
  }
  double robust = 0;
  for (std::size_t i = 0; i < n; ++i) {
    double s = 0;
    for (int j : neighbours_[i]) s += u[std::size_t(j)];
    robust += u[i] * s;
  }
  robust *= robustFactor_;
  out.seRobust = robust > 0 ? std::sqrt(robust) : 0.0;
  out.dfRobust = dfRobust_;
  out.robustTaken = robust > independent;
  out.se = out.robustTaken ? out.seRobust : out.seIndependent;
  out.df = out.robustTaken ? out.dfRobust : out.dfIndependent;
  const double t = studentTQuantile(0.5 + 0.5 * level, out.df);
  out.lo = out.mean - t * out.se;
  out.hi = out.mean + t * out.se;
  out.valid = true;
  return out;
}

}  // namespace psr::bench
