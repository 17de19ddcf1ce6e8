#pragma once
// The one building block of the small perception CNNs: 3x3 (or 1x1) convolution, batch norm, ReLU.
#include <cstdint>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

namespace psr::perceive {

/// Shape of one ConvBnAct layer.
struct ConvBnActOptions {
  ConvBnActOptions(std::int64_t in, std::int64_t out) : in_(in), out_(out) {}
  TORCH_ARG(std::int64_t, in);
  TORCH_ARG(std::int64_t, out);
  TORCH_ARG(std::int64_t, kernel) = 3;
  TORCH_ARG(std::int64_t, stride) = 1;
};

/// conv (no bias) -> bn -> relu; checkpoint keys `conv.weight`, `bn.*`.
class ConvBnActImpl : public torch::nn::Module {
 public:
  explicit ConvBnActImpl(const ConvBnActOptions& options);
  /// [B, in, H, W] -> [B, out, H/stride, W/stride].
  at::Tensor forward(const at::Tensor& x);
  /// Multiply-adds of one forward on an input of size h x w (per image).
  double macs(std::int64_t h, std::int64_t w) const;

  ConvBnActOptions options;

 private:
  torch::nn::Conv2d conv_{nullptr};
  torch::nn::BatchNorm2d bn_{nullptr};
};
TORCH_MODULE(ConvBnAct);

}  // namespace psr::perceive
