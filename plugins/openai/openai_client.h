#pragma once
// A ChatClient for any OpenAI-compatible server (OpenAI, vLLM, llama.cpp, Ollama...):
// POST {base_url}/chat/completions with retries, backoff, Retry-After and a shared rate limit.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <spdlog/logger.h>

#include "openai/chat_client.h"
#include "openai/http_client.h"
#include "openai/openai_config.h"
#include "openai/rate_limiter.h"

namespace psr::openai {

/// Counters since the client was made.
struct OpenAiStats {
  std::uint64_t requests = 0;        ///< HTTP attempts sent
  std::uint64_t retries = 0;         ///< attempts that repeated a failed one
  std::uint64_t failures = 0;        ///< complete() calls that failed (cancellations excluded)
  std::uint64_t rateLimitWaits = 0;  ///< attempts that waited for the rate limiter
};

/// Thread-safe; concurrent calls share one rate limit and one connection pool.
class OpenAiClient final : public ChatClient {
 public:
  /// Reads the API key from the environment variable `config.apiKeyEnv` now; logs retries to
  /// `log`, or to the process logger when null.
  explicit OpenAiClient(OpenAiConfig config, std::shared_ptr<spdlog::logger> log = nullptr);

  /// Sends `messages`, retrying timeouts, connection failures, 408, 429 and 5xx up to
  /// `maxRetries` times. Errors name the URL and quote the server, never the API key.
  std::string complete(const std::vector<ChatMessage>& messages, const CancellationToken& cancel) override;

  /// A snapshot of the counters.
  OpenAiStats stats() const;
  /// The settings this client was made with.
  const OpenAiConfig& config() const { return config_; }

 private:
  std::string redact(std::string text) const;

  OpenAiConfig config_;
  std::string apiKey_;  // only ever sent in the Authorization header
  std::vector<std::string> headers_;
  std::shared_ptr<spdlog::logger> log_;
  HttpClient http_;
  RateLimiter limiter_;
  std::atomic<std::uint64_t> requests_{0};
  std::atomic<std::uint64_t> retries_{0};
  std::atomic<std::uint64_t> failures_{0};
  std::atomic<std::uint64_t> rateLimitWaits_{0};
};

}  // namespace psr::openai
