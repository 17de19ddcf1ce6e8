#pragma once
#include <array>
#include <string>
#include <string_view>

namespace psr::pipeline {

/// The seven task types of the data pipeline, which are also PSRBench's seven subsets.
enum class Subset { Attribute, Action, Background, Position, Complex, Three, Four };

/// Every subset, in PSRBench order (the order `--subset all` cycles through).
inline constexpr std::array<Subset, 7> kAllSubsets = {Subset::Attribute, Subset::Action,  Subset::Background,
                                                      Subset::Position,  Subset::Complex, Subset::Three,
                                                      Subset::Four};

/// CLI and database spelling: "attribute", ..., "four".
const char* subsetName(Subset subset);

/// PSRBench spelling, also the export's file stem: "Attribute", ..., "Four".
const char* subsetTitle(Subset subset);

/// Subjects in a scene of this subset: 2, except Three (3) and Four (4).
int subsetSubjects(Subset subset);

/// Parses a CLI/database spelling; throws InvalidArgument listing the valid names.
Subset parseSubset(std::string_view name);

}  // namespace psr::pipeline
