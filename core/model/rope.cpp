#include "model/rope.h"

#include <ATen/ATen.h>

#include "common/error.h"

namespace psr::model {

at::Tensor gridPositions(const ImageGrid& grid, std::int64_t frame, std::int64_t offsetH, std::int64_t offsetW) {
  const auto opts = at::TensorOptions().dtype(at::kFloat);
  const auto rows = at::arange(grid.h, opts).add_(double(offsetH)).view({grid.h, 1}).expand({grid.h, grid.w});
  const auto cols = at::arange(grid.w, opts).add_(double(offsetW)).view({1, grid.w}).expand({grid.h, grid.w});
  const auto frames = at::full({grid.h, grid.w}, double(frame), opts);
  return at::stack({frames, rows, cols}, -1).reshape({grid.tokens(), 3});
}

at::Tensor textPositions(std::int64_t tokens) { return at::zeros({tokens, 3}, at::kFloat); }

at::Tensor referencePositions(PositionEncoding encoding, const ImageGrid& target, const std::vector<ImageGrid>& refs) {
  std::vector<at::Tensor> parts;
  std::int64_t offsetH = target.h, offsetW = target.w;
  for (std::size_t k = 0; k < refs.size(); ++k) {
    if (encoding == PositionEncoding::FrameWise) {
      parts.push_back(gridPositions(refs[k], std::int64_t(k) + 1));
    } else {
      parts.push_back(gridPositions(refs[k], 0, offsetH, offsetW));
      offsetH += refs[k].h;
      offsetW += refs[k].w;
    }
  }
  return parts.empty() ? at::zeros({0, 3}, at::kFloat) : at::cat(parts, 0);
}

RopeTables ropeTables(const at::Tensor& positions, const std::array<std::int64_t, 3>& axesDim, double theta) {
  if (positions.dim() != 2 || positions.size(1) != 3)
    throw Error("RoPE positions must be [L, 3], got " + std::string(c10::str(positions.sizes())),
                ErrorCode::InvalidArgument);
  const auto pos = positions.to(at::kDouble);
  std::vector<at::Tensor> angles;
  for (int a = 0; a < 3; ++a) {
    const auto d = axesDim[std::size_t(a)];
    const auto omega = at::pow(theta, at::arange(0, d, 2, at::kDouble) / double(d)).reciprocal();
    angles.push_back(pos.select(1, a).unsqueeze(1) * omega.unsqueeze(0));
  }
  const auto all = at::cat(angles, 1);
  return {all.cos().to(at::kFloat), all.sin().to(at::kFloat)};
}

at::Tensor applyRope(const at::Tensor& x, const RopeTables& tables) {
  const auto sizes = x.sizes().vec();
  const auto pairs = x.reshape({sizes[0], sizes[1], sizes[2], sizes[3] / 2, 2});
  const auto x0 = pairs.select(-1, 0), x1 = pairs.select(-1, 1);
  const auto cos = tables.cos.to(x.scalar_type()), sin = tables.sin.to(x.scalar_type());
  return at::stack({x0 * cos - x1 * sin, x0 * sin + x1 * cos}, -1).reshape(sizes);
}

}  // namespace psr::model
