#include "perceive/augment.h"

#include <cmath>
#include <vector>

namespace psr::perceive {
namespace {

double uniform(double lo, double hi) { return lo + (hi - lo) * at::rand({1}).item<double>(); }

at::Tensor dctMatrix(const at::TensorOptions& opts) {
  auto m = at::empty({8, 8}, opts.dtype(at::kFloat).device(at::kCPU));
  auto a = m.accessor<float, 2>();
  for (int k = 0; k < 8; ++k) {
    for (int n = 0; n < 8; ++n) {
      const double scale = k == 0 ? std::sqrt(1.0 / 8) : std::sqrt(2.0 / 8);
      a[k][n] = float(scale * std::cos(M_PI * (2 * n + 1) * k / 16.0));
    }
  }
  return m.to(opts.device());
}

// JPEG's luminance quantisation table (ITU-T T.81, Annex K), in units of 1/255.
at::Tensor jpegTable(const at::TensorOptions& opts) {
  static const float q[64] = {16, 11, 10, 16, 24,  40,  51,  61,  12, 12, 14, 19, 26,  58,  60,  55,
                              14, 13, 16, 24, 40,  57,  69,  56,  14, 17, 22, 29, 51,  87,  80,  62,
                              18, 22, 37, 56, 68,  109, 103, 77,  24, 35, 55, 64, 81,  104, 113, 92,
                              49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99};
  return at::from_blob(const_cast<float*>(q), {8, 8}, at::kFloat).clone().div_(255.0).to(opts.device());
}

at::Tensor occlude(const at::Tensor& image, const at::Tensor& box) {
  const auto b = box.to(at::kCPU, at::kFloat);
  const double x0 = b[0].item<double>(), y0 = b[1].item<double>(), x1 = b[2].item<double>(), y1 = b[3].item<double>();
  const double w = x1 - x0, h = y1 - y0;
  if (w < 2 || h < 2) return image;
  // A patch covering 20-40 % of the box, entering from one side: something in front of the subject.
  const double cover = uniform(0.2, 0.4);
  const int side = int(uniform(0, 4));
  double px0 = x0, py0 = y0, px1 = x1, py1 = y1;
  if (side == 0) px1 = x0 + w * cover;
  if (side == 1) px0 = x1 - w * cover;
  if (side == 2) py1 = y0 + h * cover;
  if (side == 3) py0 = y1 - h * cover;
  const auto H = image.size(1), W = image.size(2);
  const auto ix0 = std::max<std::int64_t>(0, std::int64_t(px0)), iy0 = std::max<std::int64_t>(0, std::int64_t(py0));
  const auto ix1 = std::min<std::int64_t>(W, std::int64_t(std::ceil(px1))), iy1 = std::min<std::int64_t>(H, std::int64_t(std::ceil(py1)));
  if (ix1 <= ix0 || iy1 <= iy0) return image;
  auto out = image.clone();
  out.slice(1, iy0, iy1).slice(2, ix0, ix1).copy_(at::rand({3, 1, 1}, image.options()).expand({3, iy1 - iy0, ix1 - ix0}));
  return out;
}

}  // namespace

at::Tensor gaussianBlur(const at::Tensor& images, double sigma) {
  if (sigma < 0.1) return images;
  const int radius = std::max(1, int(std::ceil(2.5 * sigma)));
  auto k = at::arange(-radius, radius + 1, images.options()).pow(2).div(-2.0 * sigma * sigma).exp();
  k = k / k.sum();
  const auto c = images.size(1);
  const auto kx = k.view({1, 1, 1, -1}).expand({c, 1, 1, 2 * radius + 1}).contiguous();
  const auto ky = k.view({1, 1, -1, 1}).expand({c, 1, 2 * radius + 1, 1}).contiguous();
  auto x = at::reflection_pad2d(images, {radius, radius, radius, radius});
  x = at::conv2d(x, kx, at::Tensor(), at::IntArrayRef{1, 1}, at::IntArrayRef{0, 0}, at::IntArrayRef{1, 1}, c);
  return at::conv2d(x, ky, at::Tensor(), at::IntArrayRef{1, 1}, at::IntArrayRef{0, 0}, at::IntArrayRef{1, 1}, c);
}

at::Tensor blockDctCompress(const at::Tensor& images, double strength) {
  const auto B = images.size(0), C = images.size(1), H = images.size(2), W = images.size(3);
  const auto ph = (8 - H % 8) % 8, pw = (8 - W % 8) % 8;
  auto x = (ph || pw) ? at::replication_pad2d(images, {0, pw, 0, ph}) : images;
  const auto Hp = H + ph, Wp = W + pw;
  // [B,C,Hp,Wp] -> blocks [B,C,Hp/8,Wp/8,8,8]
  auto blocks = x.reshape({B, C, Hp / 8, 8, Wp / 8, 8}).permute({0, 1, 2, 4, 3, 5});
  const auto D = dctMatrix(images.options());
  const auto q = jpegTable(images.options()) * strength;
  auto coeff = at::matmul(at::matmul(D, blocks - 0.5), D.t());
  coeff = at::round(coeff / q) * q;
  auto back = at::matmul(at::matmul(D.t(), coeff), D) + 0.5;
  back = back.permute({0, 1, 2, 4, 3, 5}).reshape({B, C, Hp, Wp});
  return back.slice(2, 0, H).slice(3, 0, W).clamp(0.0, 1.0);
}

at::Tensor band(const at::Tensor& images, int levels) {
  const double l = std::max(2, levels) - 1;
  return at::round(images * l) / l;
}

at::Tensor augmentForDetection(const at::Tensor& images, const at::Tensor& boxes, const at::Tensor& imageIndex,
                               const AugmentOptions& o) {
  std::vector<at::Tensor> out;
  const auto index = imageIndex.to(at::kCPU, at::kLong);
  for (std::int64_t i = 0; i < images.size(0); ++i) {
    auto x = images[i];
    if (uniform(0, 1) < o.occlusion) {
      const auto mine = (index == i).nonzero().flatten();
      if (mine.numel() > 0) x = occlude(x, boxes[mine[std::int64_t(uniform(0, double(mine.numel())))].item<std::int64_t>()]);
    }
    x = x.unsqueeze(0);
    if (uniform(0, 1) < o.colour) {
      const auto gain = at::rand({1, 3, 1, 1}, x.options()) * 0.4 + 0.8;
      const auto bias = at::rand({1, 3, 1, 1}, x.options()) * 0.2 - 0.1;
      x = (x * gain + bias).clamp(0.0, 1.0);
    }
    if (uniform(0, 1) < o.blur) x = gaussianBlur(x, uniform(0.4, 1.2));
    if (uniform(0, 1) < o.compress) x = blockDctCompress(x, uniform(0.5, 2.5));
    if (uniform(0, 1) < o.noise) x = (x + at::randn_like(x) * uniform(0.01, 0.08)).clamp(0.0, 1.0);
    out.push_back(x);
  }
  return at::cat(out, 0);
}

at::Tensor degrade(const at::Tensor& images, Degradation kind) {
  switch (kind) {
    case Degradation::Blur:
      return gaussianBlur(images, uniform(1.0, 2.5));
    case Degradation::Noise:
      return (images + at::randn_like(images) * uniform(0.06, 0.15)).clamp(0.0, 1.0);
    case Degradation::Banding:
      return band(images, int(uniform(3, 6)));
    case Degradation::ColourCast: {
      auto cast = at::zeros({1, 3, 1, 1}, images.options());
      cast[0][int(uniform(0, 3))] = uniform(0.25, 0.4) * (uniform(0, 1) < 0.5 ? -1.0 : 1.0);
      return (images * (1.0 - uniform(0.0, 0.2)) + cast).clamp(0.0, 1.0);
    }
    case Degradation::Compression:
      return blockDctCompress(images, uniform(4.0, 8.0));
    case Degradation::Artifacts: {
      // Blocky smears: a few 8x8 blocks replaced by their mean colour plus a saturated stripe.
      auto out = images.clone();
      const auto H = images.size(2), W = images.size(3);
      for (int k = 0; k < 6; ++k) {
        const auto y = std::int64_t(uniform(0, double(H - 8))), x = std::int64_t(uniform(0, double(W - 8)));
        auto patch = out.slice(2, y, y + 8).slice(3, x, x + 8);
        patch.copy_(patch.mean({2, 3}, true).expand_as(patch));
      }
      const auto row = std::int64_t(uniform(0, double(H - 2)));
      out.slice(2, row, row + 2).copy_(at::rand({images.size(0), 3, 1, 1}, images.options()).round().expand({images.size(0), 3, 2, W}));
      return out;
    }
  }
  return images;
}

}  // namespace psr::perceive
