#pragma once
// Limits for JSON that comes from outside (files, the database, HTTP answers, model output).
// nlohmann parses iteratively, but dump(), copies and comparisons recurse once per nesting
// level, so a document like "[[[[...]]]]" a few thousand levels deep overflows the stack the
// first time it is printed into an error message. Depth and size are checked on the raw text,
// before anything is parsed or allocated. Header-only: psr_core and the plugins share it.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace psr::io {

/// Deepest array/object nesting accepted from outside. Every format the studio reads is at
/// most 6 levels deep; 64 leaves room and keeps recursive printing far from the stack's end.
inline constexpr std::size_t kMaxJsonDepth = 64;
/// Default size cap for small JSON documents (scenes, specs, configs).
inline constexpr std::size_t kMaxSmallJsonBytes = std::size_t(16) << 20;

/// The deepest array/object nesting in `text`, skipping string contents; stops counting once
/// it passes `stopAt`. Exact for valid JSON; for invalid JSON only a bound the parser then refuses.
inline std::size_t jsonNestingDepth(std::string_view text, std::size_t stopAt = std::numeric_limits<std::size_t>::max()) {
  std::size_t depth = 0, deepest = 0;
  bool inString = false, escaped = false;
  for (const char c : text) {
    if (inString) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        inString = false;
      }
      continue;
    }
    if (c == '"') {
      inString = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > stopAt) return deepest;
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

/// The deepest nesting of an already parsed value (a scalar is 0, [] is 1), counted without
/// recursion; stops once it passes `stopAt`. For values parsed by code that did not check the
/// text (the recursive dump() of a deeper value could overflow the stack).
inline std::size_t jsonValueDepth(const nlohmann::json& value,
                                  std::size_t stopAt = std::numeric_limits<std::size_t>::max()) {
  std::vector<std::pair<const nlohmann::json*, std::size_t>> stack{{&value, 0}};
  std::size_t deepest = 0;
  while (!stack.empty()) {
    const auto [node, depth] = stack.back();
    stack.pop_back();
    if (!node->is_structured()) continue;
    const std::size_t inner = depth + 1;
    if (inner > deepest) {
      deepest = inner;
      if (deepest > stopAt) return deepest;
    }
    for (const auto& child : *node) stack.emplace_back(&child, inner);
  }
  return deepest;
}

/// Throws Error(code) naming `what` when a parsed value nests deeper than `maxDepth`.
inline void checkJsonDepth(const nlohmann::json& value, const std::string& what, ErrorCode code,
                           std::size_t maxDepth = kMaxJsonDepth) {
  if (jsonValueDepth(value, maxDepth) > maxDepth)
    throw Error(what + ": JSON nests deeper than " + std::to_string(maxDepth) + " levels", code);
}

/// Throws Error(code) naming `what` when `text` is longer than `maxBytes` or nests deeper than
/// `maxDepth`.
inline void checkJsonLimits(std::string_view text, const std::string& what, ErrorCode code,
                            std::size_t maxBytes = kMaxSmallJsonBytes, std::size_t maxDepth = kMaxJsonDepth) {
  if (text.size() > maxBytes) {
    throw Error(what + ": JSON of " + std::to_string(text.size()) + " bytes exceeds the limit of " +
                    std::to_string(maxBytes) + " bytes",
                code);
  }
  if (jsonNestingDepth(text, maxDepth) > maxDepth) {
    throw Error(what + ": JSON nests deeper than " + std::to_string(maxDepth) + " levels", code);
  }
}

/// Parses JSON from outside after checkJsonLimits; a syntax error throws Error(code) naming
/// `what` with the parser's position.
inline nlohmann::json parseJsonInput(std::string_view text, const std::string& what, ErrorCode code,
                                     std::size_t maxBytes = kMaxSmallJsonBytes, std::size_t maxDepth = kMaxJsonDepth) {
  checkJsonLimits(text, what, code, maxBytes, maxDepth);
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::exception& e) {
    throw Error(what + ": not valid JSON (" + e.what() + ")", code);
  }
}

/// Like parseJsonInput, but a syntax error or a limit gives a discarded value instead of an
/// exception (for callers that try several candidates).
inline nlohmann::json parseJsonInputOrDiscarded(std::string_view text, std::size_t maxBytes = kMaxSmallJsonBytes,
                                                std::size_t maxDepth = kMaxJsonDepth) {
  if (text.size() > maxBytes || jsonNestingDepth(text, maxDepth) > maxDepth) {
    return nlohmann::json(nlohmann::json::value_t::discarded);
  }
  return nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
}

/// An integral JSON value in [min, max]. nlohmann's get<int>() converts a float such as 1e300 or
/// an out-of-range integer with a plain cast (undefined behaviour for floats); this refuses
/// them, and any non-integer, with Error(code) naming `what`.
template <class T>
T jsonInteger(const nlohmann::json& value, const std::string& what, ErrorCode code,
              T min = std::numeric_limits<T>::min(), T max = std::numeric_limits<T>::max()) {
  static_assert(std::is_integral_v<T>, "jsonInteger reads integers");
  const auto fail = [&] {
    throw Error(what + " must be an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]", code);
  };
  if (value.is_number_unsigned()) {
    const auto v = value.get<std::uint64_t>();
    if constexpr (std::is_signed_v<T>) {
      if (max < 0 || v > static_cast<std::uint64_t>(max) || (min > 0 && v < static_cast<std::uint64_t>(min))) fail();
    } else {
      if (v > static_cast<std::uint64_t>(max) || v < static_cast<std::uint64_t>(min)) fail();
    }
    return static_cast<T>(v);
  }
  if (value.is_number_integer()) {
    const auto v = value.get<std::int64_t>();
    if constexpr (std::is_signed_v<T>) {
      if (v < static_cast<std::int64_t>(min) || v > static_cast<std::int64_t>(max)) fail();
    } else {
      if (v < 0 || static_cast<std::uint64_t>(v) < static_cast<std::uint64_t>(min) ||
          static_cast<std::uint64_t>(v) > static_cast<std::uint64_t>(max))
        fail();
    }
    return static_cast<T>(v);
  }
  fail();
  return T{};  // not reached
}

}  // namespace psr::io
