#pragma once
#include <filesystem>

#include <QString>

// Paths cross between Qt (QString) and core (std::filesystem::path) with the file system's
// encoding, so names that are not valid UTF-8 survive the round trip.
namespace psr::ui {

std::filesystem::path toPath(const QString& path);
QString toQString(const std::filesystem::path& path);

}  // namespace psr::ui
