// One PSRBench subset file (Attribute.json ... Four.json of a folder given to
// `psr bench import-psrbench`): bench::parsePsrBenchItems, then what the importer does with each
// item short of decoding images: the category lookup and resolveInside for every input_path and
// result_path. The folder is a temporary one made once per process (removed at exit) with
// images, a file and a folder next to it (outside), and symlinks leading in, out, nowhere and
// to themselves. Only the filesystem's metadata is read; nothing is written outside it.
// Invariant: every path resolveInside accepts lies inside the folder, as the kernel sees it
// too (no NUL, no "..", no symlink left unresolved, the real path inside).
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "bench/psrbench_items.h"
#include "fuzz_common.h"
#include "perceive/vocabulary.h"

namespace fs = std::filesystem;

namespace {

struct Folder {
  fs::path tmp;   ///< what is removed at exit
  fs::path root;  ///< the benchmark folder, canonical
};

fs::path g_tmp;

void removeFolder() {
  std::error_code ec;
  if (!g_tmp.empty()) fs::remove_all(g_tmp, ec);  // does not follow symlinks
}

void touch(const fs::path& file) {
  std::ofstream out(file, std::ios::binary);
  out << "not really a png";
  PSR_FUZZ_CHECK(out.good());
}

const Folder& folder() {
  static const Folder f = [] {
    std::string name = (fs::temp_directory_path() / "psr-fuzz-psrbench-XXXXXX").string();
    PSR_FUZZ_CHECK(::mkdtemp(name.data()) != nullptr);
    Folder made;
    made.tmp = fs::canonical(name);
    g_tmp = made.tmp;
    std::atexit(removeFolder);
    made.root = made.tmp / "bench";
    const fs::path& r = made.root;
    for (const char* dir : {"subjects/Attribute", "subjects/Four", "results/Attribute", "img"})
      fs::create_directories(r / dir);
    fs::create_directories(made.tmp / "outside");
    for (const char* file : {"subjects/Attribute/0_1.png", "subjects/Attribute/0_2.png", "subjects/Four/7_1.png",
                             "results/Attribute/0.png", "img/a.png", "img/b.png", "img/result.png"})
      touch(r / file);
    touch(made.tmp / "outside.png");
    touch(made.tmp / "outside/secret.png");
    fs::create_symlink(made.tmp / "outside.png", r / "img/escape.png");        // absolute, out
    fs::create_symlink("../../outside.png", r / "img/escape-rel.png");         // relative, out
    fs::create_directory_symlink("../../outside", r / "img/out");              // a folder out
    fs::create_directory_symlink("../subjects", r / "img/inner");              // a folder in
    fs::create_symlink("a.png", r / "img/alias.png");                          // a file in
    fs::create_symlink("loop", r / "img/loop");                                // ELOOP
    fs::create_symlink("../../nowhere.png", r / "img/dangling.png");           // out, not (yet) there
    fs::create_directory_symlink("../../nowhere", r / "img/dangling-dir");
    return made;
  }();
  return f;
}

const psr::perceive::Vocabulary& vocabulary() {
  static const psr::perceive::Vocabulary v = [] {
    psr::perceive::Vocabulary voc;
    for (const auto& [key, noun] : {std::pair{"1f980", "crab"}, {"1f436", "dog"}, {"1f431", "cat"},
                                    {"1f34e", "apple"}, {"1f697", "car"}, {"1f981", "lion"}})
      voc.categories.push_back({key, {noun}});
    return voc;
  }();
  return v;
}

bool startsInside(const std::string& path, const std::string& root) {
  return path == root || (path.size() > root.size() && path.compare(0, root.size(), root) == 0 &&
                          path[root.size()] == '/');
}

/// What the importer would open: inside the folder, with the kernel's own resolution too.
void checkInside(const fs::path& resolved, const fs::path& root) {
  const std::string& s = resolved.native();
  PSR_FUZZ_CHECK(s.find('\0') == std::string::npos);
  PSR_FUZZ_CHECK(resolved.is_absolute());
  PSR_FUZZ_CHECK(startsInside(s, root.native()));
  // Walk it component by component below the root as the kernel would.
  fs::path walked = root;
  const fs::path rest = resolved.lexically_relative(root);
  for (const auto& part : rest) {
    if (part.empty() || part == ".") continue;
    PSR_FUZZ_CHECK(part != "..");
    walked /= part;
    struct stat st {};
    if (::lstat(walked.c_str(), &st) != 0) break;  // nothing exists below this
    // weakly_canonical resolved every symlink that leads somewhere; one left over points nowhere
    // (yet), and the file it would open is wherever it points.
    PSR_FUZZ_CHECK(!S_ISLNK(st.st_mode));
  }
  char real[PATH_MAX];
  if (::realpath(resolved.c_str(), real) != nullptr) PSR_FUZZ_CHECK(startsInside(real, root.native()));
}

void resolve(const std::string& path) {
  const auto& f = folder();
  std::optional<fs::path> resolved;
  refusalOk([&] { resolved = psr::bench::resolveInside(f.root, path); });
  if (resolved) checkInside(*resolved, f.root);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)folder();
  refusalOk([&] {
    const auto items = psr::bench::parsePsrBenchItems(fuzzText(data, size), "Attribute.json");
    for (std::size_t index = 0; index < items.size(); ++index) {
      const auto& item = items[index];
      PSR_FUZZ_CHECK(item.inputPaths.size() <= 4 && item.categories.size() <= item.inputPaths.size());
      if (item.error.empty()) {
        PSR_FUZZ_CHECK(!item.inputPaths.empty() && item.categories.size() == item.inputPaths.size());
      }
      // The importer reports items as JSON (item_errors, the suite's source): must dump.
      nlohmann::json source = {{"file", "Attribute.json"}, {"index", index}, {"error", item.error},
                               {"instruction", item.instruction}, {"input_path", item.inputPaths},
                               {"result_path", item.resultPath}};
      (void)source.dump();
      for (const auto& phrase : item.categories) {
        refusalOk([&] {
          const auto found = vocabulary().findCategory(phrase);
          PSR_FUZZ_CHECK(found >= 0 && std::size_t(found) < vocabulary().categories.size());
        });
      }
      for (const auto& path : item.inputPaths) resolve(path);
      if (!item.resultPath.empty()) resolve(item.resultPath);
    }
  });
  return 0;
}
