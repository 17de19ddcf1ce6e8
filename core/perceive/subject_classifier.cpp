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
  if (o.action_margin() > 0) {
    actionReader_ = register_module("action_reader", ActionReader(w, o.actions()));
  } else {
    action_ = register_module("action", torch::nn::Linear(8 * w, o.actions()));
  }
}

SubjectClassification SubjectClassifierImpl::forward(const at::Tensor& unitImages, const at::Tensor& boxes,
                                                     const at::Tensor& imageIndex, bool withActions) {
  const auto x = subjectCrops(unitImages, boxes, imageIndex, options.crop_size(), options.crop_margin());
  auto f = deep_->forward(down2_->forward(mid1_->forward(down1_->forward(stem_->forward(x)))));
  auto pooled = at::cat({f.mean({2, 3}), f.amax({2, 3})}, 1);
  at::Tensor action;
  if (actionReader_) {
    if (withActions) action = readActions(unitImages, boxes, imageIndex);
  } else {
    action = action_->forward(pooled);
  }
  return {category_->forward(pooled), accessory_->forward(pooled), action};
}

at::Tensor SubjectClassifierImpl::readActions(const at::Tensor& unitImages, const at::Tensor& boxes,
                                              const at::Tensor& imageIndex) {
  return actionReader_->forward(subjectCrops(unitImages, boxes, imageIndex, options.crop_size(), options.action_margin()));
}

ActionReaderImpl::ActionReaderImpl(std::int64_t w, std::int64_t actions) {
  stem_ = register_module("stem", ConvBnAct(ConvBnActOptions(3, w)));
  down1_ = register_module("down1", ConvBnAct(ConvBnActOptions(w, 2 * w).stride(2)));
  mid1_ = register_module("mid1", ConvBnAct(ConvBnActOptions(2 * w, 2 * w)));
  down2_ = register_module("down2", ConvBnAct(ConvBnActOptions(2 * w, 4 * w).stride(2)));
  deep_ = register_module("deep", ConvBnAct(ConvBnActOptions(4 * w, 4 * w)));
  head_ = register_module("head", torch::nn::Linear(4 * w * (2 + 4), actions));
}

at::Tensor ActionReaderImpl::forward(const at::Tensor& x) {
  auto f = deep_->forward(down2_->forward(mid1_->forward(down1_->forward(stem_->forward(x)))));
  auto quadrants = at::adaptive_avg_pool2d(f, {2, 2}).flatten(1);
  return head_->forward(at::cat({f.mean({2, 3}), f.amax({2, 3}), quadrants}, 1));
}

double ActionReaderImpl::macs(std::int64_t s) const {
  const auto& head = head_->options;
  return stem_->macs(s, s) + down1_->macs(s, s) + mid1_->macs(s / 2, s / 2) + down2_->macs(s / 2, s / 2) +
         deep_->macs(s / 4, s / 4) + double(head.in_features() * head.out_features());
}

double SubjectClassifierImpl::macsPerCrop() const {
  const auto s = options.crop_size();
  const double pooled = double(8 * options.width());
  const double trunk = stem_->macs(s, s) + down1_->macs(s, s) + mid1_->macs(s / 2, s / 2) +
                       down2_->macs(s / 2, s / 2) + deep_->macs(s / 4, s / 4);
  if (actionReader_) {
    return trunk + pooled * double(options.categories() + options.accessories()) + actionReader_->macs(s);
  }
  return trunk + pooled * double(options.categories() + options.accessories() + options.actions());
}

double SubjectClassifierImpl::actionReaderMacsPerCrop() const {
  return actionReader_ ? actionReader_->macs(options.crop_size()) : 0.0;
}

}  // namespace psr::perceive
