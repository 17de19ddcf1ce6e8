#pragma once
#include <QString>

namespace psr::ui {

struct HistoryItem;

/// Copies `item`'s image to `pngPath` and writes its recipe beside it as `<stem>.recipe.json`
/// (references pointing at the run folder's copies). False with `error` set on failure.
bool exportHistoryImage(const HistoryItem& item, const QString& pngPath, QString* error);

/// The recipe file exportHistoryImage writes for `pngPath`.
QString exportedRecipePath(const QString& pngPath);

}  // namespace psr::ui
