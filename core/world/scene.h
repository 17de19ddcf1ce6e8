#pragma once
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace psr::world {

struct WorldCatalog;

/// A box in canvas fractions (0..1), top-left origin, so scenes render at any resolution.
struct Box {
  double x = 0, y = 0, w = 0, h = 0;
  double centreX() const { return x + w / 2; }
  double centreY() const { return y + h / 2; }
};

enum class SubjectSize { Small, Large };

/// One subject in a scene: which identity, where, how big, doing what, wearing what.
struct SubjectInstance {
  std::string identity;  // "fluent/1f980"
  Box box;
  SubjectSize size = SubjectSize::Small;
  std::string action;                    // empty: standing still
  std::vector<std::string> accessories;  // accessory names
  int z = 0;                             // drawing order: lower first
};

/// Spatial relations of the PSRBench position rule (subject a relative to subject b).
enum class RelationKind { LeftOf, RightOf, Above, Below, NextTo };

struct Relation {
  int a = 0, b = 1;
  RelationKind kind = RelationKind::NextTo;
};

/// A scene: a named background and 1-4 subjects, plus the relations prompts talk about.
struct Scene {
  std::string background;
  std::vector<SubjectInstance> subjects;
  std::vector<Relation> relations;
};

const char* sizeName(SubjectSize size);
const char* relationName(RelationKind kind);  // "left_of", ...

/// JSON form: {"background", "subjects": [{"identity", "box": [x,y,w,h], "size", "action",
/// "accessories", "z"}], "relations": [{"a", "b", "kind"}]}.
nlohmann::json toJson(const Scene& scene);
/// Parses the JSON form; throws InvalidArgument naming the offending field.
Scene sceneFromJson(const nlohmann::json& j);
/// Scene files and database text are at most this long (a scene is a few hundred bytes).
inline constexpr std::size_t kMaxSceneJsonBytes = std::size_t(1) << 20;
/// Parses scene JSON text from outside (a file, a database row): size and nesting are checked
/// before parsing; throws InvalidArgument naming the problem.
Scene sceneFromText(std::string_view text);

/// True when the boxes satisfy the relation by the PSRBench rule (dx, dy = centre of b minus
/// centre of a: left of needs dx > 0 and |dx| > |dy|; above needs dy > 0; next to always holds).
bool relationHolds(const Scene& scene, const Relation& relation);

/// Checks a scene against a catalog: 1-4 subjects, known identities, actions, accessories
/// and background, boxes inside the canvas, relations between distinct subjects that hold.
/// Throws InvalidArgument with a message naming the subject and the problem.
void validateScene(const Scene& scene, const WorldCatalog& catalog);

}  // namespace psr::world
