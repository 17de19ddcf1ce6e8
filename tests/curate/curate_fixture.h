#pragma once
// Deterministic synthetic samples for the curation tests and the gallery benchmark, written
// with plain SQL so they do not depend on the data pipeline.
#include <string>
#include <vector>

namespace psr::store {
class Workspace;
}

namespace psr::curate::fixture {

/// What sample number `i` (0-based) of the fixture holds.
struct FixtureSample {
  std::string subset;
  std::string split;
  std::vector<std::string> categories;  ///< one per reference
  double consistency = 0;
  std::string instruction;
};

/// Sample `i`: subsets cycle through the paper's seven, every fifth is held out, subsets
/// "three" and "four" have 3 and 4 references (else 2), consistency is (37·i mod 100) / 100.
FixtureSample fixtureSample(int i);

/// Inserts samples 0..count-1 in one transaction; reference and target images are taken
/// round-robin from `blobs` (SHA-256 digests already in the workspace). Returns the first id.
long long insertSamples(psr::store::Workspace& workspace, int count, const std::vector<std::string>& blobs);

}  // namespace psr::curate::fixture
