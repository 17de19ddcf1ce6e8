#include "perceive/psr_reward.h"

#include <algorithm>
#include <map>
#include <numeric>

#include "common/error.h"

namespace psr::perceive {
namespace {

PixelRect rectOf(const Detection& d) { return {d.x0, d.y0, d.x1, d.y1}; }

PixelRect wholeImage(const at::Tensor& images) { return {0.f, 0.f, float(images.size(3)), float(images.size(2))}; }

std::vector<Detection> confident(const std::vector<Detection>& ds, double minConfidence) {
  std::vector<Detection> out;
  for (const auto& d : ds) {
    if (d.confidence >= minConfidence) out.push_back(d);
  }
  return out;
}

/// Boxes to crop from one image batch, collected so that each is embedded once.
struct CropList {
  std::vector<float> boxes;
  std::vector<std::int64_t> image;
  std::int64_t add(std::int64_t imageIndex, const PixelRect& r) {
    boxes.insert(boxes.end(), r.begin(), r.end());
    image.push_back(imageIndex);
    return std::int64_t(image.size()) - 1;
  }
  at::Tensor embed(SubjectFeaturesImpl& f, const at::Tensor& images) const {
    if (image.empty()) return at::empty({0, f.options.dim()});
    const auto b = at::tensor(boxes).view({-1, 4}).to(images.device());
    const auto idx = at::tensor(image).to(images.device());
    return f.forward(f.crops(images, b, idx)).to(at::kCPU, at::kFloat);
  }
};

}  // namespace

std::vector<int> bestAssignment(const std::vector<std::vector<double>>& score) {
  const int rows = int(score.size());
  const int cols = rows == 0 ? 0 : int(score[0].size());
  std::vector<int> best(std::size_t(rows), -1);
  if (rows == 0 || cols == 0) return best;
  // Permute the columns padded with "none" (-1) entries, so any row may stay unassigned.
  std::vector<int> pool(std::size_t(std::max(rows, cols)), -1);
  std::iota(pool.begin(), pool.begin() + cols, 0);
  std::sort(pool.begin(), pool.end());
  double bestSum = -1e300;
  do {
    double sum = 0;
    for (int r = 0; r < rows; ++r) sum += pool[std::size_t(r)] >= 0 ? score[std::size_t(r)][std::size_t(pool[std::size_t(r)])] : 0.0;
    if (sum > bestSum) bestSum = sum, best.assign(pool.begin(), pool.begin() + rows);
  } while (std::next_permutation(pool.begin(), pool.end()));
  return best;
}

std::vector<PsrScore> psrReward(SubjectFeaturesImpl& features, const at::Tensor& generated, const at::Tensor& references,
                                const std::vector<PsrSample>& samples, PsrMode mode, double minConfidence) {
  if (std::int64_t(samples.size()) != generated.size(0)) {
    throw Error("psrReward: " + std::to_string(samples.size()) + " samples for " + std::to_string(generated.size(0)) +
                " generated images", ErrorCode::InvalidArgument);
  }
  CropList gen, ref;
  // Per sample, per subject: reference crop row and the generated crop rows to consider.
  std::vector<std::vector<std::int64_t>> refRow(samples.size());
  std::vector<std::vector<std::vector<std::int64_t>>> genRows(samples.size());
  std::vector<std::vector<std::vector<PixelRect>>> genRects(samples.size());
  std::vector<std::vector<PixelRect>> refRects(samples.size());
  std::vector<std::vector<bool>> officialFound(samples.size());
  for (std::size_t s = 0; s < samples.size(); ++s) {
    const auto& subjects = samples[s].subjects;
    genRows[s].resize(subjects.size());
    genRects[s].resize(subjects.size());
    std::map<std::int64_t, int> seen;  // category -> subjects of it so far
    for (std::size_t i = 0; i < subjects.size(); ++i) {
      const auto& sub = subjects[i];
      if (sub.reference < 0 || sub.reference >= references.size(0)) {
        throw Error("psrReward: subject " + std::to_string(i) + " names reference " + std::to_string(sub.reference) +
                    " of " + std::to_string(references.size(0)), ErrorCode::InvalidArgument);
      }
      const auto refDet = confident(sub.inReference, minConfidence);
      // A reference shows its subject by definition; when the detector misses it, use it whole.
      refRects[s].push_back(refDet.empty() ? wholeImage(references) : rectOf(refDet[0]));
      refRow[s].push_back(ref.add(sub.reference, refRects[s].back()));
      const auto genDet = confident(sub.inGenerated, minConfidence);
      const int k = seen[sub.category]++;
      if (mode == PsrMode::Official) {
        officialFound[s].push_back(std::size_t(k) < genDet.size());
        const PixelRect r = officialFound[s].back() ? rectOf(genDet[std::size_t(k)]) : wholeImage(generated);
        genRects[s][i].push_back(r);
        genRows[s][i].push_back(gen.add(std::int64_t(s), r));
      } else {
        for (const auto& d : genDet) {
          genRects[s][i].push_back(rectOf(d));
          genRows[s][i].push_back(gen.add(std::int64_t(s), rectOf(d)));
        }
      }
    }
  }
  const auto genEmb = gen.embed(features, generated);
  const auto refEmb = ref.embed(features, references);
  auto cosine = [&](std::int64_t g, std::int64_t r) { return (genEmb[g] * refEmb[r]).sum().item<double>(); };

  std::vector<PsrScore> out(samples.size());
  for (std::size_t s = 0; s < samples.size(); ++s) {
    const auto& subjects = samples[s].subjects;
    auto& result = out[s];
    result.subjects.resize(subjects.size());
    for (std::size_t i = 0; i < subjects.size(); ++i) result.subjects[i].referenceBox = refRects[s][i];
    if (mode == PsrMode::Official) {
      for (std::size_t i = 0; i < subjects.size(); ++i) {
        auto& r = result.subjects[i];
        r.score = cosine(genRows[s][i][0], refRow[s][i]);
        r.generatedBox = genRects[s][i][0];
        r.found = officialFound[s][i];
      }
    } else {
      // Subjects sharing a category compete for that category's boxes.
      std::map<std::int64_t, std::vector<std::size_t>> groups;
      for (std::size_t i = 0; i < subjects.size(); ++i) groups[subjects[i].category].push_back(i);
      for (const auto& [category, members] : groups) {
        const auto& candidates = genRows[s][members[0]];
        std::vector<std::vector<double>> sim(members.size(), std::vector<double>(candidates.size()));
        for (std::size_t m = 0; m < members.size(); ++m) {
          const auto& own = genRows[s][members[m]];
          // Below any cosine: a box this subject's query did not return is never chosen.
          for (std::size_t c = 0; c < candidates.size(); ++c) sim[m][c] = c < own.size() ? cosine(own[c], refRow[s][members[m]]) : -2.0;
        }
        const auto assigned = bestAssignment(sim);
        for (std::size_t m = 0; m < members.size(); ++m) {
          auto& r = result.subjects[members[m]];
          r.found = assigned[m] >= 0 && sim[m][std::size_t(assigned[m])] > -2.0;
          r.score = r.found ? sim[m][std::size_t(assigned[m])] : 0.0;
          if (r.found) r.generatedBox = genRects[s][members[m]][std::size_t(assigned[m])];
        }
      }
    }
    double sum = 0;
    for (const auto& r : result.subjects) sum += r.score;
    result.psr = subjects.empty() ? 0.0 : sum / double(subjects.size());
  }
  return out;
}

}  // namespace psr::perceive
