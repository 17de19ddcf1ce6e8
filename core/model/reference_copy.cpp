#include "model/reference_copy.h"

#include <cmath>
#include <limits>

#include <ATen/ATen.h>

namespace psr::model {
namespace {

at::Tensor normed(const at::Tensor& x) { return at::layer_norm(x, {x.size(-1)}, {}, {}, 1e-6); }

// [B, L, 2·D] -> [B, 2, L, D]
at::Tensor twoHeads(const at::Tensor& x, std::int64_t headDim) {
  return x.view({x.size(0), x.size(1), 2, headDim}).transpose(1, 2);
}

// Head 0 rotated, head 1 as is.
at::Tensor ropeFirstHead(const at::Tensor& x, const RopeTables& pe) {
  return at::cat({applyRope(x.narrow(1, 0, 1), pe), x.narrow(1, 1, 1)}, 1);
}

}  // namespace

ReferenceCopyImpl::ReferenceCopyImpl(std::int64_t hidden, std::int64_t headDim) : headDim_(headDim) {
  query = register_module("query", torch::nn::Linear(hidden, 2 * headDim));
  key = register_module("key", torch::nn::Linear(hidden, 2 * headDim));
  gate = register_module("gate", torch::nn::Linear(hidden, 3));
  at::NoGradGuard noGrad;
  // The positional head starts as an in-place copy: equal constant query and key biases make
  // q·R(Δ)k = c²·Σ cos(θ Δ) peak at zero offset, and c = 4 makes that peak sharp (in the
  // default config a neighbour one patch away gets ~e^-2.6 of the weight, reference 2 at the
  // same place ~e^-4.5 of reference 1's). From the default init, 400 steps of copy training
  // did not learn it (docs/generator.md, "Reference use").
  const auto positional = at::full({headDim}, kPositionalBias);
  query->bias.narrow(0, 0, headDim).copy_(positional);
  key->bias.narrow(0, 0, headDim).copy_(positional);
  query->weight.narrow(0, 0, headDim).mul_(0.1);
  key->weight.narrow(0, 0, headDim).mul_(0.1);
  // Gate logits (0, -3.7, -3.7) / kGateScale: 95 % final_layer, 2.4 % each copy, and a weight
  // of zero, so the head starts as a small token-independent blend and learns where copying pays.
  gate->weight.zero_();
  gate->bias.copy_(at::tensor({0.0f, -3.7f, -3.7f}) / kGateScale);
}

at::Tensor ReferenceCopyImpl::keys(const at::Tensor& refHidden, const RopeTables& pe) {
  return ropeFirstHead(twoHeads(key->forward(normed(refHidden)), headDim_), pe);
}

at::Tensor ReferenceCopyImpl::mix(const at::Tensor& x0, const at::Tensor& hidden, const RopeTables& pe,
                                  const at::Tensor& keys, const at::Tensor& values, const at::Tensor& present) {
  const auto b = x0.size(0);
  const auto h = normed(hidden);
  const auto q = ropeFirstHead(twoHeads(query->forward(h), headDim_), pe);           // [B, 2, N, D]
  const auto k = keys.size(0) == b ? keys : keys.expand({b, -1, -1, -1});
  auto logits = at::matmul(q, k.transpose(-1, -2)) * (1.0 / std::sqrt(double(headDim_)));  // [B, 2, N, Nr]
  at::Tensor any;
  if (present.defined()) {
    // A finite fill keeps the softmax finite for a sample with no reference; its gate is 0.
    logits = logits.masked_fill(present.logical_not().view({b, 1, 1, -1}), -1e4);
    any = present.any(1);
  }
  const auto v = (values.size(0) == b ? values : values.expand({b, -1, -1})).to(x0.scalar_type());
  const auto copies = at::matmul(at::softmax(logits, -1), v.unsqueeze(1));  // [B, 2, N, C]
  // Scaled so that Adam's per-step change of the logits is kGateScale times larger.
  auto g = gate->forward(h) * kGateScale;  // [B, N, 3]
  if (any.defined()) {
    const auto copyColumns = at::arange(3, any.options().dtype(at::kLong)).ge(1).view({1, 1, 3});  // gate logits 1 and 2
    const auto off = any.logical_not().view({b, 1, 1}) & copyColumns;
    g = g.masked_fill(off, -std::numeric_limits<float>::infinity());
  }
  const auto w = at::softmax(g, -1);
  return x0 * w.narrow(2, 0, 1) + copies.select(1, 0) * w.narrow(2, 1, 1) + copies.select(1, 1) * w.narrow(2, 2, 1);
}

}  // namespace psr::model
