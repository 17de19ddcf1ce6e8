#include "perceive_data/copy_leakage.h"

#include <ATen/ATen.h>

#include "perceive/image_ops.h"

namespace psr::perceive_data {

std::vector<std::vector<double>> referenceCropDistances(const at::Tensor& generated, const at::Tensor& references,
                                                        const std::vector<perceive::RewardResult>& results,
                                                        const std::vector<perceive::RewardRequest>& requests) {
  std::vector<float> genBoxes, refBoxes;
  std::vector<std::int64_t> genIndex, refIndex;
  for (std::size_t b = 0; b < results.size(); ++b) {
    const auto& subjects = results[b].psr.subjects;
    for (std::size_t i = 0; i < subjects.size(); ++i) {
      genBoxes.insert(genBoxes.end(), subjects[i].generatedBox.begin(), subjects[i].generatedBox.end());
      refBoxes.insert(refBoxes.end(), subjects[i].referenceBox.begin(), subjects[i].referenceBox.end());
      genIndex.push_back(std::int64_t(b));
      refIndex.push_back(requests.at(b).references.at(i));
    }
  }
  std::vector<std::vector<double>> out(results.size());
  if (genIndex.empty()) return out;
  const auto n = std::int64_t(genIndex.size());
  const auto a = perceive::cropAndResize(generated.to(at::kFloat), at::tensor(genBoxes).view({n, 4}), at::tensor(genIndex), 32);
  const auto r = perceive::cropAndResize(references.to(at::kFloat), at::tensor(refBoxes).view({n, 4}), at::tensor(refIndex), 32);
  const auto d = (a - r).abs().flatten(1).mean(1).to(at::kDouble).contiguous();
  std::int64_t row = 0;
  for (std::size_t b = 0; b < results.size(); ++b) {
    for (std::size_t i = 0; i < results[b].psr.subjects.size(); ++i) out[b].push_back(d[row++].item<double>());
  }
  return out;
}

}  // namespace psr::perceive_data
