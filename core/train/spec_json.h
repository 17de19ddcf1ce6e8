#pragma once
// Reading job-spec fields (SFT and RL): a present key must have the field's type; integers must
// be JSON integers in range (nlohmann's get<int64> on 1e300 is undefined behaviour), so a
// spec from outside can only produce an InvalidArgument naming the key.
#include <string>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "io/json_limits.h"

namespace psr::train {

template <typename T>
void readSpecField(const nlohmann::json& j, const char* key, T& value) {
  if (!j.contains(key)) return;
  const auto& v = j.at(key);
  const std::string what = std::string("job spec: \"") + key + "\"";
  if constexpr (std::is_same_v<T, bool>) {
    if (!v.is_boolean()) throw Error(what + " must be true or false", ErrorCode::InvalidArgument);
    value = v.get<bool>();
  } else if constexpr (std::is_integral_v<T>) {
    value = io::jsonInteger<T>(v, what, ErrorCode::InvalidArgument);
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!v.is_number()) throw Error(what + " must be a number", ErrorCode::InvalidArgument);
    value = v.get<T>();
  } else {
    try {
      value = v.get<T>();
    } catch (const nlohmann::json::exception&) {
      throw Error(what + " has the wrong type", ErrorCode::InvalidArgument);
    }
  }
}

inline void requireSpec(bool ok, const std::string& what) {
  if (!ok) throw Error("job spec: " + what, ErrorCode::InvalidArgument);
}

}  // namespace psr::train
