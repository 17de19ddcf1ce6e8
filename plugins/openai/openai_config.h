#pragma once
// Settings of an OpenAI-compatible chat-completions endpoint, read from the provider's JSON.
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace psr::openai {

/// Where the server is, which model, and how patiently to talk to it.
struct OpenAiConfig {
  std::string baseUrl = "https://api.openai.com/v1";  ///< without the trailing slash
  std::string model;
  std::string apiKeyEnv = "OPENAI_API_KEY";  ///< variable holding the key; unset → no Authorization header
  double temperature = 0.2;                  ///< PSRBench's judge setting
  std::optional<int> maxTokens;              ///< omitted from requests when unset
  double timeoutS = 120.0;                   ///< per attempt, connection included
  double connectTimeoutS = 10.0;
  int maxRetries = 3;              ///< further attempts after the first fails transiently
  double retryBackoffS = 1.0;      ///< first backoff; doubles per retry, with jitter
  double requestsPerMinute = 0.0;  ///< 0: unlimited

  /// Reads {base_url, model, api_key_env, temperature, max_tokens, timeout_s, connect_timeout_s,
  /// max_retries, retry_backoff_s, requests_per_minute}; `model` is required. Throws
  /// psr::Error(InvalidArgument) naming the key for unknown keys, wrong types or bad values.
  static OpenAiConfig fromJson(const nlohmann::json& json);

  /// The chat-completions URL: `{baseUrl}/chat/completions`.
  std::string chatCompletionsUrl() const { return baseUrl + "/chat/completions"; }
};

}  // namespace psr::openai
