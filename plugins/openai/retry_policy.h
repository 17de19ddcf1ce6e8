#pragma once
// When a failed chat request is tried again, and after how long.
#include <chrono>
#include <optional>

#include "openai/http_client.h"

namespace psr::openai {

/// The longest Retry-After honoured; a server asking for more is reported instead of waited on.
inline constexpr std::chrono::seconds kMaxRetryAfter{120};

/// Whether a response status is worth another attempt: 408 and 429 (the server asks to come
/// back later) and 5xx (its trouble, not the request's).
bool isRetryableStatus(long status);

/// The wait before retry `retry` (0 for the first): base * 2^retry times a random factor in
/// [0.5, 1), at most 60 s; the jitter keeps clients that failed together from retrying together.
std::chrono::milliseconds backoffDelay(int retry, double baseSeconds);

/// The response's Retry-After (delay seconds or an HTTP date), when present and readable.
std::optional<std::chrono::milliseconds> retryAfter(const HttpResponse& response);

}  // namespace psr::openai
