#include "openai/openai_config.h"

#include <algorithm>
#include <array>
#include <cmath>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "io/json_limits.h"
#include "openai/chat_protocol.h"

namespace psr::openai {
namespace {

constexpr std::array<const char*, 10> kKeys = {
    "base_url",          "model",       "api_key_env",     "temperature",        "max_tokens", "timeout_s",
    "connect_timeout_s", "max_retries", "retry_backoff_s", "requests_per_minute"};

/// A value quoted in a message: short, and never printed recursively past the depth limit.
std::string shown(const nlohmann::json& value) {
  if (io::jsonValueDepth(value, io::kMaxJsonDepth) > io::kMaxJsonDepth) return "(a deeply nested value)";
  return bodyExcerpt(value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), 120);
}

[[noreturn]] void invalid(const std::string& what) {
  throw Error("openai provider config: " + what, ErrorCode::InvalidArgument);
}

std::string stringAt(const nlohmann::json& json, const char* key, std::string fallback) {
  const auto it = json.find(key);
  if (it == json.end()) return fallback;
  if (!it->is_string() || it->get_ref<const std::string&>().empty())
    invalid(std::string("'") + key + "' must be a non-empty string");
  return it->get<std::string>();
}

double numberAt(const nlohmann::json& json, const char* key, double fallback, double min, double max) {
  const auto it = json.find(key);
  if (it == json.end()) return fallback;
  const double v = it->is_number() ? it->get<double>() : NAN;
  if (!(v >= min && v <= max)) {
    invalid(std::string("'") + key + "' must be a number in [" + nlohmann::json(min).dump() + ", " +
            nlohmann::json(max).dump() + "], not " + shown(*it));
  }
  return v;
}

int integerAt(const nlohmann::json& json, const char* key, int fallback, int min, int max) {
  const auto it = json.find(key);
  if (it == json.end()) return fallback;
  if (!it->is_number_integer() || it->get<long long>() < min || it->get<long long>() > max) {
    invalid(std::string("'") + key + "' must be an integer in [" + std::to_string(min) + ", " + std::to_string(max) +
            "], not " + shown(*it));
  }
  return it->get<int>();
}

}  // namespace

OpenAiConfig OpenAiConfig::fromJson(const nlohmann::json& json) {
  if (!json.is_object()) invalid("expected a JSON object, not " + shown(json));
  io::checkJsonDepth(json, "openai provider config", ErrorCode::InvalidArgument);
  for (const auto& item : json.items()) {
    if (std::find(kKeys.begin(), kKeys.end(), item.key()) == kKeys.end()) {
      std::string list;
      for (const char* key : kKeys) list += (list.empty() ? "" : ", ") + std::string(key);
      invalid("unknown key '" + item.key() + "' (known: " + list + ")");
    }
  }
  OpenAiConfig c;
  if (!json.contains("model")) invalid("'model' is required");
  c.model = stringAt(json, "model", "");
  c.baseUrl = stringAt(json, "base_url", c.baseUrl);
  while (!c.baseUrl.empty() && c.baseUrl.back() == '/') c.baseUrl.pop_back();
  if (c.baseUrl.rfind("http://", 0) != 0 && c.baseUrl.rfind("https://", 0) != 0) {
    invalid("'base_url' must start with http:// or https://, not '" + c.baseUrl + "'");
  }
  c.apiKeyEnv = stringAt(json, "api_key_env", c.apiKeyEnv);
  c.temperature = numberAt(json, "temperature", c.temperature, 0.0, 2.0);
  if (const auto it = json.find("max_tokens"); it != json.end() && !it->is_null()) {
    c.maxTokens = integerAt(json, "max_tokens", 0, 1, 1 << 30);
  }
  c.timeoutS = numberAt(json, "timeout_s", c.timeoutS, 0.001, 86400.0);
  c.connectTimeoutS = numberAt(json, "connect_timeout_s", c.connectTimeoutS, 0.001, 86400.0);
  c.maxRetries = integerAt(json, "max_retries", c.maxRetries, 0, 100);
  c.retryBackoffS = numberAt(json, "retry_backoff_s", c.retryBackoffS, 0.0, 3600.0);
  c.requestsPerMinute = numberAt(json, "requests_per_minute", c.requestsPerMinute, 0.0, 1e7);
  return c;
}

}  // namespace psr::openai
