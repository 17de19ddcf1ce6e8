#include "prompt_editor.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QTextCursor>
#include <QToolButton>
#include <QVBoxLayout>

namespace psr::ui {

PromptEditor::PromptEditor(QWidget* parent)
    : QWidget(parent), edit_(new QPlainTextEdit(this)), chipRow_(new QHBoxLayout), chipHint_(new QLabel(this)) {
  edit_->setObjectName(QStringLiteral("composePrompt"));
  edit_->setPlaceholderText(tr("Describe the image, naming the subjects, e.g. \u201cthe cat wearing a hat next to "
                               "the teapot on a beach\u201d"));
  edit_->setTabChangesFocus(true);
  edit_->setMinimumHeight(64);
  edit_->setMaximumHeight(120);
  chipHint_->setText(tr("Insert:"));
  chipRow_->setContentsMargins(0, 0, 0, 0);
  chipRow_->addWidget(chipHint_);
  chipRow_->addStretch(1);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(edit_);
  layout->addLayout(chipRow_);
  connect(edit_, &QPlainTextEdit::textChanged, this, &PromptEditor::promptChanged);
  chipHint_->hide();
}

QString PromptEditor::prompt() const { return edit_->toPlainText().simplified(); }

void PromptEditor::setPrompt(const QString& text) { edit_->setPlainText(text); }

void PromptEditor::setSubjects(const QList<QPair<int, QString>>& subjects) {
  qDeleteAll(chips_);
  chips_.clear();
  for (const auto& [number, name] : subjects) {
    auto* chip = new QToolButton(this);
    chip->setObjectName(QStringLiteral("composeChip%1").arg(number));
    chip->setText(QStringLiteral("%1 \u00b7 %2").arg(number).arg(name));
    chip->setToolTip(tr("Insert \u201c%1\u201d (subject %2) into the prompt").arg(name).arg(number));
    chip->setFocusPolicy(Qt::NoFocus);  // the prompt keeps the cursor where the name goes
    connect(chip, &QToolButton::clicked, this, [this, name = name] { insertName(name); });
    chipRow_->insertWidget(chipRow_->count() - 1, chip);
    chips_.append(chip);
  }
  chipHint_->setVisible(!chips_.isEmpty());
}

void PromptEditor::insertName(const QString& name) {
  QTextCursor cursor = edit_->textCursor();
  const QString text = edit_->toPlainText();
  const int at = cursor.selectionStart();
  const int end = cursor.selectionEnd();
  QString insert = name;
  if (at > 0 && !text.at(at - 1).isSpace()) insert.prepend(QLatin1Char(' '));
  if (end < text.size() && !text.at(end).isSpace() && !text.at(end).isPunct()) insert.append(QLatin1Char(' '));
  cursor.insertText(insert);
  edit_->setTextCursor(cursor);
  edit_->setFocus();
}

}  // namespace psr::ui
