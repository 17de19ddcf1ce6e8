#include "pipeline/consistency.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "common/error.h"

namespace psr::pipeline {
namespace {

constexpr int kLayoutSide = 8;
constexpr int kLeakSide = 16;
constexpr int kHistBins = 4;  // per channel

/// Mask-weighted area average of an RGB crop onto side x side cells; cells without masked
/// pixels take the crop's masked mean so empty corners do not count as black.
std::vector<double> downscaled(const world::Image& px, const std::vector<std::uint8_t>& mask, int side) {
  std::vector<double> sum(std::size_t(side) * side * 3, 0.0), weight(std::size_t(side) * side, 0.0);
  std::array<double, 3> total{};
  double totalWeight = 0;
  for (int y = 0; y < px.height; ++y) {
    const int cy = y * side / px.height;
    for (int x = 0; x < px.width; ++x) {
      const double w = mask[std::size_t(y) * px.width + x] / 255.0;
      if (w == 0) continue;
      const std::size_t cell = std::size_t(cy) * side + std::size_t(x * side / px.width);
      const std::uint8_t* p = px.at(x, y);
      for (int c = 0; c < 3; ++c) {
        sum[cell * 3 + c] += w * p[c];
        total[std::size_t(c)] += w * p[c];
      }
      weight[cell] += w;
      totalWeight += w;
    }
  }
  for (std::size_t cell = 0; cell < weight.size(); ++cell) {
    for (int c = 0; c < 3; ++c) {
      sum[cell * 3 + c] = weight[cell] > 0 ? sum[cell * 3 + c] / weight[cell]
                                           : (totalWeight > 0 ? total[std::size_t(c)] / totalWeight : 0.0);
    }
  }
  return sum;
}

std::vector<double> histogram(const MaskedCrop& crop) {
  std::vector<double> h(kHistBins * kHistBins * kHistBins, 0.0);
  double n = 0;
  for (int y = 0; y < crop.pixels.height; ++y) {
    for (int x = 0; x < crop.pixels.width; ++x) {
      if (crop.mask[std::size_t(y) * crop.pixels.width + x] < 128) continue;
      const std::uint8_t* p = crop.pixels.at(x, y);
      const int bin = (p[0] * kHistBins / 256) * kHistBins * kHistBins + (p[1] * kHistBins / 256) * kHistBins +
                      p[2] * kHistBins / 256;
      h[std::size_t(bin)] += 1;
      n += 1;
    }
  }
  if (n > 0) {
    for (double& v : h) v /= n;
  }
  return h;
}

double centredCosine(std::vector<double> a, std::vector<double> b) {
  auto centre = [](std::vector<double>& v) {
    double mean = 0;
    for (double x : v) mean += x;
    mean /= double(v.size());
    for (double& x : v) x -= mean;
  };
  centre(a);
  centre(b);
  double ab = 0, aa = 0, bb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) ab += a[i] * b[i], aa += a[i] * a[i], bb += b[i] * b[i];
  if (aa <= 0 || bb <= 0) return aa == bb ? 1.0 : 0.0;  // two flat crops agree; flat vs textured does not
  return ab / std::sqrt(aa * bb);
}

world::PixelBox clipped(const world::Image& image, world::PixelBox b) {
  b.x0 = std::clamp(b.x0, 0, image.width);
  b.x1 = std::clamp(b.x1, 0, image.width);
  b.y0 = std::clamp(b.y0, 0, image.height);
  b.y1 = std::clamp(b.y1, 0, image.height);
  return b;
}

}  // namespace

MaskedCrop maskedCrop(const world::Image& image, const Detection& detection) {
  const world::PixelBox box = clipped(image, detection.box);
  if (box.empty()) throw Error("cannot crop an empty detection box", ErrorCode::InvalidArgument);
  MaskedCrop out;
  out.pixels = world::crop(image, box);
  out.mask.assign(std::size_t(box.width()) * box.height(), 255);
  const bool hasMask = detection.mask.size() == std::size_t(image.width) * image.height;
  if (hasMask) {
    for (int y = 0; y < box.height(); ++y) {
      for (int x = 0; x < box.width(); ++x) {
        out.mask[std::size_t(y) * box.width() + x] = detection.mask[std::size_t(y + box.y0) * image.width + x + box.x0];
      }
    }
  }
  return out;
}

double HistogramConsistencyScorer::score(const MaskedCrop& reference, const MaskedCrop& target) {
  const auto ha = histogram(reference), hb = histogram(target);
  double intersection = 0;
  for (std::size_t i = 0; i < ha.size(); ++i) intersection += std::min(ha[i], hb[i]);
  const double layout = centredCosine(downscaled(reference.pixels, reference.mask, kLayoutSide),
                                      downscaled(target.pixels, target.mask, kLayoutSide));
  return std::clamp(0.5 * intersection + 0.25 * (layout + 1.0), 0.0, 1.0);
}

double copyPasteSimilarity(const world::Image& reference, const world::PixelBox& referenceBox,
                           const world::Image& target, const world::PixelBox& targetBox) {
  const world::PixelBox rb = clipped(reference, referenceBox), tb = clipped(target, targetBox);
  if (rb.empty() || tb.empty()) return 0.0;
  const world::Image rc = world::crop(reference, rb), tc = world::crop(target, tb);
  const auto ra = downscaled(rc, std::vector<std::uint8_t>(std::size_t(rc.width) * rc.height, 255), kLeakSide);
  const auto ta = downscaled(tc, std::vector<std::uint8_t>(std::size_t(tc.width) * tc.height, 255), kLeakSide);
  // 1 - RMSE / sqrt(var(a) + var(b)): two unrelated crops differ by about their combined spread
  // (score ~0), a pasted crop by almost nothing (score ~1), whatever the crops' contrast.
  auto variance = [](const std::vector<double>& v) {
    double mean = 0, var = 0;
    for (double x : v) mean += x;
    mean /= double(v.size());
    for (double x : v) var += (x - mean) * (x - mean);
    return var / double(v.size());
  };
  double squared = 0;
  for (std::size_t i = 0; i < ra.size(); ++i) squared += (ra[i] - ta[i]) * (ra[i] - ta[i]);
  const double spread = variance(ra) + variance(ta);
  if (spread <= 1e-9) return squared <= 1e-9 ? 1.0 : 0.0;
  return std::clamp(1.0 - std::sqrt(squared / double(ra.size()) / spread), 0.0, 1.0);
}

}  // namespace psr::pipeline
