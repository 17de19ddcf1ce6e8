#include "train/advantages.h"

#include <algorithm>
#include <cmath>

#include "common/error.h"

namespace psr::train {

namespace {
double stdOf(const std::vector<double>& v, double mean) {
  double s = 0;
  for (double x : v) s += (x - mean) * (x - mean);
  return v.size() > 0 ? std::sqrt(s / double(v.size())) : 0.0;
}
}  // namespace

Advantages groupAdvantages(const std::vector<double>& rewards, std::int64_t groupSize, const std::vector<bool>& skipped,
                           bool globalStd, double clip, double zeroStd) {
  if (groupSize < 2 || rewards.size() % std::size_t(groupSize) != 0)
    throw Error("rewards must come in groups of at least two", ErrorCode::InvalidArgument);
  Advantages a;
  a.groups = std::int64_t(rewards.size()) / groupSize;
  a.value.assign(rewards.size(), 0.0);
  a.keep.assign(rewards.size(), false);
  std::vector<double> means(std::size_t(a.groups), 0.0), stds(std::size_t(a.groups), 0.0);
  std::vector<double> kept;
  for (std::int64_t g = 0; g < a.groups; ++g) {
    if (g < std::int64_t(skipped.size()) && skipped[std::size_t(g)]) continue;
    std::vector<double> group(rewards.begin() + g * groupSize, rewards.begin() + (g + 1) * groupSize);
    double mean = 0;
    for (double r : group) mean += r;
    mean /= double(groupSize);
    means[std::size_t(g)] = mean;
    stds[std::size_t(g)] = stdOf(group, mean);
    if (stds[std::size_t(g)] < zeroStd) {
      ++a.zeroVarianceGroups;
      continue;
    }
    for (std::int64_t i = 0; i < groupSize; ++i) a.keep[std::size_t(g * groupSize + i)] = true;
    kept.insert(kept.end(), group.begin(), group.end());
  }
  double global = 0;
  if (globalStd && !kept.empty()) {
    double m = 0;
    for (double r : kept) m += r;
    global = stdOf(kept, m / double(kept.size()));
  }
  for (std::size_t i = 0; i < rewards.size(); ++i) {
    if (!a.keep[i]) continue;
    const auto g = std::size_t(std::int64_t(i) / groupSize);
    const double s = globalStd ? global : stds[g];
    a.value[i] = std::clamp((rewards[i] - means[g]) / (s + 1e-4), -clip, clip);
  }
  return a;
}

}  // namespace psr::train
