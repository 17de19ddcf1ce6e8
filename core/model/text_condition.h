#pragma once
#include <ATen/core/Tensor.h>

namespace psr::model {

/// Text conditioning for the DiT, as the text encoder produces it.
struct TextCondition {
  at::Tensor tokens;  ///< [B, Lt, context_dim]
  at::Tensor mask;    ///< [B, Lt] bool, true for real tokens; undefined = all real
  at::Tensor pooled;  ///< [B, vec_dim]
};

}  // namespace psr::model
