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

double meanOf(const std::vector<double>& v) {
  double m = 0;
  for (double x : v) m += x;
  return v.empty() ? 0.0 : m / double(v.size());
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

Advantages decoupledAdvantages(const std::map<std::string, std::vector<double>>& components,
                               const std::map<std::string, double>& weights, std::int64_t groupSize,
                               const std::vector<bool>& skipped, double clip, double zeroStd) {
  if (groupSize < 2) throw Error("rewards must come in groups of at least two", ErrorCode::InvalidArgument);
  if (weights.empty()) throw Error("decoupled advantages need at least one weighted reward", ErrorCode::InvalidArgument);
  std::size_t n = 0;
  for (const auto& [name, w] : weights) {
    const auto it = components.find(name);
    if (it == components.end())
      throw Error("decoupled advantages: no values for reward \"" + name + "\"", ErrorCode::InvalidArgument);
    if (n == 0) n = it->second.size();
    if (it->second.size() != n || n % std::size_t(groupSize) != 0)
      throw Error("decoupled advantages: reward \"" + name + "\" must hold one value per sample in whole groups",
                  ErrorCode::InvalidArgument);
  }
  Advantages a;
  a.groups = std::int64_t(n) / groupSize;
  a.value.assign(n, 0.0);
  a.keep.assign(n, false);
  std::vector<double> summed(n, 0.0);
  for (std::int64_t g = 0; g < a.groups; ++g) {
    if (g < std::int64_t(skipped.size()) && skipped[std::size_t(g)]) continue;
    const auto begin = std::size_t(g * groupSize), end = begin + std::size_t(groupSize);
    bool varies = false;
    for (const auto& [name, w] : weights) {
      const auto& all = components.at(name);
      const std::vector<double> group(all.begin() + std::ptrdiff_t(begin), all.begin() + std::ptrdiff_t(end));
      const double mean = meanOf(group), sd = stdOf(group, mean);
      if (w == 0.0 || sd < zeroStd) continue;  // this component says nothing about this group
      varies = true;
      for (std::size_t i = begin; i < end; ++i) summed[i] += w * (all[i] - mean) / (sd + 1e-4);
    }
    if (!varies) {
      ++a.zeroVarianceGroups;
      continue;
    }
    for (std::size_t i = begin; i < end; ++i) a.keep[i] = true;
  }
  // Batch normalisation keeps the advantages' scale independent of the number of rewards.
  std::vector<double> kept;
  for (std::size_t i = 0; i < n; ++i)
    if (a.keep[i]) kept.push_back(summed[i]);
  const double mean = meanOf(kept), sd = stdOf(kept, mean);
  for (std::size_t i = 0; i < n; ++i)
    if (a.keep[i]) a.value[i] = std::clamp((summed[i] - mean) / (sd + 1e-4), -clip, clip);
  return a;
}

}  // namespace psr::train
