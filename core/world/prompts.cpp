#include "world/prompts.h"

#include <cctype>
#include <map>
#include <vector>

#include "world/catalog.h"

namespace psr::world {
namespace {

using Templates = std::vector<std::string>;

const std::map<RelationKind, Templates>& relationPhrases() {
  static const std::map<RelationKind, Templates> t = {
      {RelationKind::LeftOf, {"to the left of", "on the left side of", "left of"}},
      {RelationKind::RightOf, {"to the right of", "on the right side of", "right of"}},
      {RelationKind::Above, {"above", "on top of", "over"}},
      {RelationKind::Below, {"below", "under", "beneath"}},
      {RelationKind::NextTo, {"next to", "beside", "near"}},
  };
  return t;
}

std::string article(const std::string& word) {
  const char c = word.empty() ? 'x' : char(std::tolower(static_cast<unsigned char>(word[0])));
  return (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u') ? "an" : "a";
}

std::string capitalised(std::string s) {
  if (!s.empty()) s[0] = char(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

/// Replaces every "{key}" in a template.
std::string fill(std::string text, const std::map<std::string, std::string>& values) {
  for (const auto& [key, value] : values) {
    const std::string token = "{" + key + "}";
    for (std::size_t pos; (pos = text.find(token)) != std::string::npos;) text.replace(pos, token.size(), value);
  }
  return text;
}

std::string listed(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    out += (i == 0 ? "" : i + 1 == items.size() ? " and " : ", ") + items[i];
  }
  return out;
}

std::string nounOf(const SubjectInstance& s, const WorldCatalog& c) {
  return c.categoryOf(*c.findIdentity(s.identity)).noun;
}

/// "the crab", or "the first crab" when two subjects share a category.
std::vector<std::string> definiteNames(const Scene& scene, const WorldCatalog& c) {
  static const char* ordinals[] = {"first", "second", "third", "fourth"};
  std::map<std::string, int> count, seen;
  for (const auto& s : scene.subjects) ++count[nounOf(s, c)];
  std::vector<std::string> out;
  for (const auto& s : scene.subjects) {
    const std::string noun = nounOf(s, c);
    out.push_back(count[noun] > 1 ? "the " + std::string(ordinals[seen[noun]++]) + " " + noun : "the " + noun);
  }
  return out;
}

std::vector<std::string> accessoryPhrases(const SubjectInstance& s) {
  std::vector<std::string> out;
  for (const auto& a : s.accessories) out.push_back(a == "sunglasses" || a == "glasses" ? a : article(a) + " " + a);
  return out;
}

std::string backgroundPhrase(const Scene& scene, const WorldCatalog& c, Rng& rng) {
  return rng.pick(c.findBackground(scene.background)->phrases);
}

/// "a small crab wearing a crown" (T2I prompts may say sizes; instructions never do).
std::string describedSubject(const SubjectInstance& s, const WorldCatalog& c) {
  const std::string size = sizeName(s.size);
  std::string text = article(size) + " " + size + " " + nounOf(s, c);
  const auto acc = accessoryPhrases(s);
  if (!acc.empty()) text += " wearing " + listed(acc);
  return text;
}

std::string verbOf(const SubjectInstance& s, const WorldCatalog& c, Rng& rng) {
  if (s.action.empty()) return rng.pick(Templates{"sits", "stands", "is"});
  return rng.pick(c.findAction(s.action)->instruction);
}

}  // namespace

std::string t2iPrompt(const Scene& scene, const WorldCatalog& c, Rng& rng) {
  const std::string bg = backgroundPhrase(scene, c, rng);
  std::vector<std::string> clauses;
  std::vector<bool> mentioned(scene.subjects.size(), false);
  for (const auto& r : scene.relations) {
    const auto& a = scene.subjects[std::size_t(r.a)];
    const auto& b = scene.subjects[std::size_t(r.b)];
    clauses.push_back(describedSubject(a, c) + " " + verbOf(a, c, rng) + " " +
                      rng.pick(relationPhrases().at(r.kind)) + " " +
                      (mentioned[std::size_t(r.b)] ? definiteNames(scene, c)[std::size_t(r.b)] : describedSubject(b, c)));
    mentioned[std::size_t(r.a)] = mentioned[std::size_t(r.b)] = true;
  }
  for (std::size_t i = 0; i < scene.subjects.size(); ++i) {
    if (mentioned[i]) continue;
    const auto& s = scene.subjects[i];
    clauses.push_back(describedSubject(s, c) + (s.action.empty() ? "" : " " + c.findAction(s.action)->gerund));
  }
  const Templates templates = {"{clauses}, {bg}.", "{Bg}, {clauses}.", "A picture of {clauses}, {bg}.",
                               "A scene {bg}: {clauses}."};
  const std::string text = fill(rng.pick(templates), {{"clauses", listed(clauses)}, {"bg", bg}, {"Bg", capitalised(bg)}});
  return capitalised(text);
}

std::string subjectScenePrompt(const Scene& ref, const WorldCatalog& c, Rng& rng) {
  const auto& s = ref.subjects.at(0);
  const std::string noun = nounOf(s, c);
  const std::string doing = s.action.empty() ? "" : " " + c.findAction(s.action)->gerund;
  const Templates templates = {"A photo of {a} {noun}{doing} {bg}.", "{A} {noun}{doing}, {bg}.",
                               "{A} single {noun}{doing} {bg}."};
  return fill(rng.pick(templates), {{"a", article(noun)}, {"A", capitalised(article(noun))}, {"noun", noun},
                                    {"doing", doing}, {"bg", backgroundPhrase(ref, c, rng)}});
}

std::string instruction(const Scene& scene, const WorldCatalog& c, Rng& rng) {
  const auto names = definiteNames(scene, c);
  std::vector<std::string> sentences;
  std::vector<bool> mentioned(scene.subjects.size(), false);
  for (std::size_t i = 0; i < scene.subjects.size(); ++i) {
    const auto& s = scene.subjects[i];
    const auto acc = accessoryPhrases(s);
    if (!acc.empty()) {
      const Templates t = {"{The} is wearing {acc}", "Put {acc} on {the}", "Give {the} {acc}", "{The} wears {acc}"};
      sentences.push_back(fill(rng.pick(t), {{"The", capitalised(names[i])}, {"the", names[i]}, {"acc", listed(acc)}}));
      mentioned[i] = true;
    }
    if (!s.action.empty()) {
      sentences.push_back(capitalised(names[i]) + " " + rng.pick(c.findAction(s.action)->instruction));
      mentioned[i] = true;
    }
  }
  for (const auto& r : scene.relations) {
    const Templates t = {"{The} is {rel} {other}", "Place {the} {rel} {other}", "Put {the} {rel} {other}"};
    sentences.push_back(fill(rng.pick(t), {{"The", capitalised(names[std::size_t(r.a)])}, {"the", names[std::size_t(r.a)]},
                                           {"rel", rng.pick(relationPhrases().at(r.kind))}, {"other", names[std::size_t(r.b)]}}));
    mentioned[std::size_t(r.a)] = mentioned[std::size_t(r.b)] = true;
  }
  std::vector<std::string> rest;
  for (std::size_t i = 0; i < scene.subjects.size(); ++i) {
    if (!mentioned[i]) rest.push_back(names[i]);
  }
  if (!rest.empty()) {
    // "Show … together" needs two or more; a lone subject gets singular templates.
    const Templates plural = {"Show {list} together", "Include {list}", "{List} appear in the picture"};
    const Templates single = {"Include {list}", "{List} appears in the picture", "Show {list} as well"};
    sentences.push_back(fill(rng.pick(rest.size() > 1 ? plural : single),
                             {{"list", listed(rest)}, {"List", capitalised(listed(rest))}}));
  }
  const std::string bg = backgroundPhrase(scene, c, rng);
  const Templates bgT = {"The scene is set {bg}", "Everything takes place {bg}", "Show them {bg}"};
  sentences.push_back(fill(rng.pick(bgT), {{"bg", bg}}));
  std::string out;
  for (const auto& s : sentences) out += (out.empty() ? "" : " ") + s + ".";
  return out;
}

}  // namespace psr::world
