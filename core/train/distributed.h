#pragma once
// Data-parallel training over LibTorch's own distributed engine (c10d): a TCPStore rendezvous
// and the Gloo backend, under the usual environment contract (MASTER_ADDR, MASTER_PORT, RANK,
// WORLD_SIZE, LOCAL_RANK), so runs also start under Slurm/torchrun-style launchers. Each rank
// computes the gradient of its slice of the global batch; averaging them gives the gradient of
// the global batch, and every rank takes the same optimiser step.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>

namespace psr::train {

class Distributed {
 public:
  ~Distributed();
  /// Null when WORLD_SIZE is unset or 1. Throws InvalidArgument for an incomplete or invalid
  /// environment, and when this build has no c10d/Gloo support.
  static std::unique_ptr<Distributed> fromEnvironment();

  int rank() const { return rank_; }
  int worldSize() const { return world_; }
  bool primary() const { return rank_ == 0; }
  /// [first, first + count) of a global batch of `batch` (which the world size must divide).
  std::pair<std::int64_t, std::int64_t> slice(std::int64_t batch) const;

  /// Replaces every defined gradient by its mean over the ranks (one flattened allreduce).
  void averageGradients(const std::vector<std::pair<std::string, at::Tensor>>& parameters);
  double average(double value);
  /// The elementwise sum of `value` over the ranks (same shape and dtype everywhere). Used as an
  /// exact all-gather: each rank fills its own entries of a zero tensor (x + 0 == x, NaN too).
  at::Tensor allGatherSum(const at::Tensor& value);
  /// Every rank's `value`, by rank (two allGatherSum calls: lengths, then zero-padded bytes).
  std::vector<std::string> allGatherStrings(const std::string& value);
  void barrier();

 private:
  Distributed() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int rank_ = 0, world_ = 1;
};

/// RANK from the environment (0 when unset): only rank 0 writes checkpoints, logs and samples.
int environmentRank();
/// WORLD_SIZE from the environment (1 when unset), for checks that must fail before rendezvous.
int environmentWorldSize();

}  // namespace psr::train
