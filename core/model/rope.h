#pragma once
// 3-axis rotary position embedding over (frame, h, w), and the positions each token gets:
// text at the origin as in FLUX, the target at frame 0, references per PositionEncoding.
#include <array>
#include <cstdint>
#include <vector>

#include <ATen/core/Tensor.h>

#include "model/model_config.h"

namespace psr::model {

/// The token grid of one image (tokens are laid out row-major).
struct ImageGrid {
  std::int64_t h = 0;
  std::int64_t w = 0;
  std::int64_t tokens() const { return h * w; }
};

/// [h*w, 3] float positions (frame, row + offsetH, col + offsetW), row-major.
at::Tensor gridPositions(const ImageGrid& grid, std::int64_t frame, std::int64_t offsetH = 0, std::int64_t offsetW = 0);
/// [tokens, 3] zeros: FLUX puts every text token at the origin.
at::Tensor textPositions(std::int64_t tokens);
/// Positions of all references, concatenated in order. FrameWise: reference k (1-based) at
/// frame k on its own un-shifted grid. UnoOffset: frame 0, each image shifted diagonally past
/// the extent of everything before it (the target first).
at::Tensor referencePositions(PositionEncoding encoding, const ImageGrid& target, const std::vector<ImageGrid>& refs);

/// Cosines and sines of every token's rotation angles, [L, headDim/2] each (fp32).
struct RopeTables {
  at::Tensor cos;
  at::Tensor sin;
};

/// Angles pos_a * theta^(-2i/d_a) per axis a, concatenated over the three axes (computed in fp64).
RopeTables ropeTables(const at::Tensor& positions, const std::array<std::int64_t, 3>& axesDim, double theta);
/// Rotates interleaved pairs (x[2i], x[2i+1]) of x [B, H, L, D] by the tables' angles.
at::Tensor applyRope(const at::Tensor& x, const RopeTables& tables);

}  // namespace psr::model
