#include "model/dit_blocks.h"

#include <cmath>

#include <ATen/ATen.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/container/functional.h>

namespace psr::model {
namespace {

torch::nn::Linear makeLinear(std::int64_t in, std::int64_t out, bool bias = true) {
  return torch::nn::Linear(torch::nn::LinearOptions(in, out).bias(bias));
}

// [B, L, H*D] -> [B, H, L, D]
at::Tensor splitHeads(const at::Tensor& x, std::int64_t heads) {
  return x.view({x.size(0), x.size(1), heads, -1}).transpose(1, 2);
}

HeadProjections normedHeads(const at::Tensor& qkv, std::int64_t heads, QkNormImpl& norm) {
  auto parts = qkv.chunk(3, -1);
  return {norm.query_norm->forward(splitHeads(parts[0], heads)), norm.key_norm->forward(splitHeads(parts[1], heads)),
          splitHeads(parts[2], heads)};
}

StreamLayers makeStream(DoubleStreamBlockImpl& block, const std::string& prefix, const DitConfig& c) {
  StreamLayers s;
  s.mod = block.register_module(prefix + "_mod", Modulation(c.hidden, true));
  s.attn = block.register_module(prefix + "_attn", SelfAttention(c.hidden, c.num_heads, c.qkv_bias));
  s.mlp = block.register_module(prefix + "_mlp", feedForward(c.hidden, c.mlpHidden()));
  return s;
}

HeadProjections projectStream(StreamLayers& s, const at::Tensor& x, const ModulationParams& m) {
  return s.attn->project(modulate(x, m));
}

at::Tensor updateStream(StreamLayers& s, const at::Tensor& x, const at::Tensor& attn,
                        const std::array<ModulationParams, 2>& m) {
  const auto h = x + m[0].gate * s.attn->proj->forward(attn);
  return h + m[1].gate * s.mlp->forward(modulate(h, m[1]));
}

}  // namespace

torch::nn::Sequential feedForward(std::int64_t hidden, std::int64_t mlpHidden) {
  return torch::nn::Sequential(makeLinear(hidden, mlpHidden),
                               torch::nn::Functional([](const at::Tensor& x) { return at::gelu(x, "tanh"); }),
                               makeLinear(mlpHidden, hidden));
}

at::Tensor timestepEmbedding(const at::Tensor& t, std::int64_t dim, double maxPeriod) {
  const auto half = dim / 2;
  const auto freqs = at::exp(at::arange(half, t.options().dtype(at::kFloat)) * (-std::log(maxPeriod) / double(half)));
  const auto args = (t.to(at::kFloat) * 1000.0).unsqueeze(1) * freqs.unsqueeze(0);
  return at::cat({args.cos(), args.sin()}, -1);
}

at::Tensor modulate(const at::Tensor& x, const ModulationParams& m) {
  return at::layer_norm(x, {x.size(-1)}, {}, {}, 1e-6) * (1 + m.scale) + m.shift;
}

RmsNormImpl::RmsNormImpl(std::int64_t dim) { scale_ = register_parameter("scale", at::ones({dim})); }

at::Tensor RmsNormImpl::forward(const at::Tensor& x) {
  const auto xf = x.to(at::kFloat);
  const auto normed = xf * at::rsqrt(xf.pow(2).mean(-1, true) + 1e-6);
  return (normed * scale_.to(at::kFloat)).to(x.scalar_type());
}

QkNormImpl::QkNormImpl(std::int64_t headDim) {
  query_norm = register_module("query_norm", RmsNorm(headDim));
  key_norm = register_module("key_norm", RmsNorm(headDim));
}

MlpEmbedderImpl::MlpEmbedderImpl(std::int64_t inDim, std::int64_t hidden) {
  in_layer_ = register_module("in_layer", makeLinear(inDim, hidden));
  out_layer_ = register_module("out_layer", makeLinear(hidden, hidden));
}

at::Tensor MlpEmbedderImpl::forward(const at::Tensor& x) {
  return out_layer_->forward(at::silu(in_layer_->forward(x)));
}

ModulationImpl::ModulationImpl(std::int64_t hidden, bool isDouble) : double_(isDouble) {
  lin_ = register_module("lin", makeLinear(hidden, (isDouble ? 6 : 3) * hidden));
}

std::array<ModulationParams, 2> ModulationImpl::forward(const at::Tensor& vec) {
  const auto out = lin_->forward(at::silu(vec)).unsqueeze(1).chunk(double_ ? 6 : 3, -1);
  std::array<ModulationParams, 2> m;
  m[0] = {out[0], out[1], out[2]};
  if (double_) m[1] = {out[3], out[4], out[5]};
  return m;
}

SelfAttentionImpl::SelfAttentionImpl(std::int64_t hidden, std::int64_t heads, bool qkvBias) : heads_(heads) {
  qkv = register_module("qkv", makeLinear(hidden, 3 * hidden, qkvBias));
  norm = register_module("norm", QkNorm(hidden / heads));
  proj = register_module("proj", makeLinear(hidden, hidden));
}

HeadProjections SelfAttentionImpl::project(const at::Tensor& x) { return normedHeads(qkv->forward(x), heads_, *norm); }

DoubleStreamBlockImpl::DoubleStreamBlockImpl(const DitConfig& config) {
  img = makeStream(*this, "img", config);
  txt = makeStream(*this, "txt", config);
}

HeadProjections DoubleStreamBlockImpl::projectImg(const at::Tensor& x, const ModulationParams& m) {
  return projectStream(img, x, m);
}

HeadProjections DoubleStreamBlockImpl::projectTxt(const at::Tensor& x, const ModulationParams& m) {
  return projectStream(txt, x, m);
}

at::Tensor DoubleStreamBlockImpl::updateImg(const at::Tensor& x, const at::Tensor& attn,
                                            const std::array<ModulationParams, 2>& m) {
  return updateStream(img, x, attn, m);
}

at::Tensor DoubleStreamBlockImpl::updateTxt(const at::Tensor& x, const at::Tensor& attn,
                                            const std::array<ModulationParams, 2>& m) {
  return updateStream(txt, x, attn, m);
}

SingleStreamBlockImpl::SingleStreamBlockImpl(const DitConfig& config)
    : hidden_(config.hidden), heads_(config.num_heads) {
  linear1_ = register_module("linear1", makeLinear(hidden_, 3 * hidden_ + config.mlpHidden()));
  linear2_ = register_module("linear2", makeLinear(hidden_ + config.mlpHidden(), hidden_));
  norm_ = register_module("norm", QkNorm(config.headDim()));
  modulation = register_module("modulation", Modulation(hidden_, false));
}

SingleProjections SingleStreamBlockImpl::project(const at::Tensor& x, const ModulationParams& m) {
  const auto fused = linear1_->forward(modulate(x, m));
  const auto parts = fused.split_with_sizes({3 * hidden_, fused.size(-1) - 3 * hidden_}, -1);
  return {normedHeads(parts[0], heads_, *norm_), parts[1]};
}

at::Tensor SingleStreamBlockImpl::update(const at::Tensor& x, const at::Tensor& attn, const at::Tensor& mlp,
                                         const ModulationParams& m) {
  return x + m.gate * linear2_->forward(at::cat({attn, at::gelu(mlp, "tanh")}, -1));
}

LastLayerImpl::LastLayerImpl(std::int64_t hidden, std::int64_t outChannels) {
  adaLN_modulation =
      register_module("adaLN_modulation", torch::nn::Sequential(torch::nn::SiLU(), makeLinear(hidden, 2 * hidden)));
  linear = register_module("linear", makeLinear(hidden, outChannels));
}

at::Tensor LastLayerImpl::forward(const at::Tensor& x, const at::Tensor& vec) {
  const auto mod = adaLN_modulation->forward(vec).unsqueeze(1).chunk(2, -1);
  return linear->forward(modulate(x, {mod[0], mod[1], {}}));
}

}  // namespace psr::model
