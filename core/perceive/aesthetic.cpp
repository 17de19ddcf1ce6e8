#include "perceive/aesthetic.h"

#include <nlohmann/json.hpp>

namespace psr::perceive {

nlohmann::json AestheticOptions::toJson() const { return {{"input_size", input_size()}, {"width", width()}}; }

AestheticOptions AestheticOptions::fromJson(const nlohmann::json& j) {
  AestheticOptions o;
  o.input_size(j.at("input_size").get<std::int64_t>()).width(j.at("width").get<std::int64_t>());
  return o;
}

AestheticImpl::AestheticImpl(const AestheticOptions& o) : options(o) {
  const auto w = o.width();
  // The stem keeps full resolution: blur, noise, banding and block artifacts live in the
  // highest frequencies.
  stem_ = register_module("stem", ConvBnAct(ConvBnActOptions(3, w)));                       // 64^2
  c1_ = register_module("c1", ConvBnAct(ConvBnActOptions(w, 2 * w).stride(2)));            // 32^2
  c2_ = register_module("c2", ConvBnAct(ConvBnActOptions(2 * w, 4 * w).stride(2)));        // 16^2
  c3_ = register_module("c3", ConvBnAct(ConvBnActOptions(4 * w, 4 * w).stride(2)));        // 8^2
  c4_ = register_module("c4", ConvBnAct(ConvBnActOptions(4 * w, 4 * w)));
  out_ = register_module("out", torch::nn::Linear(8 * w, 1));
}

at::Tensor AestheticImpl::forward(const at::Tensor& x) {
  auto f = c4_->forward(c3_->forward(c2_->forward(c1_->forward(stem_->forward(x)))));
  return out_->forward(at::cat({f.mean({2, 3}), f.amax({2, 3})}, 1)).squeeze(1);
}

double AestheticImpl::macsPerImage() const {
  const auto s = options.input_size();
  return stem_->macs(s, s) + c1_->macs(s, s) + c2_->macs(s / 2, s / 2) + c3_->macs(s / 4, s / 4) +
         c4_->macs(s / 8, s / 8) + double(8 * options.width());
}

at::Tensor bradleyTerryLoss(const at::Tensor& better, const at::Tensor& worse) {
  return -at::log_sigmoid(better - worse).mean();
}

}  // namespace psr::perceive
