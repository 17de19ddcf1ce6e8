#include "perceive/conv_block.h"

#include <ATen/ops/relu.h>

namespace psr::perceive {

ConvBnActImpl::ConvBnActImpl(const ConvBnActOptions& o) : options(o) {
  conv_ = register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(o.in(), o.out(), o.kernel())
                                                        .stride(o.stride())
                                                        .padding(o.kernel() / 2)
                                                        .bias(false)));
  bn_ = register_module("bn", torch::nn::BatchNorm2d(o.out()));
}

at::Tensor ConvBnActImpl::forward(const at::Tensor& x) { return at::relu(bn_->forward(conv_->forward(x))); }

double ConvBnActImpl::macs(std::int64_t h, std::int64_t w) const {
  const double oh = double((h + options.stride() - 1) / options.stride());
  const double ow = double((w + options.stride() - 1) / options.stride());
  return oh * ow * double(options.out() * options.in() * options.kernel() * options.kernel());
}

}  // namespace psr::perceive
