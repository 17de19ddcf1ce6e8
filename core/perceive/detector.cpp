#include "perceive/detector.h"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "perceive/image_ops.h"

namespace psr::perceive {

nlohmann::json GroundingDetectorOptions::toJson() const {
  return {{"input_size", input_size()}, {"width", width()},           {"classifier_width", classifier_width()},
          {"categories", categories()}, {"accessories", accessories()}, {"actions", actions()},
          {"backgrounds", backgrounds()}, {"action_margin", action_margin()}};
}

GroundingDetectorOptions GroundingDetectorOptions::fromJson(const nlohmann::json& j) {
  GroundingDetectorOptions o;
  o.input_size(j.at("input_size").get<std::int64_t>()).width(j.at("width").get<std::int64_t>());
  o.classifier_width(j.at("classifier_width").get<std::int64_t>()).categories(j.at("categories").get<std::int64_t>());
  o.accessories(j.at("accessories").get<std::int64_t>()).actions(j.at("actions").get<std::int64_t>());
  o.backgrounds(j.at("backgrounds").get<std::int64_t>());
  o.action_margin(j.value("action_margin", 0.0));  // absent in the first shipped detector: no action crop
  if (!(o.action_margin() >= 0.0 && o.action_margin() <= 2.0)) {
    throw Error("detector config: action_margin must lie in [0, 2]", ErrorCode::Corrupt);
  }
  return o;
}

GroundingDetectorImpl::GroundingDetectorImpl(const GroundingDetectorOptions& o) : options(o) {
  const auto w = o.width();
  stem_ = register_module("stem", ConvBnAct(ConvBnActOptions(3, w).stride(2)));            // 32^2
  down1_ = register_module("down1", ConvBnAct(ConvBnActOptions(w, 2 * w).stride(2)));      // 16^2
  mid1_ = register_module("mid1", ConvBnAct(ConvBnActOptions(2 * w, 2 * w)));
  down2_ = register_module("down2", ConvBnAct(ConvBnActOptions(2 * w, 4 * w).stride(2)));  // 8^2
  deep1_ = register_module("deep1", ConvBnAct(ConvBnActOptions(4 * w, 4 * w)));
  deep2_ = register_module("deep2", ConvBnAct(ConvBnActOptions(4 * w, 4 * w)));
  lateral_ = register_module("lateral", torch::nn::Conv2d(torch::nn::Conv2dOptions(4 * w, 2 * w, 1)));
  fuse_ = register_module("fuse", ConvBnAct(ConvBnActOptions(2 * w, 2 * w)));
  head_ = register_module("head", ConvBnAct(ConvBnActOptions(2 * w, 2 * w)));
  out_ = register_module("out", torch::nn::Conv2d(torch::nn::Conv2dOptions(2 * w, 5, 1)));
  backgroundHead_ = register_module("background", torch::nn::Linear(4 * w, o.backgrounds()));
  classifier_ = register_module("classifier", SubjectClassifier(SubjectClassifierOptions()
                                                                    .width(o.classifier_width())
                                                                    .categories(o.categories())
                                                                    .accessories(o.accessories())
                                                                    .actions(o.actions())
                                                                    .action_margin(o.action_margin())));
  // CenterNet's prior: centres are rare, so start the heatmap near p = 0.1.
  torch::NoGradGuard noGrad;
  out_->bias[0].fill_(-2.19);
}

DetectorOutput GroundingDetectorImpl::forward(const at::Tensor& x) {
  auto f16 = mid1_->forward(down1_->forward(stem_->forward(x)));
  auto f8 = deep2_->forward(deep1_->forward(down2_->forward(f16)));
  auto up = at::upsample_nearest2d(lateral_->forward(f8), {f16.size(2), f16.size(3)});
  auto h = out_->forward(head_->forward(fuse_->forward(f16 + up)));
  return {h.slice(1, 0, 1), h.slice(1, 1, 5), backgroundHead_->forward(f8.mean({2, 3}))};
}

std::pair<at::Tensor, at::Tensor> GroundingDetectorImpl::peaks(const DetectorOutput& out, std::int64_t topK) {
  const auto B = out.heat.size(0), H = out.heat.size(2), W = out.heat.size(3);
  const double stride = double(options.input_size()) / double(W);
  topK = std::min<std::int64_t>(topK, H * W);
  const auto heat = at::sigmoid(out.heat.to(at::kFloat));
  const auto local = heat * (at::max_pool2d(heat, {3, 3}, {1, 1}, {1, 1}) == heat).to(at::kFloat);
  const auto [score, cell] = local.view({B, H * W}).topk(topK, 1);
  const auto box = out.box.to(at::kFloat).reshape({B, 4, H * W}).gather(2, cell.unsqueeze(1).expand({B, 4, topK}));
  const auto cx = ((cell % W).to(at::kFloat) + at::sigmoid(box.select(1, 0))) * stride;
  const auto cy = (at::floor_divide(cell, W).to(at::kFloat) + at::sigmoid(box.select(1, 1))) * stride;
  const auto bw = at::exp(box.select(1, 2).clamp(-3.0, 4.0)) * stride, bh = at::exp(box.select(1, 3).clamp(-3.0, 4.0)) * stride;
  return {at::stack({cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2}, 2), score};
}

std::vector<std::vector<Detection>> GroundingDetectorImpl::decode(const DetectorOutput& out, const at::Tensor& unitImages,
                                                                  const std::vector<DetectionQuery>& queries,
                                                                  double minConfidence, std::int64_t topK,
                                                                  double minObjectness, bool readActions) {
  const auto [boxesIn, scoreT] = peaks(out, topK);
  const auto K = scoreT.size(1);
  const double sx = double(unitImages.size(3)) / double(options.input_size());
  const double sy = double(unitImages.size(2)) / double(options.input_size());
  const auto boxes = (boxesIn * at::tensor({sx, sy, sx, sy}, boxesIn.options())).cpu().contiguous();
  const auto scores = scoreT.cpu().contiguous();
  // Classify only the centres of queried images that are objects at all.
  std::vector<char> queried(std::size_t(scores.size(0)), 0);
  for (const auto& q : queries) queried.at(std::size_t(q.image)) = 1;
  std::vector<std::int64_t> rowOf(std::size_t(scores.numel()), -1), image, cellIndex;
  const auto s = scores.accessor<float, 2>();
  for (std::int64_t b = 0; b < scores.size(0); ++b) {
    for (std::int64_t k = 0; k < K; ++k) {
      if (!queried[std::size_t(b)] || s[b][k] < minObjectness) continue;
      rowOf[std::size_t(b * K + k)] = std::int64_t(image.size());
      image.push_back(b);
      cellIndex.push_back(b * K + k);
    }
  }
  std::vector<std::vector<Detection>> result(queries.size());
  if (image.empty()) return result;
  const auto imageT = at::tensor(image).to(unitImages.device());
  const auto crops = boxes.view({-1, 4}).index_select(0, at::tensor(cellIndex)).to(unitImages.device());
  const bool reader = classifier_->hasActionReader();
  const auto cls = classifier_->forward(unitImages, crops, imageT, /*withActions=*/!reader);
  const auto category = at::softmax(cls.category, 1).to(at::kCPU, at::kFloat).contiguous();
  const auto accessory = at::sigmoid(cls.accessory).to(at::kCPU, at::kFloat).contiguous();
  const auto A = accessory.size(1), C = category.size(1);
  // Which centres each query keeps, before reading any action.
  struct Kept {
    std::size_t query;
    std::int64_t cell, row;
    float confidence;
  };
  std::vector<Kept> kept;
  for (std::size_t q = 0; q < queries.size(); ++q) {
    const auto b = queries[q].image, c = queries[q].category;
    for (std::int64_t k = 0; k < K; ++k) {
      const auto row = rowOf[std::size_t(b * K + k)];
      if (row < 0) continue;
      const float conf = s[b][k] * category.data_ptr<float>()[row * C + c];
      if (conf >= minConfidence) kept.push_back({q, b * K + k, row, conf});
    }
  }
  // Actions: the old layout's head ran with the category trunk; an ActionReader runs only on
  // the kept rows (each once, however many queries kept it).
  at::Tensor action;
  std::vector<std::int64_t> actionRow(image.size(), -1);
  if (!reader) {
    action = at::softmax(cls.action, 1).to(at::kCPU, at::kFloat).contiguous();
    for (std::size_t r = 0; r < actionRow.size(); ++r) actionRow[r] = std::int64_t(r);
  } else if (readActions && !kept.empty()) {
    std::vector<std::int64_t> rows;
    for (const auto& kd : kept) {
      if (actionRow[std::size_t(kd.row)] >= 0) continue;
      actionRow[std::size_t(kd.row)] = std::int64_t(rows.size());
      rows.push_back(kd.row);
    }
    const auto pick = at::tensor(rows).to(unitImages.device());
    action = at::softmax(classifier_->readActions(unitImages, crops.index_select(0, pick), imageT.index_select(0, pick)), 1)
                 .to(at::kCPU, at::kFloat)
                 .contiguous();
    actionsRead_ += std::int64_t(rows.size());
  }
  classified_ += std::int64_t(image.size());
  const auto Kc = action.defined() ? action.size(1) : 0;
  const float* boxData = boxes.data_ptr<float>();
  for (const auto& kd : kept) {
    const float* bx = boxData + kd.cell * 4;
    Detection d;
    d.x0 = std::clamp(bx[0], 0.0f, float(unitImages.size(3)));
    d.y0 = std::clamp(bx[1], 0.0f, float(unitImages.size(2)));
    d.x1 = std::clamp(bx[2], 0.0f, float(unitImages.size(3)));
    d.y1 = std::clamp(bx[3], 0.0f, float(unitImages.size(2)));
    d.confidence = kd.confidence;
    d.accessoryProbs.assign(accessory.data_ptr<float>() + kd.row * A, accessory.data_ptr<float>() + (kd.row + 1) * A);
    if (const auto ar = actionRow[std::size_t(kd.row)]; ar >= 0 && action.defined()) {
      d.actionProbs.assign(action.data_ptr<float>() + ar * Kc, action.data_ptr<float>() + (ar + 1) * Kc);
    }
    result[kd.query].push_back(std::move(d));
  }
  for (auto& detections : result) {
    std::sort(detections.begin(), detections.end(),
              [](const Detection& l, const Detection& r) { return l.confidence > r.confidence; });
  }
  return result;
}

double GroundingDetectorImpl::macsPerImage() const {
  const auto s = options.input_size();
  const auto w = options.width();
  const double cells16 = double(s / 4) * double(s / 4), cells8 = double(s / 8) * double(s / 8);
  return stem_->macs(s, s) + down1_->macs(s / 2, s / 2) + mid1_->macs(s / 4, s / 4) + down2_->macs(s / 4, s / 4) +
         deep1_->macs(s / 8, s / 8) + deep2_->macs(s / 8, s / 8) + fuse_->macs(s / 4, s / 4) +
         head_->macs(s / 4, s / 4) + cells8 * double(4 * w * 2 * w) + cells16 * double(2 * w * 5) +
         double(4 * w * options.backgrounds());
}

}  // namespace psr::perceive
