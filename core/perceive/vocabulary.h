#pragma once
// The names the perception models know, in their output order: subject categories (with the
// prompt nouns the detector is queried by), accessories, actions and backgrounds with the phrases
// prompts use for them. Travels inside the detector checkpoint, so scoring needs no workspace.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace psr::perceive {

/// One named thing plus the phrases that mention it in prompts (the name itself included).
struct VocabularyEntry {
  std::string name;
  std::vector<std::string> phrases;
};

/// Category, accessory, action and background names, index = model output index.
struct Vocabulary {
  std::vector<VocabularyEntry> categories;   // name = catalog key, phrases = {noun}
  std::vector<VocabularyEntry> accessories;
  std::vector<VocabularyEntry> actions;      // index 0 is "none"
  std::vector<VocabularyEntry> backgrounds;

  nlohmann::json toJson() const;
  static Vocabulary fromJson(const nlohmann::json& j);

  /// Category index of a phrase: the noun itself (any case, articles, a plural "s" and extra
  /// words around it are tolerated: "the Crabs" and "small crab" find "crab"); the longest noun
  /// that matches wins. Throws InvalidArgument naming the phrase when no noun matches.
  std::int64_t findCategory(std::string_view phrase) const;
};

/// Lower case, non-alphanumerics folded to single spaces, trimmed: "The  Crab!" -> "the crab".
std::string normalisedText(std::string_view text);

/// Whether `phrase` occurs in `text` on word boundaries (both normalised); sets `at` to where.
bool containsPhrase(const std::string& text, const std::string& phrase, std::size_t* at = nullptr);

}  // namespace psr::perceive
