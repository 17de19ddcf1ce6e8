#include "sample_detail_pane.h"

#include <QFontDatabase>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include "blob_image_view.h"
#include "card_palette.h"
#include "curate/reject_reason.h"
#include "scene_subjects.h"
#include "theme.h"

namespace psr::ui {
namespace {

constexpr int kTargetSide = 256;
constexpr int kReferenceSide = 96;

QLabel* sectionLabel(const QString& text, QWidget* parent) {
  auto* label = new QLabel(text, parent);
  QFont f = label->font();
  f.setBold(true);
  label->setFont(f);
  return label;
}

QString prettyJson(const std::string& json) {
  const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(json));
  return doc.isNull() ? QString::fromStdString(json) : QString::fromUtf8(doc.toJson(QJsonDocument::Indented)).trimmed();
}

}  // namespace

SampleDetailPane::SampleDetailPane(ThumbnailCache* thumbnails, QWidget* parent)
    : QWidget(parent),
      thumbnails_(thumbnails),
      heading_(new QLabel(this)),
      score_(new QPushButton(tr("Score\u2026"), this)),
      target_(new BlobImageView(thumbnails, kTargetSide, this)),
      references_(new QWidget(this)),
      referencesLayout_(new QGridLayout(references_)),
      instruction_(new QLabel(this)),
      subjects_(new QLabel(this)),
      review_(new QLabel(this)),
      provenance_(new QLabel(this)) {
  setObjectName(QStringLiteral("curateDetail"));
  QFont headingFont = heading_->font();
  headingFont.setBold(true);
  headingFont.setPointSizeF(headingFont.pointSizeF() * 1.15);
  heading_->setFont(headingFont);
  heading_->setWordWrap(true);
  score_->setObjectName(QStringLiteral("curateScore"));
  score_->setToolTip(tr("Score the target against its references: each subject's box and consistency, the "
                        "semantic checks of the instruction, the total"));
  connect(score_, &QPushButton::clicked, this, [this] {
    if (card_) emit scoreRequested(*card_);
  });
  target_->setObjectName(QStringLiteral("curateDetailTarget"));
  referencesLayout_->setContentsMargins(0, 0, 0, 0);
  referencesLayout_->setHorizontalSpacing(8);
  instruction_->setObjectName(QStringLiteral("curateDetailInstruction"));
  instruction_->setWordWrap(true);
  instruction_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  subjects_->setTextFormat(Qt::RichText);
  subjects_->setWordWrap(true);
  review_->setWordWrap(true);
  provenance_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  provenance_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  provenance_->setTextFormat(Qt::PlainText);
  provenance_->setWordWrap(true);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(12, 8, 12, 8);
  layout->setSpacing(6);
  auto* headingRow = new QHBoxLayout;
  headingRow->addWidget(heading_, 1);
  headingRow->addWidget(score_, 0, Qt::AlignTop);
  layout->addLayout(headingRow);
  layout->addWidget(target_, 0, Qt::AlignHCenter);
  layout->addWidget(sectionLabel(tr("References"), this));
  layout->addWidget(references_);
  layout->addWidget(sectionLabel(tr("Instruction"), this));
  layout->addWidget(instruction_);
  layout->addWidget(sectionLabel(tr("Subjects"), this));
  layout->addWidget(subjects_);
  layout->addWidget(review_);
  layout->addWidget(sectionLabel(tr("Provenance"), this));
  layout->addWidget(provenance_);
  layout->addStretch(1);
  setCard(nullptr);
}

void SampleDetailPane::clearReferences() {
  qDeleteAll(referenceCells_);
  referenceCells_.clear();
}

void SampleDetailPane::setCard(const psr::curate::SampleCard* card) {
  clearReferences();
  card_.reset();
  if (card) card_ = *card;
  const bool shown = card != nullptr;
  for (QWidget* w : findChildren<QWidget*>(QString(), Qt::FindDirectChildrenOnly)) w->setVisible(shown || w == heading_);
  if (!card) {
    heading_->setText(tr("Select a card to see it here."));
    target_->setBlob({});
    instruction_->clear();
    return;
  }
  heading_->setText(tr("Sample #%1 \u00b7 %2 \u00b7 %3")
                        .arg(card->id)
                        .arg(QString::fromStdString(card->subset), QString::fromStdString(card->split)));
  const SceneSubjects scene =
      parseSceneSubjects(QString::fromStdString(card->scene), QString::fromStdString(card->scores));
  target_->setBlob(QString::fromStdString(card->targetBlob));
  score_->setEnabled(!card->targetBlob.empty() && !card->references.empty());
  target_->setSubjects(scene);

  for (std::size_t k = 0; k < card->references.size(); ++k) {
    const auto& ref = card->references[k];
    auto* cell = new QWidget(references_);
    auto* column = new QVBoxLayout(cell);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(2);
    auto* image = new BlobImageView(thumbnails_, kReferenceSide, cell);
    image->setObjectName(QStringLiteral("curateDetailReference"));
    image->setBlob(QString::fromStdString(ref.blob));
    auto* caption = new QLabel(QStringLiteral("%1 %2").arg(ref.slot).arg(QString::fromStdString(ref.category)), cell);
    caption->setAlignment(Qt::AlignHCenter);
    column->addWidget(image);
    column->addWidget(caption);
    // Two per row keeps the pane narrow enough to sit beside the gallery.
    referencesLayout_->addWidget(cell, int(k) / 2, int(k) % 2, Qt::AlignLeft);
    referenceCells_.append(cell);
  }

  instruction_->setText(QString::fromStdString(card->instruction));

  // Name and identity on one line, the subject's numbers on the next, so the narrow pane never wraps mid-word.
  QString table = QStringLiteral("<table cellspacing=3>");
  for (int i = 0; i < scene.subjects.size(); ++i) {
    const SceneSubject& s = scene.subjects[i];
    QStringList numbers;
    for (const auto& [name, value] : s.numbers) {
      numbers.append(QStringLiteral("%1&nbsp;%2").arg(name.toHtmlEscaped()).arg(value, 0, 'f', 2));
    }
    table += QStringLiteral("<tr><td><b style='color:%1'>\u25a0</b></td><td><b>%2 %3</b> &nbsp;<span style='color:%4'>%5</span>"
                            "<br>%6</td></tr>")
                 .arg(subjectBoxColor(i).name())
                 .arg(i + 1)
                 .arg(s.category.toHtmlEscaped(), mutedTextColor(palette()).name(), s.identity.toHtmlEscaped(),
                      numbers.join(QStringLiteral(" &nbsp; ")));
  }
  table += QStringLiteral("</table>");
  if (card->consistency) table += tr("Consistency (lowest subject): <b>%1</b>").arg(*card->consistency, 0, 'f', 3);
  subjects_->setText(scene.subjects.isEmpty() && !card->consistency ? tr("No subject data.") : table);

  if (card->review) {
    const bool accepted = card->review->verdict == psr::curate::Verdict::Accepted;
    QString text = accepted ? tr("Accepted") : tr("Rejected");
    if (card->review->reason) {
      text += QStringLiteral(": %1 %2").arg(*card->review->reason).arg(tr(psr::curate::rejectReasonLabel(*card->review->reason)));
    }
    if (!card->review->reviewer.empty()) text += tr(" by %1").arg(QString::fromStdString(card->review->reviewer));
    text += QStringLiteral(" \u00b7 %1").arg(QString::fromStdString(card->review->reviewedAt));
    review_->setText(text);
    QPalette p = review_->palette();
    p.setColor(QPalette::WindowText, accepted ? acceptedColor(palette()) : rejectedColor(palette()));
    review_->setPalette(p);
  } else {
    review_->setText(tr("Not reviewed yet."));
    review_->setPalette(palette());
  }

  QString provenance = prettyJson(card->provenance);
  if (card->synthRun) provenance = tr("synthesis run %1\n").arg(*card->synthRun) + provenance;
  provenance_->setText(tr("created %1\n").arg(QString::fromStdString(card->createdAt)) + provenance);
}

QString SampleDetailPane::instruction() const { return instruction_->text(); }

int SampleDetailPane::referenceCount() const { return int(referenceCells_.size()); }

}  // namespace psr::ui
