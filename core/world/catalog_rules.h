#pragma once
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "world/world_spec.h"

namespace psr::world {

/// One emoji of emoji-datasource's emoji.json (the fields the world uses).
struct EmojiRecord {
  std::string unified;    // "1F43B-200D-2744-FE0F"
  std::string name;       // "POLAR BEAR" (may be empty)
  std::string shortName;  // "polar_bear"
  std::string group;      // "Animals & Nature"
  std::string subgroup;   // "animal-mammal"
  int sortOrder = 0;
};

/// A subject category chosen from the emoji list.
struct CategoryPick {
  std::string key;  // codepointKey of the emoji: "1f43b-200d-2744"
  std::string noun;  // "polar bear"
  std::string group, subgroup;
};

/// Train or held-out: split membership of a category and all its identities.
enum class Split { Train, Heldout };

/// "train" / "heldout", as stored in the database.
const char* splitName(Split split);

/// Parses emoji.json; throws Corrupt when it is not the expected list.
std::vector<EmojiRecord> parseEmojiJson(const std::string& text);

/// Lower-case codepoint sequence without variation selectors (FE0F), the key that matches
/// emoji.json entries to every vendor's file names ("2708-FE0F" and "2708" -> "2708").
std::string codepointKey(std::string_view unifiedOrFileStem);

/// Applies the subject rules: wanted groups/subgroups only, excluded codepoints and words,
/// noun overrides, prefix/suffix stripping, colour words removed (instructions never describe
/// looks), one category per noun (lowest sort order wins). `reserved` codepoints (accessory
/// and effect artwork) never become subjects. Sorted by sort order.
std::vector<CategoryPick> pickCategories(const std::vector<EmojiRecord>& emoji, const SubjectRules& rules,
                                         const std::set<std::string>& reserved);

/// Stable split of a category: SHA-256 of "psr-world-split-v1:" + key; the first four digest
/// bytes as a big-endian integer modulo 100 below 20 is held out (about 20 %).
Split splitOfCategory(std::string_view key);

}  // namespace psr::world
