#include "train_data/patch_roughness.h"

#include <string>

#include <ATen/ATen.h>

#include "common/error.h"

namespace psr::train_data {
namespace {

// [n - 1] bool: neighbour pair (j, j + 1) lies inside one patch.
at::Tensor insidePairs(std::int64_t n, std::int64_t patch) {
  auto j = at::arange(n - 1, at::kLong);
  return (j + 1).remainder(patch).ne(0);
}

}  // namespace

std::vector<double> patchRoughness(const at::Tensor& images, std::int64_t patch) {
  if (images.dim() != 4 || images.size(2) < 2 || images.size(3) < 2 || patch < 2)
    throw Error("patchRoughness: images must be [B, C, H, W] with H, W >= 2 and patch >= 2, got " +
                    std::string(c10::str(images.sizes())),
                ErrorCode::InvalidArgument);
  const auto x = images.to(at::kFloat).cpu();
  const auto h = x.size(2), w = x.size(3);
  const auto dx = (x.narrow(3, 1, w - 1) - x.narrow(3, 0, w - 1)).abs().index_select(3, insidePairs(w, patch).nonzero().flatten());
  const auto dy = (x.narrow(2, 1, h - 1) - x.narrow(2, 0, h - 1)).abs().index_select(2, insidePairs(h, patch).nonzero().flatten());
  const auto sum = dx.flatten(1).sum(1) + dy.flatten(1).sum(1);
  const auto count = double(dx[0].numel() + dy[0].numel());
  std::vector<double> out;
  for (std::int64_t i = 0; i < x.size(0); ++i) out.push_back(sum[i].item<double>() / count);
  return out;
}

}  // namespace psr::train_data
