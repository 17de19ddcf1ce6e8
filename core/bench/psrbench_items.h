#pragma once
// Reading one PSRBench subset file (Attribute.json ... Four.json) into items, and resolving the
// paths they name inside the benchmark folder. No workspace, models or images: importPsrBench
// (bench_psrbench.h) looks the categories up, resolves the paths and copies the references.
// Split out so that tests/fuzz/fuzz_psrbench_item.cpp can fuzz exactly what reads the file.
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace psr::bench {

/// One item of a subset file as written, nothing looked up or resolved yet.
struct PsrBenchItem {
  std::string instruction;               ///< "" when missing
  std::vector<std::string> inputPaths;   ///< "input_path": 1 to 4 paths (empty when invalid)
  std::vector<std::string> categories;   ///< "category1" ... one per input path, up to the first missing
  std::string resultPath;                ///< "result_path" when a string ("" = none), even for a bad item
  std::string error;                     ///< why the item is unusable ("" = fine so far)
};

/// A subset file larger than this is refused (PSRBench's are a few kB).
inline constexpr std::size_t kMaxPsrBenchFileBytes = std::size_t(64) << 20;

/// The items of one subset file, one per list entry; problems of one item go to its `error`.
/// Throws InvalidArgument, naming `what`, when the text is too large, nests too deep, is not
/// JSON or not a list.
std::vector<PsrBenchItem> parsePsrBenchItems(std::string_view text, const std::string& what);

/// `relative` resolved inside `root` (both through symlinks); throws InvalidArgument when it is
/// empty, absolute, holds a NUL byte, cannot be resolved, or resolves outside `root` ("../", a
/// symlink pointing out).
std::filesystem::path resolveInside(const std::filesystem::path& root, const std::string& relative);

}  // namespace psr::bench
