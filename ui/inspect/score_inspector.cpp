#include "score_inspector.h"

#include <algorithm>

#include <QDialogButtonBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSplitter>
#include <QStyle>
#include <QVBoxLayout>

#include "curate/card_palette.h"
#include "curate/cli_job.h"
#include "error_banner.h"
#include "score_image_view.h"
#include "theme.h"

namespace psr::ui {
namespace {

constexpr int kThumbnailSide = 72;

QLabel* sectionLabel(const QString& text, QWidget* parent) {
  auto* label = new QLabel(text, parent);
  QFont f = label->font();
  f.setBold(true);
  label->setFont(f);
  return label;
}

QPixmap thumbnail(const QString& path) {
  // Reference files are small (copies or 64-128 px blobs): reading one here costs less than a thread hop.
  const QImage image(path);
  if (image.isNull()) return {};
  const Qt::TransformationMode mode = image.width() < kThumbnailSide ? Qt::FastTransformation : Qt::SmoothTransformation;
  return QPixmap::fromImage(image.scaled(kThumbnailSide, kThumbnailSide, Qt::KeepAspectRatio, mode));
}

}  // namespace

ScoreInspector::ScoreInspector(QWidget* parent)
    : QDialog(parent),
      cliPath_(CliJob::defaultPsrPath()),
      job_(new CliJob(this)),
      banner_(new ErrorBanner(this)),
      image_(new ScoreImageView(this)),
      prompt_(new QLabel(this)),
      references_(new QWidget(this)),
      totals_(new QLabel(this)),
      checks_(new QListWidget(this)),
      status_(new QLabel(this)),
      scoreButton_(new QPushButton(tr("Score"), this)) {
  setObjectName(QStringLiteral("scoreInspector"));
  setWindowTitle(tr("Score Inspector"));
  prompt_->setObjectName(QStringLiteral("scorePrompt"));
  prompt_->setWordWrap(true);
  prompt_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  prompt_->setTextFormat(Qt::PlainText);
  totals_->setObjectName(QStringLiteral("scoreTotals"));
  totals_->setTextFormat(Qt::RichText);
  // The numbers keep their full height; the check list takes what is left.
  totals_->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Minimum);
  prompt_->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Minimum);
  checks_->setMinimumHeight(60);
  checks_->setWordWrap(true);
  checks_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  checks_->setObjectName(QStringLiteral("scoreChecks"));
  checks_->setSelectionMode(QAbstractItemView::NoSelection);
  status_->setObjectName(QStringLiteral("scoreStatus"));
  status_->setWordWrap(true);
  scoreButton_->setObjectName(QStringLiteral("scoreRun"));
  scoreButton_->setToolTip(tr("Score the image again with the categories as edited"));
  // Enter in a category field scores again rather than closing the dialog.
  scoreButton_->setDefault(true);
  image_->setPlaceholder(tr("No image."));

  auto* side = new QWidget(this);
  auto* sideLayout = new QVBoxLayout(side);
  sideLayout->setContentsMargins(0, 0, 0, 0);
  sideLayout->addWidget(sectionLabel(tr("Subjects"), side));
  sideLayout->addWidget(references_);
  sideLayout->addWidget(sectionLabel(tr("Prompt"), side));
  sideLayout->addWidget(prompt_);
  sideLayout->addWidget(sectionLabel(tr("Scores"), side));
  sideLayout->addWidget(totals_);
  sideLayout->addWidget(sectionLabel(tr("Semantic checks"), side));
  sideLayout->addWidget(checks_, 1);

  auto* split = new QSplitter(Qt::Horizontal, this);
  split->addWidget(image_);
  split->addWidget(side);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 2);
  split->setChildrenCollapsible(false);

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  buttons->addButton(scoreButton_, QDialogButtonBox::ActionRole);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(scoreButton_, &QPushButton::clicked, this, &ScoreInspector::score);

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(banner_);
  layout->addWidget(split, 1);
  auto* bottom = new QHBoxLayout;
  bottom->addWidget(status_, 1);
  bottom->addWidget(buttons);
  layout->addLayout(bottom);
  resize(900, 560);

  connect(job_, &CliJob::finished, this, &ScoreInspector::onFinished);
  banner_->hide();
}

ScoreInspector::~ScoreInspector() = default;

void ScoreInspector::setRequest(const ScoreRequest& request) {
  request_ = request;
  result_.reset();
  image_->setImage(QImage(request.image));
  image_->setSubjects({});
  image_->setPlaceholder(tr("Cannot read %1").arg(request.image));
  prompt_->setText(request.prompt);
  totals_->clear();
  checks_->clear();
  status_->clear();
  banner_->hide();
  rebuildReferences();
}

void ScoreInspector::rebuildReferences() {
  qDeleteAll(references_->findChildren<QWidget*>(QString(), Qt::FindDirectChildrenOnly));
  delete references_->layout();
  categoryEdits_.clear();
  consistencyLabels_.clear();
  auto* grid = new QGridLayout(references_);
  grid->setContentsMargins(0, 0, 0, 0);
  grid->setColumnStretch(2, 1);
  for (int i = 0; i < request_.references.size(); ++i) {
    auto* swatch = new QLabel(QStringLiteral("<b style='color:%1'>%2</b>").arg(subjectBoxColor(i).name()).arg(i + 1),
                              references_);
    auto* picture = new QLabel(references_);
    picture->setObjectName(QStringLiteral("scoreReference"));
    picture->setFixedSize(kThumbnailSide, kThumbnailSide);
    picture->setAlignment(Qt::AlignCenter);
    const QPixmap pixmap = thumbnail(request_.references[i]);
    if (pixmap.isNull()) picture->setText(tr("unreadable"));
    else picture->setPixmap(pixmap);
    picture->setToolTip(request_.references[i]);
    auto* category = new QLineEdit(request_.categories.value(i), references_);
    category->setObjectName(QStringLiteral("scoreCategory%1").arg(i + 1));
    category->setPlaceholderText(tr("category noun, e.g. crab"));
    category->setToolTip(tr("The detector looks for this category; edit it and press Enter to score again"));
    auto* consistency = new QLabel(references_);
    consistency->setObjectName(QStringLiteral("scoreConsistency%1").arg(i + 1));
    auto* cell = new QVBoxLayout;
    cell->addWidget(category);
    cell->addWidget(consistency);
    cell->addStretch(1);
    grid->addWidget(swatch, i, 0, Qt::AlignTop);
    grid->addWidget(picture, i, 1);
    grid->addLayout(cell, i, 2);
    categoryEdits_.append(category);
    consistencyLabels_.append(consistency);
  }
}

ScoreRequest ScoreInspector::request() const {
  ScoreRequest r = request_;
  r.categories.clear();
  for (const QLineEdit* edit : categoryEdits_) r.categories << edit->text().trimmed();
  return r;
}

void ScoreInspector::promptForCategories() {
  status_->setText(tr("Check that each subject's category is a noun the detector knows (crab, dog, \u2026), then press "
                      "Score."));
  if (!categoryEdits_.isEmpty()) {
    categoryEdits_.first()->setFocus();
    categoryEdits_.first()->selectAll();
  }
}

bool ScoreInspector::isScoring() const { return job_->isRunning(); }

void ScoreInspector::score() {
  if (job_->isRunning()) return;
  const ScoreRequest r = request();
  if (r.references.isEmpty()) {
    showError(tr("Nothing to score: the image has no subject references."));
    return;
  }
  if (r.categories.contains(QString())) {
    showError(tr("Give every subject a category noun (for example \u201ccrab\u201d) so the detector can find it."));
    return;
  }
  banner_->hide();
  status_->setText(tr("Scoring\u2026"));
  scoreButton_->setEnabled(false);
  job_->setPsrPath(cliPath_);
  job_->start(cliPath_, r.arguments());
}

void ScoreInspector::onFinished(int exitCode, bool cancelled, const QString& error) {
  scoreButton_->setEnabled(true);
  if (cancelled) {
    status_->setText(tr("Cancelled."));
    emit scored(false);
    return;
  }
  if (exitCode != 0) {
    // The CLI's last line says what was wrong (an unknown category, an unreadable image).
    const QString reason = job_->lastLine().isEmpty() ? error : job_->lastLine();
    showError(tr("Scoring failed (psr exit code %1): %2").arg(exitCode).arg(reason));
    emit scored(false);
    return;
  }
  QString parseError;
  const auto parsed = ScoreResult::fromJson(job_->standardOutput().toUtf8(), &parseError);
  if (!parsed) {
    showError(parseError);
    emit scored(false);
    return;
  }
  showResult(*parsed);
  emit scored(true);
}

void ScoreInspector::showResult(const ScoreResult& result) {
  result_ = result;
  banner_->hide();
  image_->setSubjects(result.subjects);
  for (int i = 0; i < consistencyLabels_.size(); ++i) {
    QLabel* label = consistencyLabels_[i];
    if (i >= result.subjects.size()) {
      label->clear();
      continue;
    }
    const ScoredSubject& s = result.subjects[i];
    QString text = tr("consistency <b style='color:%1'>%2</b>")
                       .arg(scoreColor(s.consistency, palette()).name())
                       .arg(s.consistency, 0, 'f', 3);
    if (!s.found) text += tr("<br><i>not detected: whole image used</i>");
    label->setText(text);
  }
  totals_->setText(tr("<table cellspacing=2><tr><td><big>Total</big></td><td><big><b>%1</b></big></td></tr>"
                      "<tr><td>PSR %2</td><td>\u00d7 %3</td></tr>"
                      "<tr><td>semantic %4</td><td>\u00d7 %5</td></tr>"
                      "<tr><td>aesthetic %6</td><td>\u00d7 %7</td></tr></table>")
                       .arg(result.total, 0, 'f', 3)
                       .arg(result.psr, 0, 'f', 3)
                       .arg(result.weightPsr, 0, 'g', 3)
                       .arg(result.semantic, 0, 'f', 3)
                       .arg(result.weightSemantic, 0, 'g', 3)
                       .arg(result.aesthetic, 0, 'f', 3)
                       .arg(result.weightAesthetic, 0, 'g', 3));
  checks_->clear();
  const QIcon passed = style()->standardIcon(QStyle::SP_DialogApplyButton);
  const QIcon failed = style()->standardIcon(QStyle::SP_DialogCancelButton);
  for (const SemanticCheck& c : result.checks) {
    auto* item = new QListWidgetItem(c.passed ? passed : failed,
                                     QStringLiteral("%1 %2 \u00b7 %3")
                                         .arg(c.passed ? tr("pass") : tr("FAIL"), c.name)
                                         .arg(c.score, 0, 'f', 2),
                                     checks_);
    item->setData(Qt::UserRole, c.passed);
    item->setForeground(c.passed ? acceptedColor(palette()) : rejectedColor(palette()));
  }
  if (result.checks.isEmpty()) checks_->addItem(tr("No semantic checks apply to this prompt."));
  const int passedCount = int(std::count_if(result.checks.cbegin(), result.checks.cend(),
                                            [](const SemanticCheck& c) { return c.passed; }));
  status_->setText(tr("%1 of %2 checks passed \u00b7 %3 scorer").arg(passedCount).arg(result.checks.size()).arg(result.mode));
}

void ScoreInspector::showError(const QString& message) {
  status_->setText(tr("Not scored."));
  banner_->showError(message);
}

QString ScoreInspector::totalsText() const { return totals_->text(); }

QString ScoreInspector::statusText() const { return status_->text(); }

}  // namespace psr::ui
