#include "path_conversion.h"

#include <QFile>

namespace psr::ui {

std::filesystem::path toPath(const QString& path) { return QFile::encodeName(path).toStdString(); }

QString toQString(const std::filesystem::path& path) { return QFile::decodeName(path.c_str()); }

}  // namespace psr::ui
