#include "perceive/semantic_scorer.h"

#include <algorithm>
#include <map>

#include "common/error.h"

namespace psr::perceive {
namespace {

/// A phrase found in a sentence: where, how long, what it names.
struct Hit {
  std::size_t at = 0, length = 0;
  std::int64_t index = 0;
};

// Relation phrases of PSRBench-style prompts.
const std::vector<std::pair<std::string, SpatialRelation>>& relationPhrases() {
  static const std::vector<std::pair<std::string, SpatialRelation>> p = {
      {"to the left of", SpatialRelation::LeftOf},   {"on the left side of", SpatialRelation::LeftOf},
      {"left of", SpatialRelation::LeftOf},          {"to the right of", SpatialRelation::RightOf},
      {"on the right side of", SpatialRelation::RightOf}, {"right of", SpatialRelation::RightOf},
      {"on top of", SpatialRelation::Above},         {"above", SpatialRelation::Above},
      {"over", SpatialRelation::Above},              {"below", SpatialRelation::Below},
      {"under", SpatialRelation::Below},             {"beneath", SpatialRelation::Below},
      {"underneath", SpatialRelation::Below},        {"next to", SpatialRelation::NextTo},
      {"beside", SpatialRelation::NextTo},           {"near", SpatialRelation::NextTo}};
  return p;
}

/// Every non-overlapping occurrence of the entries' phrases, longest phrases first; the found
/// spans are blanked in `text` so that shorter phrases cannot match inside them.
std::vector<Hit> takePhrases(std::string& text, const std::vector<std::pair<std::string, std::int64_t>>& phrases) {
  auto sorted = phrases;
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  std::vector<Hit> hits;
  for (const auto& [phrase, index] : sorted) {
    std::size_t at = 0;
    while (containsPhrase(text, phrase, &at)) {
      hits.push_back({at, phrase.size(), index});
      std::fill(text.begin() + std::ptrdiff_t(at), text.begin() + std::ptrdiff_t(at + phrase.size()), '#');
    }
  }
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) { return a.at < b.at; });
  return hits;
}

std::vector<std::pair<std::string, std::int64_t>> phrasesOf(const std::vector<VocabularyEntry>& entries) {
  std::vector<std::pair<std::string, std::int64_t>> out;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    for (const auto& p : entries[i].phrases) out.emplace_back(normalisedText(p), std::int64_t(i));
  }
  return out;
}

/// The subject mentioned nearest before `at`, else nearest after; -1 when none.
int nearestSubject(const std::vector<Hit>& mentions, std::size_t at) {
  int before = -1, after = -1;
  for (const auto& m : mentions) {
    if (m.at < at) before = int(m.index);
    if (m.at > at && after < 0) after = int(m.index);
  }
  return before >= 0 ? before : after;
}

std::vector<std::string> sentencesOf(const std::string& text) {
  std::vector<std::string> out(1);
  for (char c : text) {
    if (c == '.' || c == ';' || c == '!' || c == '?' || c == '\n') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

}  // namespace

SemanticRequirements parseInstruction(const std::string& text, const std::vector<std::int64_t>& categories,
                                      const Vocabulary& v) {
  SemanticRequirements req;
  for (const auto c : categories) {
    if (c < 0 || c >= std::int64_t(v.categories.size())) {
      throw Error("category index " + std::to_string(c) + " is not in the vocabulary", ErrorCode::InvalidArgument);
    }
    req.subjects.push_back({c, {}, -1});
  }
  std::string whole = normalisedText(text);
  const auto backgrounds = takePhrases(whole, phrasesOf(v.backgrounds));
  if (!backgrounds.empty()) req.background = backgrounds.front().index;

  // Mention phrases per subject: "first crab" style ordinals for repeated categories, else the noun.
  static const char* ordinals[] = {"first", "second", "third", "fourth"};
  std::map<std::int64_t, int> count, seen;
  for (const auto c : categories) ++count[c];
  std::vector<std::pair<std::string, std::int64_t>> mentionPhrases;
  for (std::size_t i = 0; i < categories.size(); ++i) {
    const auto c = categories[i];
    for (const auto& p : v.categories[std::size_t(c)].phrases) {
      const auto noun = normalisedText(p);
      if (count[c] > 1) {
        mentionPhrases.emplace_back(std::string(ordinals[std::min(3, seen[c])]) + " " + noun, std::int64_t(i));
      } else {
        for (const auto& form : {noun, noun + "s", noun + "es"}) mentionPhrases.emplace_back(form, std::int64_t(i));
      }
    }
    ++seen[c];
  }
  const auto accessoryPhrases = phrasesOf(v.accessories);
  const auto actionPhrases = phrasesOf(v.actions);
  for (const auto& raw : sentencesOf(text)) {
    std::string s = normalisedText(raw);
    takePhrases(s, phrasesOf(v.backgrounds));
    // Accessories and actions first: their words must not be read as subjects or relations.
    const auto accessories = takePhrases(s, accessoryPhrases);
    const auto actions = takePhrases(s, actionPhrases);
    const auto mentions = takePhrases(s, mentionPhrases);
    for (const auto& a : accessories) {
      const int who = nearestSubject(mentions, a.at);
      if (who >= 0) req.subjects[std::size_t(who)].accessories.push_back(a.index);
    }
    for (const auto& a : actions) {
      const int who = nearestSubject(mentions, a.at);
      if (who >= 0) req.subjects[std::size_t(who)].action = a.index;
    }
    if (req.relation) continue;
    std::vector<std::pair<std::string, std::int64_t>> rel;
    for (std::size_t i = 0; i < relationPhrases().size(); ++i) rel.emplace_back(relationPhrases()[i].first, std::int64_t(i));
    for (const auto& r : takePhrases(s, rel)) {
      int a = -1, b = -1;
      for (const auto& m : mentions) {
        if (m.at < r.at) a = int(m.index);
        if (m.at > r.at && b < 0) b = int(m.index);
      }
      if (a >= 0 && b >= 0 && a != b) {
        req.relation = RelationRequirement{a, b, relationPhrases()[std::size_t(r.index)].second};
        break;
      }
    }
  }
  return req;
}

SemanticScore scoreSemantics(const SemanticRequirements& req, const SceneObservation& obs, const Vocabulary& v,
                             bool positionOnly) {
  if (obs.subjects.size() != req.subjects.size()) {
    throw Error("semantic scorer: " + std::to_string(obs.subjects.size()) + " observed subjects for " +
                std::to_string(req.subjects.size()) + " required", ErrorCode::InvalidArgument);
  }
  SemanticScore out;
  auto add = [&](std::string name, double score) { out.checks.push_back({std::move(name), score, score >= 0.5}); };
  auto noun = [&](std::size_t i) { return v.categories[std::size_t(req.subjects[i].category)].phrases.at(0); };
  auto prob = [](const std::vector<float>& probs, std::int64_t i) {
    return i >= 0 && std::size_t(i) < probs.size() ? double(probs[std::size_t(i)]) : 0.0;
  };
  if (!positionOnly) {
    for (std::size_t i = 0; i < req.subjects.size(); ++i) {
      const auto& r = req.subjects[i];
      const auto& o = obs.subjects[i];
      const double presence = o.found ? 1.0 : std::clamp(o.confidence / obs.presenceThreshold, 0.0, 1.0);
      add("present: " + noun(i), presence);
      for (const auto a : r.accessories) {
        add("accessory: " + noun(i) + " wears " + v.accessories.at(std::size_t(a)).name, presence * prob(o.accessoryProbs, a));
      }
      if (r.action >= 0) {
        add("action: " + noun(i) + " " + v.actions.at(std::size_t(r.action)).name, presence * prob(o.actionProbs, r.action));
      }
    }
    if (req.background >= 0) {
      add("background: " + v.backgrounds.at(std::size_t(req.background)).name, prob(obs.backgroundProbs, req.background));
    }
  }
  if (req.relation) {
    const auto& rel = *req.relation;
    // A weak candidate box still says where a subject is; its soft presence scales the score,
    // so a faint detection neither passes as certain nor turns the check into a tie at 0.
    auto boxOf = [&](int i) -> std::optional<Rect> {
      const auto& o = obs.subjects.at(std::size_t(i));
      return o.found || o.hasBox ? std::optional<Rect>(o.box) : std::nullopt;
    };
    auto presence = [&](int i) {
      const auto& o = obs.subjects.at(std::size_t(i));
      return o.found ? 1.0 : std::clamp(o.confidence / obs.presenceThreshold, 0.0, 1.0);
    };
    add(std::string("position: ") + noun(std::size_t(rel.a)) + " " + spatialRelationName(rel.kind) + " " +
            noun(std::size_t(rel.b)),
        std::min(presence(rel.a), presence(rel.b)) *
            positionScore(rel.kind, boxOf(rel.a), boxOf(rel.b), std::max(obs.width, obs.height)));
  }
  if (positionOnly && !req.relation) add("position: no spatial phrase", 0.0);
  double sum = 0;
  for (const auto& c : out.checks) sum += c.score;
  out.score = out.checks.empty() ? 0.0 : sum / double(out.checks.size());
  return out;
}

}  // namespace psr::perceive
