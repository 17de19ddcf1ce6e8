#include "bench/psrbench_items.h"

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "io/json_limits.h"

namespace psr::bench {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

bool isInside(const fs::path& root, const fs::path& p) {
  auto r = root.begin(), q = p.begin();
  for (; r != root.end(); ++r, ++q) {
    if (r->empty()) continue;  // a trailing separator
    if (q == p.end() || *r != *q) return false;
  }
  return true;
}

Error itemError(const std::string& what) { return Error(what, ErrorCode::InvalidArgument); }

/// Fills `item` from `raw` up to the first problem, which it throws.
void readItem(const json& raw, PsrBenchItem& item) {
  if (!raw.is_object()) throw itemError("item is not an object");
  const auto instruction = raw.find("instruction");
  if (instruction == raw.end() || !instruction->is_string()) throw itemError("no \"instruction\" text");
  item.instruction = instruction->get<std::string>();
  std::vector<std::string> inputs;
  if (const auto input = raw.find("input_path"); input != raw.end()) {
    if (input->is_string()) {
      inputs.push_back(input->get<std::string>());
    } else if (input->is_array()) {
      for (const auto& p : *input) {
        if (!p.is_string()) throw itemError("\"input_path\" holds a non-text entry");
        inputs.push_back(p.get<std::string>());
      }
    }
  }
  if (inputs.empty() || inputs.size() > 4) throw itemError("\"input_path\" must list 1 to 4 reference images");
  item.inputPaths = std::move(inputs);
  for (std::size_t k = 0; k < item.inputPaths.size(); ++k) {
    const std::string key = "category" + std::to_string(k + 1);
    const auto category = raw.find(key);
    if (category == raw.end() || !category->is_string())
      throw itemError("no \"" + key + "\" for reference " + std::to_string(k + 1));
    item.categories.push_back(category->get<std::string>());
  }
}

}  // namespace

std::vector<PsrBenchItem> parsePsrBenchItems(std::string_view text, const std::string& what) {
  const json list = io::parseJsonInput(text, what, ErrorCode::InvalidArgument, kMaxPsrBenchFileBytes);
  if (!list.is_array()) throw Error(what + ": expected a list of items", ErrorCode::InvalidArgument);
  std::vector<PsrBenchItem> items(list.size());
  for (std::size_t index = 0; index < list.size(); ++index) {
    const json& raw = list[index];
    PsrBenchItem& item = items[index];
    if (raw.is_object()) {
      if (const auto result = raw.find("result_path"); result != raw.end() && result->is_string())
        item.resultPath = result->get<std::string>();
    }
    try {
      readItem(raw, item);
    } catch (const Error& e) {
      item.error = e.what();
    }
  }
  return items;
}

fs::path resolveInside(const fs::path& root, const std::string& relative) {
  if (relative.empty()) throw Error("empty path", ErrorCode::InvalidArgument);
  // The OS sees a path only up to its first NUL: "a.png\0/../x" would be checked as one path
  // and opened as another.
  if (relative.find('\0') != std::string::npos)
    throw Error("path holds a NUL byte; PSRBench paths are plain relative paths", ErrorCode::InvalidArgument);
  const fs::path rel(relative);
  if (rel.is_absolute() || rel.has_root_name() || rel.has_root_directory()) {
    throw Error("path '" + relative + "' is absolute; PSRBench paths are relative to the folder",
                ErrorCode::InvalidArgument);
  }
  fs::path base, resolved;
  try {
    base = fs::weakly_canonical(root);
    resolved = fs::weakly_canonical(base / rel);  // follows symlinks that exist
  } catch (const fs::filesystem_error& e) {  // a symlink loop, a name too long, no permission
    throw Error("path '" + relative + "' cannot be resolved: " + e.code().message(), ErrorCode::InvalidArgument);
  }
  if (!isInside(base, resolved)) {
    throw Error("path '" + relative + "' leaves the PSRBench folder (resolves to " + resolved.string() + ")",
                ErrorCode::InvalidArgument);
  }
  // weakly_canonical keeps a symlink that leads nowhere (yet) as it is, so the path would be
  // checked here but opened wherever the link points once its target exists. The part it did
  // resolve holds no symlinks; look at the rest.
  fs::path walked = base;
  for (const auto& part : resolved.lexically_relative(base)) {
    if (part.empty() || part == ".") continue;
    walked /= part;
    std::error_code ec;
    const auto status = fs::symlink_status(walked, ec);
    if (ec || !fs::exists(status)) break;  // nothing exists below
    if (fs::is_symlink(status)) {
      throw Error("path '" + relative + "' goes through a symlink that leads nowhere (" + walked.string() + ")",
                  ErrorCode::InvalidArgument);
    }
  }
  return resolved;
}

}  // namespace psr::bench
