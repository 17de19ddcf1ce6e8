#pragma once
#include <optional>

#include <QString>

namespace psr::ui {

/// One denoising step reported by `psr generate` on stderr.
struct GenerateProgress {
  long long done = 0;
  long long total = 0;
  int image = 0;  ///< 0-based index within the batch
  int step = 0;
  QString preview;  ///< PNG of the current denoised estimate; empty without --preview-dir
};

/// Reads `{"done":d,"total":t,"image":i,"step":s[,"preview":P]}`; nullopt for any other line.
std::optional<GenerateProgress> parseGenerateProgress(const QString& line);

}  // namespace psr::ui
