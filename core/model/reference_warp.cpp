#include "model/reference_warp.h"

#include <limits>

#include <ATen/ATen.h>

#include "common/error.h"

namespace psr::model {
namespace {

at::Tensor normed(const at::Tensor& x) { return at::layer_norm(x, {x.size(-1)}, {}, {}, 1e-6); }

}  // namespace

ReferenceWarpImpl::ReferenceWarpImpl(std::int64_t hidden, std::int64_t patch, WarpPool pool)
    : patch_(patch), pool_(pool) {
  gate = register_module("gate", torch::nn::Linear(hidden, 1 + kMaxReferences));
  warp = register_module("warp", torch::nn::Linear(hidden, 3 * kMaxReferences));
  at::NoGradGuard noGrad;
  // Offsets 0 and log s = 0 (pooled: a = 0, s = 1): an in-place, same-scale copy until
  // training moves them.
  warp->weight.zero_();
  warp->bias.zero_();
  // Gate logits (0, -3.7, ...) / kGateScale: 95 % final_layer with two references; zero
  // weights so the head starts token-independent (the pointer head's measured init).
  gate->weight.zero_();
  gate->bias.fill_(-3.7 / kGateScale);
  gate->bias.narrow(0, 0, 1).zero_();
}

at::Tensor ReferenceWarpImpl::tokenCentres(const ImageGrid& grid, const at::TensorOptions& options) {
  const auto rows = (at::arange(grid.h, options) + 0.5) * (2.0 / double(grid.h)) - 1.0;
  const auto cols = (at::arange(grid.w, options) + 0.5) * (2.0 / double(grid.w)) - 1.0;
  const auto v = rows.view({-1, 1}).expand({grid.h, grid.w});
  const auto u = cols.view({1, -1}).expand({grid.h, grid.w});
  return at::stack({u.reshape({-1}), v.reshape({-1})}, 1);
}

at::Tensor ReferenceWarpImpl::offsetsOfMaps(const at::Tensor& maps, const ImageGrid& grid) {
  const auto b = maps.size(0), k = maps.size(1), n = grid.tokens();
  const auto centres = tokenCentres(grid, maps.options()).view({1, n, 1, 2});
  const auto a = maps.narrow(2, 0, 2).unsqueeze(1), logs = maps.narrow(2, 2, 1).unsqueeze(1);  // [B, 1, K, .]
  // reference = s · c + a, so the offset from the token's own centre c is (s - 1) · c + a.
  const auto uv = (logs.exp() - 1) * centres + a;  // [B, N, K, 2]
  return at::cat({uv, logs.expand({b, n, k, 1})}, 3);
}

at::Tensor ReferenceWarpImpl::mix(const at::Tensor& x0, const at::Tensor& hidden, const ImageGrid& grid,
                                  const std::vector<at::Tensor>& images, const at::Tensor& present, WarpTrace* trace) {
  const auto b = x0.size(0), n = x0.size(1), k = std::int64_t(images.size()), p = patch_;
  if (k == 0 || k > kMaxReferences || n != grid.tokens() || x0.size(2) != 3 * p * p)
    throw Error("reference warp: " + std::to_string(k) + " references for a " + std::to_string(grid.h) + "x" +
                    std::to_string(grid.w) + " grid of " + std::to_string(n) + " tokens of " +
                    std::to_string(x0.size(2)) + " values (patch " + std::to_string(p) + ")",
                ErrorCode::InvalidArgument);
  const auto h = normed(hidden);
  auto g = gate->forward(h).narrow(2, 0, 1 + k) * kGateScale;  // [B, N, 1 + K]
  if (present.defined()) {
    const auto off = at::cat({at::zeros({b, 1}, present.options()), present.logical_not()}, 1).view({b, 1, 1 + k});
    g = g.masked_fill(off, -std::numeric_limits<float>::infinity());
  }
  const auto w = at::softmax(g, -1);
  if (trace) trace->weights = w;
  auto offsets = warp->forward(h).view({b, n, kMaxReferences, 3}).narrow(2, 0, k);  // [B, N, K, 3]
  offsets = at::cat({offsets.narrow(3, 0, 2), offsets.narrow(3, 2, 1).clamp(-kMaxLogScale, kMaxLogScale)}, 3);
  if (pool_ != WarpPool::Token) {
    // The tokens the gate gives to a reference decide its map; the weights are detached so the
    // pooling does not pull the gate towards tokens whose guesses happen to sample well.
    const auto share = w.narrow(2, 1, k).detach().unsqueeze(3);  // [B, N, K, 1]
    const auto total = share.sum(1).clamp_min(1e-6);             // [B, K, 1]
    at::Tensor maps;
    if (pool_ == WarpPool::Map) {
      if (trace) trace->maps = offsets;
      maps = (offsets * share).sum(1) / total;  // [B, K, 3]
    } else {
      if (trace) trace->tokenOffsets = offsets;
      const auto centres = tokenCentres(grid, offsets.options()).view({1, n, 1, 2});
      const auto logs = (offsets.narrow(3, 2, 1) * share).sum(1) / total;                        // [B, K, 1]
      const auto from = (centres * share).sum(1) / total;                                          // [B, K, 2]
      const auto to = ((centres + offsets.narrow(3, 0, 2)) * share).sum(1) / total;              // [B, K, 2]
      maps = at::cat({to - logs.exp() * from, logs}, 2);
    }
    offsets = offsetsOfMaps(maps, grid);
  }
  if (trace) trace->offsets = offsets;
  const auto copies = warpedCopies(images, offsets, grid, p);  // [B, N, K, C]
  auto out = x0 * w.narrow(2, 0, 1);
  for (std::int64_t r = 0; r < k; ++r) out = out + copies.select(2, r) * w.narrow(2, 1 + r, 1);
  return out;
}

at::Tensor ReferenceWarpImpl::warpedCopies(const std::vector<at::Tensor>& images, const at::Tensor& offsets,
                                           const ImageGrid& grid, std::int64_t patch) {
  if (offsets.dim() != 4 || offsets.size(3) != 3 || offsets.size(1) != grid.tokens() ||
      offsets.size(2) != std::int64_t(images.size()))
    throw Error("reference warp: offsets " + std::string(c10::str(offsets.sizes())) + " for " +
                    std::to_string(images.size()) + " references on a " + std::to_string(grid.h) + "x" +
                    std::to_string(grid.w) + " grid",
                ErrorCode::InvalidArgument);
  const auto b = offsets.size(0), n = offsets.size(1), k = offsets.size(2), p = patch;
  const auto options = offsets.options();
  const auto centres = tokenCentres(grid, options).view({1, n, 1, 2});
  const auto uv = centres + offsets.narrow(3, 0, 2);  // [B, N, K, 2]
  const auto scale = offsets.narrow(3, 2, 1).exp();   // [B, N, K, 1]
  // Pixel (i, j) of a token sits (j + 0.5 - p/2, i + 0.5 - p/2) target pixels from its centre;
  // one target pixel is 2 / (grid · p) in [-1, 1] units, times s in the reference.
  const auto steps = at::arange(p, options) + (0.5 - 0.5 * double(p));
  const auto dx = (steps * (2.0 / double(grid.w * p))).view({1, p}).expand({p, p}).reshape({1, 1, p * p});
  const auto dy = (steps * (2.0 / double(grid.h * p))).view({p, 1}).expand({p, p}).reshape({1, 1, p * p});
  std::vector<at::Tensor> copies;
  for (std::int64_t r = 0; r < k; ++r) {
    const auto u = uv.select(2, r).narrow(2, 0, 1), v = uv.select(2, r).narrow(2, 1, 1);  // [B, N, 1]
    const auto s = scale.select(2, r);                                                     // [B, N, 1]
    const auto points = at::stack({u + s * dx, v + s * dy}, 3);                            // [B, N, p², 2]
    const auto image = images[std::size_t(r)].to(options);
    const auto source = image.size(0) == b ? image : image.expand({b, -1, -1, -1});
    // Bilinear, zeros outside (0 is mid grey in [-1, 1]), pixel centres as in the codec.
    const auto sampled = at::grid_sampler(source, points, 0, 0, false);  // [B, 3, N, p²]
    copies.push_back(sampled.permute({0, 2, 1, 3}).reshape({b, n, 3 * p * p}));
  }
  return at::stack(copies, 2);
}

}  // namespace psr::model
