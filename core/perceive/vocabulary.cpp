#include "perceive/vocabulary.h"

#include <cctype>

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace psr::perceive {
namespace {

nlohmann::json entriesJson(const std::vector<VocabularyEntry>& entries) {
  auto out = nlohmann::json::array();
  for (const auto& e : entries) out.push_back({{"name", e.name}, {"phrases", e.phrases}});
  return out;
}

std::vector<VocabularyEntry> entriesFrom(const nlohmann::json& j) {
  std::vector<VocabularyEntry> out;
  for (const auto& e : j) out.push_back({e.at("name").get<std::string>(), e.at("phrases").get<std::vector<std::string>>()});
  return out;
}

}  // namespace

nlohmann::json Vocabulary::toJson() const {
  return {{"categories", entriesJson(categories)},
          {"accessories", entriesJson(accessories)},
          {"actions", entriesJson(actions)},
          {"backgrounds", entriesJson(backgrounds)}};
}

Vocabulary Vocabulary::fromJson(const nlohmann::json& j) {
  Vocabulary v;
  v.categories = entriesFrom(j.at("categories"));
  v.accessories = entriesFrom(j.at("accessories"));
  v.actions = entriesFrom(j.at("actions"));
  v.backgrounds = entriesFrom(j.at("backgrounds"));
  return v;
}

std::string normalisedText(std::string_view text) {
  std::string out;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c)) {
      out += char(std::tolower(c));
    } else if (!out.empty() && out.back() != ' ') {
      out += ' ';
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

bool containsPhrase(const std::string& text, const std::string& phrase, std::size_t* at) {
  if (phrase.empty()) return false;
  for (std::size_t pos = text.find(phrase); pos != std::string::npos; pos = text.find(phrase, pos + 1)) {
    const bool startOk = pos == 0 || text[pos - 1] == ' ';
    const std::size_t end = pos + phrase.size();
    if (startOk && (end == text.size() || text[end] == ' ')) {
      if (at) *at = pos;
      return true;
    }
  }
  return false;
}

std::int64_t Vocabulary::findCategory(std::string_view phrase) const {
  const std::string text = normalisedText(phrase);
  std::int64_t best = -1;
  std::size_t bestLength = 0;
  for (std::size_t i = 0; i < categories.size(); ++i) {
    for (const auto& p : categories[i].phrases) {
      const std::string noun = normalisedText(p);
      const bool hit = containsPhrase(text, noun) || containsPhrase(text, noun + "s") || containsPhrase(text, noun + "es");
      if (hit && noun.size() > bestLength) best = std::int64_t(i), bestLength = noun.size();
    }
  }
  if (best < 0) {
    std::string examples;
    for (std::size_t i = 0; i < categories.size() && i < 5; ++i) examples += (i ? ", " : "") + categories[i].phrases.at(0);
    throw Error("unknown category phrase '" + std::string(phrase) + "': the detector knows " +
                    std::to_string(categories.size()) + " category nouns (e.g. " + examples + ")",
                ErrorCode::InvalidArgument);
  }
  return best;
}

}  // namespace psr::perceive
