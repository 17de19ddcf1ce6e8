#include "perceive/subject_classifier.h"

#include "perceive/image_ops.h"

namespace psr::perceive {

SubjectClassifierImpl::SubjectClassifierImpl(const SubjectClassifierOptions& o) : options(o) {
  const auto w = o.width();
  stem_ = register_module("stem", ConvBnAct(ConvBnActOptions(3, w)));                      // 32^2
  down1_ = register_module("down1", ConvBnAct(ConvBnActOptions(w, 2 * w).stride(2)));      // 16^2
  mid1_ = register_module("mid1", ConvBnAct(ConvBnActOptions(2 * w, 2 * w)));
  down2_ = register_module("down2", ConvBnAct(ConvBnActOptions(2 * w, 4 * w).stride(2)));  // 8^2
  deep_ = register_module("deep", ConvBnAct(ConvBnActOptions(4 * w, 4 * w)));
  category_ = register_module("category", torch::nn::Linear(8 * w, o.categories()));
  accessory_ = register_module("accessory", torch::nn::Linear(8 * w, o.accessories()));
  action_ = register_module("action", torch::nn::Linear(8 * w, o.actions()));
}

SubjectClassification SubjectClassifierImpl::forward(const at::Tensor& x) {
  auto f = deep_->forward(down2_->forward(mid1_->forward(down1_->forward(stem_->forward(x)))));
  auto pooled = at::cat({f.mean({2, 3}), f.amax({2, 3})}, 1);
  return {category_->forward(pooled), accessory_->forward(pooled), action_->forward(pooled)};
}

at::Tensor SubjectClassifierImpl::crops(const at::Tensor& unitImages, const at::Tensor& boxes,
                                        const at::Tensor& imageIndex) const {
  return subjectCrops(unitImages, boxes, imageIndex, options.crop_size(), options.crop_margin());
}

double SubjectClassifierImpl::macsPerCrop() const {
  const auto s = options.crop_size();
  const double pooled = double(8 * options.width());
  return stem_->macs(s, s) + down1_->macs(s, s) + mid1_->macs(s / 2, s / 2) + down2_->macs(s / 2, s / 2) +
         deep_->macs(s / 4, s / 4) + pooled * double(options.categories() + options.accessories() + options.actions());
}

}  // namespace psr::perceive
