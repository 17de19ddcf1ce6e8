#include "perceive/subject_features.h"

#include <nlohmann/json.hpp>

#include "perceive/image_ops.h"

namespace psr::perceive {

nlohmann::json SubjectFeaturesOptions::toJson() const {
  return {{"crop_size", crop_size()}, {"width", width()}, {"dim", dim()}, {"crop_margin", crop_margin()}};
}

SubjectFeaturesOptions SubjectFeaturesOptions::fromJson(const nlohmann::json& j) {
  SubjectFeaturesOptions o;
  o.crop_size(j.at("crop_size").get<std::int64_t>()).width(j.at("width").get<std::int64_t>());
  o.dim(j.at("dim").get<std::int64_t>()).crop_margin(j.at("crop_margin").get<double>());
  return o;
}

SubjectFeaturesImpl::SubjectFeaturesImpl(const SubjectFeaturesOptions& o) : options(o) {
  const auto w = o.width();
  stem_ = register_module("stem", ConvBnAct(ConvBnActOptions(3, w)));                      // 32^2
  down1_ = register_module("down1", ConvBnAct(ConvBnActOptions(w, 2 * w).stride(2)));      // 16^2
  mid1_ = register_module("mid1", ConvBnAct(ConvBnActOptions(2 * w, 2 * w)));
  down2_ = register_module("down2", ConvBnAct(ConvBnActOptions(2 * w, 4 * w).stride(2)));  // 8^2
  deep_ = register_module("deep", ConvBnAct(ConvBnActOptions(4 * w, 4 * w)));
  // Mean and max pooling together: the mean keeps the overall look, the max keeps small marks.
  proj_ = register_module("proj", torch::nn::Linear(8 * w, o.dim()));
}

at::Tensor SubjectFeaturesImpl::forward(const at::Tensor& x) {
  auto f = deep_->forward(down2_->forward(mid1_->forward(down1_->forward(stem_->forward(x)))));
  auto pooled = at::cat({f.mean({2, 3}), f.amax({2, 3})}, 1);
  return unitVectors(proj_->forward(pooled), 1);
}

at::Tensor SubjectFeaturesImpl::crops(const at::Tensor& unitImages, const at::Tensor& boxes,
                                      const at::Tensor& imageIndex) const {
  return subjectCrops(unitImages, boxes, imageIndex, options.crop_size(), options.crop_margin());
}

double SubjectFeaturesImpl::macsPerCrop() const {
  const auto s = options.crop_size();
  return stem_->macs(s, s) + down1_->macs(s, s) + mid1_->macs(s / 2, s / 2) + down2_->macs(s / 2, s / 2) +
         deep_->macs(s / 4, s / 4) + double(8 * options.width() * options.dim());
}

at::Tensor supConLoss(const at::Tensor& z, const at::Tensor& labels, double temperature) {
  const auto n = z.size(0);
  const auto sim = at::matmul(z, z.t()) / temperature;
  const auto self = at::eye(n, z.options().dtype(at::kBool));
  const auto logits = sim.masked_fill(self, -1e9);
  const auto logProb = logits - at::logsumexp(logits, 1, true);
  const auto l = labels.to(z.device());
  const auto positive = (l.unsqueeze(0) == l.unsqueeze(1)).logical_and(self.logical_not()).to(z.scalar_type());
  const auto count = positive.sum(1);
  const auto has = count > 0;
  const auto perAnchor = -(logProb * positive).sum(1) / count.clamp_min(1.0);
  return perAnchor.masked_select(has).mean();
}

}  // namespace psr::perceive
