#pragma once
// The semantic scorer (the VLM judge's role in the emoji world): what an instruction asks for,
// parsed into requirements, checked against what the detector observed. Plain structs in and
// out, so the checks can be tested without models.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "perceive/position_rule.h"
#include "perceive/vocabulary.h"

namespace psr::perceive {

/// What the instruction asks of one subject (indices into the vocabulary).
struct SubjectRequirement {
  std::int64_t category = 0;
  std::vector<std::int64_t> accessories;
  std::int64_t action = -1;  // -1: nothing asked (0 would ask for "no action")
};

/// "subject a <kind> subject b".
struct RelationRequirement {
  int a = 0, b = 1;
  SpatialRelation kind = SpatialRelation::NextTo;
};

/// Everything an instruction asks.
struct SemanticRequirements {
  std::vector<SubjectRequirement> subjects;
  std::int64_t background = -1;
  std::optional<RelationRequirement> relation;
};

/// Reads an instruction or T2I prompt for subjects of the given categories (in order): the
/// background phrase (removed before relations are looked for, so "near a volcano" is no
/// relation), then per sentence accessories and actions attached to the nearest subject noun
/// before them (else after), and the first spatial phrase between two subject nouns.
/// "the first crab" / "the second crab" tell repeated categories apart.
SemanticRequirements parseInstruction(const std::string& text, const std::vector<std::int64_t>& categories,
                                      const Vocabulary& vocabulary);

/// What the detector saw of one subject: its box when found (confidence at or above the
/// scene's presence threshold), else possibly a weaker candidate's confidence and readings.
struct SubjectObservation {
  bool found = false;
  Rect box{};
  std::vector<float> accessoryProbs;  // per accessory
  std::vector<float> actionProbs;     // per action (0: none)
  double confidence = 0;              // of the detection read (ignored when found)
  bool hasBox = false;                // a candidate box was read (found or below the threshold)
};

/// What the detector saw in one image.
struct SceneObservation {
  double width = 64, height = 64;
  double presenceThreshold = 0.3;  // the detector confidence that counts as found
  std::vector<SubjectObservation> subjects;  // same order as the requirements' subjects
  std::vector<float> backgroundProbs;
};

/// One check, 0-1 (probability of the asked fact, or the position rule's score).
struct SemanticCheck {
  std::string name;  // "accessory: crab wears crown"
  double score = 0;
  bool passed = false;  // score >= 0.5
};

struct SemanticScore {
  double score = 0;
  std::vector<SemanticCheck> checks;
};

/// Checks presence of every subject, each asked accessory and action, the background and the
/// relation; the score is their mean. Presence is soft: 1 when found, else confidence divided by
/// the presence threshold; accessory and action checks are their probability times presence;
/// the relation needs both boxes found (the public rule). With `positionOnly` (PSRBench's Position subset) the score
/// is the position rule's alone, as in the public scorer.
SemanticScore scoreSemantics(const SemanticRequirements& requirements, const SceneObservation& observation,
                             const Vocabulary& vocabulary, bool positionOnly = false);

}  // namespace psr::perceive
