#pragma once

namespace psr::curate {

/// Reject reasons 1..9 as curators choose them with the digit keys.
inline constexpr int kRejectReasonCount = 9;

/// Short English label of reason `code` (1..9); nullptr outside that range.
const char* rejectReasonLabel(int code) noexcept;

}  // namespace psr::curate
