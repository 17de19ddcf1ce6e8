#include "review_keymap.h"

#include <QCoreApplication>

#include "curate/reject_reason.h"

namespace psr::ui {

std::optional<ReviewCommand> reviewCommandFor(int key, Qt::KeyboardModifiers modifiers, const QString& text) {
  // Keypad digits and Enter carry KeypadModifier; they count as the same keys.
  const Qt::KeyboardModifiers mods = modifiers & ~Qt::KeypadModifier;
  // '?' arrives as Shift+/ on most layouts, so it is matched by the text it types.
  if (text == QLatin1String("?") || (key == Qt::Key_F1 && mods == Qt::NoModifier)) {
    return ReviewCommand{ReviewCommand::ToggleOverlay, std::nullopt};
  }
  if (key == Qt::Key_Z && mods == Qt::ControlModifier) return ReviewCommand{ReviewCommand::Undo, std::nullopt};
  if (mods != Qt::NoModifier) return std::nullopt;
  switch (key) {
    case Qt::Key_Return:
    case Qt::Key_Enter:
    case Qt::Key_A: return ReviewCommand{ReviewCommand::Accept, std::nullopt};
    case Qt::Key_Delete:
    case Qt::Key_R: return ReviewCommand{ReviewCommand::Reject, std::nullopt};
    case Qt::Key_Escape: return ReviewCommand{ReviewCommand::HideOverlay, std::nullopt};
    default: break;
  }
  if (key >= Qt::Key_1 && key <= Qt::Key_9) return ReviewCommand{ReviewCommand::Reject, key - Qt::Key_0};
  return std::nullopt;
}

QList<QPair<QString, QString>> reviewKeyHelp() {
  const auto tr = [](const char* s) { return QCoreApplication::translate("psr::ui::ReviewKeys", s); };
  QList<QPair<QString, QString>> rows = {
      {tr("Enter  /  A"), tr("accept")},
      {tr("Del  /  R"), tr("reject")},
  };
  for (int code = 1; code <= psr::curate::kRejectReasonCount; ++code) {
    rows.append({QString::number(code), tr("reject: %1").arg(tr(psr::curate::rejectReasonLabel(code)))});
  }
  rows.append({{tr("\u2190 \u2191 \u2192 \u2193  PgUp  PgDn"), tr("move")},
               {tr("Ctrl+Z"), tr("undo the last review")},
               {tr("?  /  F1"), tr("show or hide these keys")}});
  return rows;
}

}  // namespace psr::ui
