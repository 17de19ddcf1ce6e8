#include "world/catalog_rules.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/sha256.h"

namespace psr::world {
namespace {

std::vector<std::string> words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::string joinWords(const std::vector<std::string>& ws) {
  std::string out;
  for (const auto& w : ws) out += (out.empty() ? "" : " ") + w;
  return out;
}

// Lower case, letters/digits/hyphens kept, everything else (apostrophes, punctuation) dropped.
std::string baseNoun(const EmojiRecord& e) {
  std::string raw = e.name.empty() ? e.shortName : e.name;
  std::replace(raw.begin(), raw.end(), '_', ' ');
  std::string out;
  for (unsigned char c : raw) {
    if (std::isalnum(c) || c == '-' || c == ' ') out += char(std::tolower(c));
  }
  return joinWords(words(out));
}

bool contains(const std::vector<std::string>& list, const std::string& w) {
  return std::find(list.begin(), list.end(), w) != list.end();
}

/// The rule-derived noun, and whether a suffix (" face") had to be stripped to get it.
std::optional<std::pair<std::string, bool>> ruleNoun(const EmojiRecord& e, const SubjectRules& rules) {
  std::string noun = baseNoun(e);
  bool stripped = false;
  for (const auto& p : rules.stripPrefixes) {
    if (noun.rfind(p, 0) == 0) noun = noun.substr(p.size());
  }
  for (const auto& s : rules.stripSuffixes) {
    if (noun.size() > s.size() && noun.compare(noun.size() - s.size(), s.size(), s) == 0) {
      noun.resize(noun.size() - s.size());
      stripped = true;
    }
  }
  std::vector<std::string> kept;
  for (const auto& w : words(noun)) {
    if (contains(rules.excludedWords, w)) return std::nullopt;
    if (!contains(rules.colourWords, w)) kept.push_back(w);
  }
  if (kept.empty()) return std::nullopt;
  return std::make_pair(joinWords(kept), stripped);
}

bool wantedGroup(const EmojiRecord& e, const SubjectRules& rules) {
  const auto it = rules.groups.find(e.group);
  if (it == rules.groups.end()) return false;
  return it->second.empty() || contains(it->second, e.subgroup);
}

}  // namespace

const char* splitName(Split split) { return split == Split::Heldout ? "heldout" : "train"; }

std::vector<EmojiRecord> parseEmojiJson(const std::string& text) {
  try {
    const auto j = nlohmann::json::parse(text);
    std::vector<EmojiRecord> out;
    out.reserve(j.size());
    for (const auto& e : j) {
      EmojiRecord r;
      r.unified = e.at("unified").get<std::string>();
      r.name = e.value("name", nlohmann::json()).is_string() ? e.at("name").get<std::string>() : std::string();
      r.shortName = e.at("short_name").get<std::string>();
      r.group = e.at("category").get<std::string>();
      r.subgroup = e.value("subcategory", "");
      r.sortOrder = e.value("sort_order", 0);
      out.push_back(std::move(r));
    }
    return out;
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("emoji.json is not the expected emoji list: ") + e.what(), ErrorCode::Corrupt);
  }
}

std::string codepointKey(std::string_view unified) {
  std::string out;
  std::size_t start = 0;
  while (start <= unified.size()) {
    std::size_t end = unified.find('-', start);
    if (end == std::string_view::npos) end = unified.size();
    std::string part(unified.substr(start, end - start));
    std::transform(part.begin(), part.end(), part.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    if (!part.empty() && part != "fe0f") out += (out.empty() ? "" : "-") + part;
    start = end + 1;
  }
  return out;
}

std::vector<CategoryPick> pickCategories(const std::vector<EmojiRecord>& emoji, const SubjectRules& rules,
                                         const std::set<std::string>& reserved) {
  struct Candidate {
    const EmojiRecord* emoji;
    std::string key, noun;
    bool stripped;
  };
  std::vector<Candidate> candidates;
  std::set<std::string> keys;
  for (const auto& e : emoji) {
    if (!wantedGroup(e, rules)) continue;
    const std::string key = codepointKey(e.unified);
    if (rules.excludedCodepoints.count(key) || reserved.count(key) || !keys.insert(key).second) continue;
    if (const auto it = rules.nounOverrides.find(key); it != rules.nounOverrides.end()) {
      if (it->second) candidates.push_back({&e, key, *it->second, false});
    } else if (const auto noun = ruleNoun(e, rules)) {
      candidates.push_back({&e, key, noun->first, noun->second});
    }
  }
  // One category per noun: a whole animal ("dog") beats its head ("dog face" -> "dog"), then
  // the lower sort order wins.
  std::stable_sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    return std::make_pair(a.stripped, a.emoji->sortOrder) < std::make_pair(b.stripped, b.emoji->sortOrder);
  });
  std::set<std::string> nouns;
  std::vector<std::pair<int, CategoryPick>> kept;
  for (const auto& c : candidates) {
    if (nouns.insert(c.noun).second) kept.push_back({c.emoji->sortOrder, {c.key, c.noun, c.emoji->group, c.emoji->subgroup}});
  }
  std::stable_sort(kept.begin(), kept.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<CategoryPick> out;
  for (auto& k : kept) out.push_back(std::move(k.second));
  return out;
}

Split splitOfCategory(std::string_view key) {
  Sha256 h;
  h.update(std::string_view("psr-world-split-v1:"));
  h.update(key);
  const auto d = h.digest();
  const std::uint32_t v = (std::uint32_t(d[0]) << 24) | (std::uint32_t(d[1]) << 16) | (std::uint32_t(d[2]) << 8) | d[3];
  return v % 100 < 20 ? Split::Heldout : Split::Train;
}

}  // namespace psr::world
