#include "openai/judge_score.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <string_view>

namespace psr::openai {
namespace {

// A hand-written scanner rather than std::regex: it runs in linear time and constant stack on
// any answer, including a degenerate one of thousands of asterisks.

bool isAlnum(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool isDecoration(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '*' || c == '_'; }

// Where a label starts (its brackets and emphasis included) and where its value starts.
struct Label {
  std::size_t begin;
  std::size_t valueBegin;
};

// The label `word` (lower case) written at `i`: "[Word]:", "**Word**:", "word :", "[Word]："...
std::optional<Label> labelAt(std::string_view s, std::size_t i, std::string_view word) {
  if (s.size() - i < word.size() || (i > 0 && isAlnum(s[i - 1]))) return std::nullopt;
  for (std::size_t k = 0; k < word.size(); ++k) {
    const char c = s[i + k];
    if ((c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c) != word[k]) return std::nullopt;
  }
  std::size_t j = i + word.size();
  while (j < s.size() && (s[j] == ' ' || s[j] == '\t')) ++j;
  if (j < s.size() && s[j] == ']') ++j;
  while (j < s.size() && isDecoration(s[j])) ++j;
  if (s.substr(j, 1) == ":") {
    j += 1;
  } else if (s.substr(j, 3) == "\xef\xbc\x9a") {  // the full-width colon of CJK text
    j += 3;
  } else {
    return std::nullopt;
  }
  while (j < s.size() && isDecoration(s[j])) ++j;
  std::size_t begin = i;
  while (begin > 0 && (s[begin - 1] == '[' || s[begin - 1] == ' ' || s[begin - 1] == '\t' || s[begin - 1] == '*' ||
                       s[begin - 1] == '_')) {
    --begin;
  }
  return Label{begin, j};
}

// A decimal number at `j` ("7", "-3", "8.5", "+2"); advances `j` past it.
std::optional<double> numberAt(std::string_view s, std::size_t& j) {
  std::size_t k = j;
  const bool negative = k < s.size() && s[k] == '-';
  if (k < s.size() && (s[k] == '-' || s[k] == '+')) ++k;
  const std::size_t digits = k;
  while (k < s.size() && s[k] >= '0' && s[k] <= '9') ++k;
  if (k == digits) return std::nullopt;
  if (k + 1 < s.size() && s[k] == '.' && s[k + 1] >= '0' && s[k + 1] <= '9') {
    k += 2;
    while (k < s.size() && s[k] >= '0' && s[k] <= '9') ++k;
  }
  double value = 0;
  // from_chars, unlike strtod, ignores the process locale.
  std::from_chars(s.data() + digits, s.data() + k, value);
  j = k;
  return negative ? -value : value;
}

std::string trimmed(std::string_view s) {
  while (!s.empty() && isDecoration(s.front())) s.remove_prefix(1);
  while (!s.empty() && isDecoration(s.back())) s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

JudgeScore parseJudgeScore(const std::string& text) {
  const std::string_view s(text);
  JudgeScore out;
  std::size_t thoughtEnd = s.size();
  // The last score wins: a judge that restates the format in its reasoning ends with its verdict.
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto label = labelAt(s, i, "score");
    if (!label) continue;
    std::size_t j = label->valueBegin;
    const auto value = numberAt(s, j);
    if (!value) continue;
    double scale = 10.0;
    while (j < s.size() && (s[j] == ' ' || s[j] == '\t')) ++j;
    if (j < s.size() && s[j] == '/') {
      ++j;
      while (j < s.size() && (s[j] == ' ' || s[j] == '\t')) ++j;
      if (const auto denominator = numberAt(s, j); denominator && *denominator > 0) scale = *denominator;
    }
    out.score = std::clamp(*value / scale, 0.0, 1.0);
    out.parsed = true;
    thoughtEnd = label->begin;
  }
  std::size_t thoughtBegin = 0;
  for (std::size_t i = 0; i < thoughtEnd; ++i) {
    if (const auto label = labelAt(s, i, "thought"); label && label->valueBegin <= thoughtEnd) {
      thoughtBegin = label->valueBegin;
      break;
    }
  }
  out.thought = trimmed(s.substr(thoughtBegin, thoughtEnd - thoughtBegin));
  return out;
}

}  // namespace psr::openai
