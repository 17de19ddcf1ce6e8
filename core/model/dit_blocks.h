#pragma once
// The FLUX.1 building blocks, registered under FLUX's state-dict names. Blocks expose their
// halves (project to q/k/v, apply the attention result) so that DitImpl can run the joint
// sequence or the reference-cached step with the same weights.
#include <array>
#include <cstdint>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include "model/model_config.h"

namespace psr::model {

/// FLUX's sinusoidal embedding of t·1000 (cos half first), [B] -> [B, dim].
at::Tensor timestepEmbedding(const at::Tensor& t, std::int64_t dim = 256, double maxPeriod = 10000.0);

/// FLUX's MLP: Sequential(Linear, GELU(tanh), Linear), so its keys are `.0.` and `.2.`.
torch::nn::Sequential feedForward(std::int64_t hidden, std::int64_t mlpHidden);

/// RMSNorm with a learned per-channel `scale`, computed in fp32.
class RmsNormImpl : public torch::nn::Module {
 public:
  explicit RmsNormImpl(std::int64_t dim);
  at::Tensor forward(const at::Tensor& x);

 private:
  at::Tensor scale_;
};
TORCH_MODULE(RmsNorm);

/// QK-RMSNorm: `query_norm` and `key_norm` over the head dim.
class QkNormImpl : public torch::nn::Module {
 public:
  explicit QkNormImpl(std::int64_t headDim);
  RmsNorm query_norm{nullptr}, key_norm{nullptr};
};
TORCH_MODULE(QkNorm);

/// `in_layer` -> SiLU -> `out_layer` (time_in, vector_in, guidance_in).
class MlpEmbedderImpl : public torch::nn::Module {
 public:
  MlpEmbedderImpl(std::int64_t inDim, std::int64_t hidden);
  at::Tensor forward(const at::Tensor& x);

 private:
  torch::nn::Linear in_layer_{nullptr}, out_layer_{nullptr};
};
TORCH_MODULE(MlpEmbedder);

/// One adaLN triple, each [B, 1, hidden]: x -> (1 + scale)·LN(x) + shift, residual gated by gate.
struct ModulationParams {
  at::Tensor shift, scale, gate;
};

/// `lin` over SiLU(vec), split into one (single) or two (double) ModulationParams.
class ModulationImpl : public torch::nn::Module {
 public:
  ModulationImpl(std::int64_t hidden, bool isDouble);
  std::array<ModulationParams, 2> forward(const at::Tensor& vec);

 private:
  bool double_;
  torch::nn::Linear lin_{nullptr};
};
TORCH_MODULE(Modulation);

/// Per-head queries, keys (QK-normed, RoPE not yet applied) and values, [B, H, L, D] each.
struct HeadProjections {
  at::Tensor q, k, v;
};

/// `qkv`, `norm` (QK-RMSNorm), `proj`.
class SelfAttentionImpl : public torch::nn::Module {
 public:
  SelfAttentionImpl(std::int64_t hidden, std::int64_t heads, bool qkvBias);
  HeadProjections project(const at::Tensor& x);
  torch::nn::Linear qkv{nullptr}, proj{nullptr};
  QkNorm norm{nullptr};

 private:
  std::int64_t heads_;
};
TORCH_MODULE(SelfAttention);

/// One stream of a double block: its modulation, attention and MLP.
struct StreamLayers {
  Modulation mod{nullptr};
  SelfAttention attn{nullptr};
  torch::nn::Sequential mlp{nullptr};
};

/// FLUX double-stream block: separate img/txt weights, joint attention over both streams.
class DoubleStreamBlockImpl : public torch::nn::Module {
 public:
  explicit DoubleStreamBlockImpl(const DitConfig& config);
  /// The stream's q/k/v from its tokens and its first modulation triple.
  HeadProjections projectImg(const at::Tensor& x, const ModulationParams& m);
  HeadProjections projectTxt(const at::Tensor& x, const ModulationParams& m);
  /// The stream's tokens after the attention output [B, L, hidden] and its MLP.
  at::Tensor updateImg(const at::Tensor& x, const at::Tensor& attn, const std::array<ModulationParams, 2>& m);
  at::Tensor updateTxt(const at::Tensor& x, const at::Tensor& attn, const std::array<ModulationParams, 2>& m);
  StreamLayers img, txt;
};
TORCH_MODULE(DoubleStreamBlock);

/// A single-stream block's q/k/v plus its parallel MLP branch (pre-activation).
struct SingleProjections {
  HeadProjections heads;
  at::Tensor mlp;
};

/// FLUX single-stream block: `linear1` (qkv ‖ mlp), `linear2`, `norm`, `modulation`.
class SingleStreamBlockImpl : public torch::nn::Module {
 public:
  explicit SingleStreamBlockImpl(const DitConfig& config);
  SingleProjections project(const at::Tensor& x, const ModulationParams& m);
  at::Tensor update(const at::Tensor& x, const at::Tensor& attn, const at::Tensor& mlp, const ModulationParams& m);
  Modulation modulation{nullptr};

 private:
  std::int64_t hidden_, heads_;
  torch::nn::Linear linear1_{nullptr}, linear2_{nullptr};
  QkNorm norm_{nullptr};
};
TORCH_MODULE(SingleStreamBlock);

/// `adaLN_modulation` (SiLU, Linear) and `linear` back to latent channels.
class LastLayerImpl : public torch::nn::Module {
 public:
  LastLayerImpl(std::int64_t hidden, std::int64_t outChannels);
  at::Tensor forward(const at::Tensor& x, const at::Tensor& vec);
  torch::nn::Sequential adaLN_modulation{nullptr};
  torch::nn::Linear linear{nullptr};
};
TORCH_MODULE(LastLayer);

/// (1 + scale)·LayerNorm(x) + shift, LayerNorm without affine parameters (eps 1e-6).
at::Tensor modulate(const at::Tensor& x, const ModulationParams& m);

}  // namespace psr::model
