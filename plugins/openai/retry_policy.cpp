#include "openai/retry_policy.h"

#include <curl/curl.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>
#include <random>

namespace psr::openai {

bool isRetryableStatus(long status) { return status == 408 || status == 429 || (status >= 500 && status <= 599); }

std::chrono::milliseconds backoffDelay(int retry, double baseSeconds) {
  thread_local std::mt19937 rng{std::random_device{}()};
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  const double seconds = std::min(60.0, baseSeconds * std::ldexp(1.0, std::min(retry, 30)) * jitter(rng));
  return std::chrono::milliseconds(static_cast<long long>(seconds * 1000.0));
}

std::optional<std::chrono::milliseconds> retryAfter(const HttpResponse& response) {
  const auto value = response.header("retry-after");
  if (!value || value->empty()) return std::nullopt;
  double seconds = 0;
  // from_chars, unlike strtod, ignores the process locale (Qt sets it from the environment).
  const auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), seconds);
  if (ec == std::errc() && end == value->data() + value->size()) {
    if (!(seconds >= 0)) return std::nullopt;
    return std::chrono::milliseconds(static_cast<long long>(std::min(seconds, 1e9) * 1000.0));
  }
  const time_t when = curl_getdate(value->c_str(), nullptr);
  if (when < 0) return std::nullopt;
  return std::chrono::milliseconds(std::max<long long>(0, (when - std::time(nullptr)) * 1000LL));
}

}  // namespace psr::openai
