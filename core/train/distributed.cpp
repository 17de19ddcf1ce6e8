#include "train/distributed.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include <ATen/ATen.h>
#include <torch/csrc/autograd/grad_mode.h>

#include "common/error.h"

#ifdef PSR_WITH_C10D_GLOO
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif

namespace psr::train {

namespace {

int envInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  try {
    return std::stoi(v);
  } catch (const std::exception&) {
    throw Error(std::string(name) + "='" + v + "' is not a number", ErrorCode::InvalidArgument);
  }
}

}  // namespace

int environmentRank() { return envInt("RANK", 0); }
int environmentWorldSize() { return std::max(1, envInt("WORLD_SIZE", 1)); }

struct Distributed::Impl {
#ifdef PSR_WITH_C10D_GLOO
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
#endif
};

Distributed::~Distributed() = default;

std::unique_ptr<Distributed> Distributed::fromEnvironment() {
  const int world = envInt("WORLD_SIZE", 1);
  if (world <= 1) return nullptr;
  const int rank = envInt("RANK", -1);
  const char* addr = std::getenv("MASTER_ADDR");
  const int port = envInt("MASTER_PORT", -1);
  if (rank < 0 || rank >= world || !addr || !*addr || port <= 0 || port > 65535)
    throw Error("distributed training needs RANK in [0, WORLD_SIZE), MASTER_ADDR and MASTER_PORT", ErrorCode::InvalidArgument);
#ifdef PSR_WITH_C10D_GLOO
  std::unique_ptr<Distributed> d(new Distributed());
  d->rank_ = rank;
  d->world_ = world;
  d->impl_ = std::make_unique<Impl>();
  c10d::TCPStoreOptions opts;
  opts.port = std::uint16_t(port);
  opts.isServer = rank == 0;
  opts.numWorkers = world;
  opts.waitWorkers = true;
  d->impl_->store = c10::make_intrusive<c10d::TCPStore>(std::string(addr), opts);
  auto options = c10d::ProcessGroupGloo::Options::create();
  options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
  d->impl_->group = c10::make_intrusive<c10d::ProcessGroupGloo>(d->impl_->store, rank, world, options);
  return d;
#else
  throw Error("this build has no c10d/Gloo support (install libgloo-dev and rebuild) but WORLD_SIZE=" +
                  std::to_string(world),
              ErrorCode::InvalidArgument);
#endif
}

std::pair<std::int64_t, std::int64_t> Distributed::slice(std::int64_t batch) const {
  if (batch % world_ != 0)
    throw Error("the batch (" + std::to_string(batch) + ") must be divisible by WORLD_SIZE (" + std::to_string(world_) + ")",
                ErrorCode::InvalidArgument);
  const auto per = batch / world_;
  return {per * rank_, per};
}

void Distributed::averageGradients(const std::vector<std::pair<std::string, at::Tensor>>& parameters) {
#ifdef PSR_WITH_C10D_GLOO
  at::NoGradGuard noGrad;
  std::vector<at::Tensor> grads;
  for (const auto& [name, p] : parameters) {
    if (!p.grad().defined()) p.mutable_grad() = at::zeros_like(p);  // every rank sends the same layout
    grads.push_back(p.grad().flatten());
  }
  std::vector<at::Tensor> flat = {at::cat(grads)};
  impl_->group->allreduce(flat)->wait();
  flat[0].div_(double(world_));
  std::int64_t offset = 0;
  for (const auto& [name, p] : parameters) {
    const auto n = p.grad().numel();
    p.grad().copy_(flat[0].narrow(0, offset, n).view_as(p.grad()));
    offset += n;
  }
#else
  (void)parameters;
#endif
}

double Distributed::average(double value) {
#ifdef PSR_WITH_C10D_GLOO
  std::vector<at::Tensor> t = {at::full({1}, value, at::kDouble)};
  impl_->group->allreduce(t)->wait();
  return t[0].item<double>() / double(world_);
#else
  return value;
#endif
}

at::Tensor Distributed::allGatherSum(const at::Tensor& value) {
  std::vector<at::Tensor> t = {value.contiguous().clone()};
#ifdef PSR_WITH_C10D_GLOO
  impl_->group->allreduce(t)->wait();
#endif
  return t[0];
}

std::vector<std::string> Distributed::allGatherStrings(const std::string& value) {
  auto lengths = at::zeros({world_}, at::kLong);
  lengths[rank_] = std::int64_t(value.size());
  lengths = allGatherSum(lengths);
  const auto longest = lengths.max().item<std::int64_t>();
  auto bytes = at::zeros({world_, std::max<std::int64_t>(1, longest)}, at::kByte);
  if (!value.empty()) std::memcpy(bytes[rank_].data_ptr(), value.data(), value.size());
  bytes = allGatherSum(bytes);
  std::vector<std::string> out;
  for (int r = 0; r < world_; ++r)
    out.emplace_back(static_cast<const char*>(bytes[r].data_ptr()), std::size_t(lengths[r].item<std::int64_t>()));
  return out;
}

void Distributed::barrier() {
#ifdef PSR_WITH_C10D_GLOO
  impl_->group->barrier()->wait();
#endif
}

}  // namespace psr::train
