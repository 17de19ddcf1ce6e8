#include "compose_panel.h"

#include <algorithm>

#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QImage>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollArea>
#include <QShortcut>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QTabWidget>
#include <QVBoxLayout>

#include "common/logging.h"
#include "common/sampling_defaults.h"
#include "compose/compare_view.h"
#include "compose/compose_run_store.h"
#include "compose/generate_bar.h"
#include "compose/generate_progress.h"
#include "compose/generation_queue.h"
#include "compose/history_model.h"
#include "compose/history_pane.h"
#include "compose/image_view.h"
#include "compose/model_picker.h"
#include "compose/prompt_editor.h"
#include "compose/recipe_export.h"
#include "compose/seed_control.h"
#include "compose/subject_slot.h"
#include "count_text.h"
#include "curate/cli_job.h"
#include "error_banner.h"
#include "inspect/score_inspector.h"
#include "inspect/score_request.h"
#include "path_conversion.h"
#include "query_table_model.h"
#include "store/workspace.h"
#include "workspace_query.h"

namespace psr::ui {
namespace {

enum Tab { PreviewTab, CompareTab, ModelsTab };
constexpr qint64 kPreviewIntervalMs = 50;

}  // namespace

ComposePanel::ComposePanel(QWidget* parent)
    : WorkspacePanel(tr("Compose"),
                     {tr("Nothing to compose with"),
                      tr("Compose turns subject references and an instruction into images with a shipped model or "
                         "a checkpoint of this workspace. Checkpoints are written by training, for example:"),
                      {QStringLiteral("psr train sft \u2026")}},
                     parent),
      models_(new QueryTableModel({tr("Model"), tr("Kind"), tr("Checkpoints"), tr("Latest step"), tr("Created")},
                                  {ColumnType::Text, ColumnType::Text, ColumnType::Integer, ColumnType::Integer,
                                   ColumnType::Text},
                                  this)),
      queue_(new GenerationQueue(this)),
      history_(new HistoryModel(this)) {
  setObjectName(QStringLiteral("composePanel"));
  auto* page = new QWidget;
  banner_ = new ErrorBanner(page);
  auto* split = new QSplitter(Qt::Horizontal, page);
  split->setObjectName(QStringLiteral("composeSplit"));
  split->addWidget(createControls());
  split->addWidget(createViewer());
  split->setStretchFactor(0, 0);
  split->setStretchFactor(1, 1);
  split->setChildrenCollapsible(false);
  auto* layout = new QVBoxLayout(page);
  layout->setContentsMargins(0, 8, 0, 0);
  layout->setSpacing(6);
  layout->addWidget(banner_);
  layout->addWidget(split, 1);
  setContent(page);

  // Ctrl+Enter generates from anywhere in the panel, the prompt included.
  for (const QKeySequence& keys : {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)}) {
    auto* shortcut = new QShortcut(keys, this);
    shortcut->setContext(Qt::WidgetWithChildrenShortcut);
    connect(shortcut, &QShortcut::activated, this, &ComposePanel::generate);
  }
  connect(queue_, &GenerationQueue::progressed, this, &ComposePanel::showProgress);
  connect(queue_, &GenerationQueue::finished, this, &ComposePanel::onFinished);
  connect(queue_, &GenerationQueue::started, this, [this](const GenerateRequest& request) {
    preview_->clear();
    preview_->setPlaceholder(tr("Loading the model\u2026"));
    previewCaption_->setText(tr("Live preview: %1").arg(request.recipe.prompt));
    tabs_->setCurrentIndex(PreviewTab);
    psr::logger()->info("compose: generating {} image(s) with {} into {}", request.recipe.count,
                        request.recipe.model.toStdString(), request.runDir.toStdString());
  });
}

ComposePanel::~ComposePanel() = default;

QWidget* ComposePanel::createControls() {
  auto* column = new QWidget;
  auto* subjects = new QGroupBox(tr("Subjects"), column);
  auto* grid = new QGridLayout(subjects);
  for (int i = 0; i < kSlots; ++i) {
    auto* slot = new SubjectSlot(i + 1, subjects);
    grid->addWidget(slot, i / 2, i % 2);
    slots_.append(slot);
    connect(slot, &SubjectSlot::changed, this, &ComposePanel::updateChips);
    connect(slot, &SubjectSlot::failed, banner_, &ErrorBanner::showError);
    connect(slot, &SubjectSlot::extraFilesDropped, this,
            [this, i](const QStringList& paths) { placeDroppedFiles(i, paths); });
  }

  auto* promptBox = new QGroupBox(tr("Prompt"), column);
  prompt_ = new PromptEditor(promptBox);
  (new QVBoxLayout(promptBox))->addWidget(prompt_);

  auto* settings = new QGroupBox(tr("Settings"), column);
  model_ = new ModelPicker(settings);
  seed_ = new SeedControl(settings);
  steps_ = new QSpinBox(settings);
  steps_->setObjectName(QStringLiteral("composeSteps"));
  steps_->setRange(1, 1000);
  steps_->setValue(20);
  steps_->setToolTip(tr("Denoising steps: more is slower and usually cleaner"));
  guidance_ = new QDoubleSpinBox(settings);
  guidance_->setObjectName(QStringLiteral("composeGuidance"));
  guidance_->setRange(0.0, 30.0);
  guidance_->setSingleStep(0.5);
  guidance_->setDecimals(2);
  guidance_->setValue(kDefaultGuidance);
  guidance_->setToolTip(tr("Classifier-free guidance: how strongly the prompt and references steer"));
  count_ = new QSpinBox(settings);
  count_->setObjectName(QStringLiteral("composeCount"));
  count_->setRange(1, 16);
  count_->setToolTip(tr("Images per request; image i uses seed + i"));
  auto* form = new QFormLayout(settings);
  form->addRow(tr("Model"), model_);
  form->addRow(tr("Seed"), seed_);
  form->addRow(tr("Steps"), steps_);
  form->addRow(tr("Guidance"), guidance_);
  form->addRow(tr("Batch"), count_);
  connect(model_, &ModelPicker::failed, banner_, &ErrorBanner::showError);

  bar_ = new GenerateBar(queue_);
  connect(bar_, &GenerateBar::generateClicked, this, &ComposePanel::generate);

  auto* layout = new QVBoxLayout(column);
  layout->setContentsMargins(0, 0, 6, 0);
  layout->addWidget(subjects);
  layout->addWidget(promptBox);
  layout->addWidget(settings);
  layout->addStretch(1);

  auto* scroll = new QScrollArea;
  scroll->setObjectName(QStringLiteral("composeControls"));
  scroll->setWidget(column);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  scroll->setMinimumWidth(column->sizeHint().width() + 24);
  // Generate and Cancel stay in view however far the controls scroll.
  auto* side = new QWidget;
  auto* sideLayout = new QVBoxLayout(side);
  sideLayout->setContentsMargins(0, 0, 0, 0);
  sideLayout->addWidget(scroll, 1);
  sideLayout->addWidget(bar_);
  updateChips();
  return side;
}

QWidget* ComposePanel::createViewer() {
  tabs_ = new QTabWidget;
  tabs_->setObjectName(QStringLiteral("composeViewTabs"));
  tabs_->setDocumentMode(true);
  auto* previewPage = new QWidget;
  preview_ = new ImageView(previewPage);
  preview_->setObjectName(QStringLiteral("composePreview"));
  preview_->setPlaceholder(tr("The denoising shows here while an image is generated."));
  previewCaption_ = new QLabel(previewPage);
  previewCaption_->setObjectName(QStringLiteral("composePreviewCaption"));
  previewCaption_->setWordWrap(true);
  previewCaption_->setTextFormat(Qt::PlainText);
  previewCaption_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  auto* previewLayout = new QVBoxLayout(previewPage);
  previewLayout->addWidget(preview_, 1);
  previewLayout->addWidget(previewCaption_);
  compare_ = new CompareView;
  tabs_->insertTab(PreviewTab, previewPage, tr("Preview"));
  tabs_->insertTab(CompareTab, compare_, tr("Compare"));
  QWidget* modelsTable = createTable(models_, QStringLiteral("composeModelsTable"), 0);
  tabs_->insertTab(ModelsTab, modelsTable, tr("Workspace Models"));

  historyPane_ = new HistoryPane(history_);
  connect(historyPane_, &HistoryPane::shown, this, &ComposePanel::showHistoryImage);
  connect(historyPane_, &HistoryPane::restoreRequested, this, &ComposePanel::restore);
  connect(historyPane_, &HistoryPane::compareRequested, this, &ComposePanel::compare);
  connect(historyPane_, &HistoryPane::exportRequested, this, &ComposePanel::chooseExport);
  connect(historyPane_, &HistoryPane::scoreRequested, this, &ComposePanel::scoreImage);

  auto* split = new QSplitter(Qt::Vertical);
  split->addWidget(tabs_);
  split->addWidget(historyPane_);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 2);
  split->setChildrenCollapsible(false);
  return split;
}

bool ComposePanel::reload(psr::store::Workspace& workspace) {
  const QString dir = toQString(workspace.dir());
  if (dir != workspaceDir_) {
    // Requests of the previous workspace must not run against this one.
    queue_->cancelAll();
    workspaceDir_ = dir;
    queue_->setWorkspaceDir(dir);
    banner_->hide();
  }
  WorkspaceQuery query(workspace);
  const qint64 models = query.count("SELECT count(*) FROM models");
  const qint64 checkpoints = query.count("SELECT count(*) FROM checkpoints");
  models_->setRows(query.rows("SELECT m.name, m.kind, count(c.id), max(c.step), m.created_at "
                              "FROM models m LEFT JOIN checkpoints c ON c.model_id = m.id "
                              "GROUP BY m.id ORDER BY m.name",
                              models_->columnTypes()));
  setSummary(countText(models, tr("model"), tr("models")) + QStringLiteral(" \u00b7 ") +
             countText(checkpoints, tr("checkpoint"), tr("checkpoints")));
  model_->setWorkspaceDir(dir);
  history_->setRoot(ComposeRunStore(dir).rootDir());
  // The shipped models need nothing from the workspace: composing is always possible.
  return true;
}

void ComposePanel::setCliPath(const QString& path) {
  cliPath_ = path;
  queue_->job()->setPsrPath(path);
}

ComposeRecipe ComposePanel::draftRecipe() const {
  ComposeRecipe r;
  for (const SubjectSlot* slot : slots_) {
    if (slot->isFilled()) r.subjects.append({slot->name(), QString(), slot->imagePath(), slot->crop(), QSize()});
  }
  r.prompt = prompt_->prompt();
  r.model = model_->model();
  r.seed = seed_->seed();
  r.steps = steps_->value();
  r.guidance = guidance_->value();
  r.count = count_->value();
  return r;
}

bool ComposePanel::generate() {
  if (workspaceDir_.isEmpty()) {
    banner_->showError(tr("Open a workspace first: generated images and their recipes are kept in it."));
    return false;
  }
  const bool anySubject = std::any_of(slots_.cbegin(), slots_.cend(), [](const SubjectSlot* s) { return s->isFilled(); });
  if (prompt_->prompt().isEmpty() && !anySubject) {
    banner_->showError(tr("Write a prompt or add a subject first; click a subject chip to name it in the prompt."));
    prompt_->editor()->setFocus();
    return false;
  }
  seed_->takeSeed();
  const ComposeRecipe draft = draftRecipe();
  GenerateRequest request;
  QString error;
  if (!ComposeRunStore(workspaceDir_).prepare(draft, &request, &error)) {
    banner_->showError(error);
    return false;
  }
  seed_->setLastSeed(draft.seed);
  banner_->hide();
  queue_->enqueue(request);
  return true;
}

void ComposePanel::showProgress(const GenerateRequest& request, const GenerateProgress& progress) {
  // A fast model reports hundreds of steps a second: the preview is read at most every
  // kPreviewIntervalMs, and always at an image's last step.
  const bool due = !previewClock_.isValid() || previewClock_.elapsed() >= kPreviewIntervalMs ||
                   progress.step >= request.recipe.steps;
  if (!progress.preview.isEmpty() && due) {
    // The CLI rewrites the file every step; a read that races a write is skipped, the next one lands.
    const QImage image(progress.preview);
    if (!image.isNull()) preview_->setImage(image);
    previewClock_.start();
  }
  previewCaption_->setText(tr("Live preview \u00b7 image %1 of %2 \u00b7 step %3 of %4 \u00b7 %5")
                               .arg(progress.image + 1)
                               .arg(request.recipe.count)
                               .arg(progress.step)
                               .arg(request.recipe.steps)
                               .arg(request.recipe.prompt));
}

void ComposePanel::onFinished(const GenerateRequest& request, bool succeeded, bool cancelled, const QString& error) {
  if (!error.isEmpty()) {
    banner_->showError(error);
    psr::logger()->error("compose: {}", error.toStdString());
  } else {
    psr::logger()->info("compose: {} with {} image(s) in {}", cancelled ? "cancelled" : "done",
                        request.recipe.images.size(), request.runDir.toStdString());
  }
  history_->reload();
  const int row = history_->rowOfRun(request.runDir);
  if (row >= 0) {
    historyPane_->selectRow(row);
    showHistoryImage(row);
  } else if (!succeeded) {
    preview_->clear();
    preview_->setPlaceholder(cancelled ? tr("Cancelled before an image was finished.")
                                       : tr("Generation failed; see the message above."));
    previewCaption_->clear();
  }
}

void ComposePanel::showHistoryImage(int row) {
  if (row < 0 || row >= history_->rowCount()) return;
  if (queue_->isRunning()) return;  // the live preview has the stage while a run goes
  const HistoryItem& item = history_->item(row);
  preview_->setImage(QImage(item.imagePath()));
  previewCaption_->setText(item.recipe.prompt + QStringLiteral("\n") + HistoryModel::settingsText(item));
  tabs_->setCurrentIndex(PreviewTab);
}

QString ComposePanel::previewCaption() const { return previewCaption_->text(); }

void ComposePanel::restore(int row) {
  if (row < 0 || row >= history_->rowCount()) return;
  const HistoryItem& item = history_->item(row);
  const ComposeRecipe recipe = item.imageRecipe();
  for (SubjectSlot* slot : slots_) slot->clear();
  // The run folder's copies are what generated the image (already cropped), so they come back.
  for (int i = 0; i < recipe.subjects.size() && i < kSlots; ++i) {
    const RecipeSubject& s = recipe.subjects[i];
    if (slots_[i]->setImagePath(QDir(item.runDir).filePath(s.file))) slots_[i]->setName(s.name);
  }
  prompt_->setPrompt(recipe.prompt);
  model_->setModel(recipe.model);
  seed_->setSeed(recipe.seed);
  seed_->setLocked(true);
  steps_->setValue(recipe.steps);
  guidance_->setValue(recipe.guidance);
  count_->setValue(recipe.count);
}

void ComposePanel::compare(int first, int second) {
  if (first < 0 || second < 0 || first >= history_->rowCount() || second >= history_->rowCount()) return;
  compare_->setItems(history_->item(first), history_->item(second));
  tabs_->setCurrentIndex(CompareTab);
}

bool ComposePanel::exportImage(int row, const QString& pngPath) {
  if (row < 0 || row >= history_->rowCount()) return false;
  QString error;
  if (!exportHistoryImage(history_->item(row), pngPath, &error)) {
    banner_->showError(error);
    return false;
  }
  psr::logger()->info("compose: saved {} and its recipe", pngPath.toStdString());
  return true;
}

ScoreInspector* ComposePanel::scoreImage(int row) {
  if (row < 0 || row >= history_->rowCount()) return nullptr;
  const HistoryItem& item = history_->item(row);
  ScoreRequest request;
  // The run folder keeps the reference copies generation used; the names the user typed are
  // the categories the detector looks for (editable in the inspector when a name is not a noun).
  for (const RecipeSubject& s : item.recipe.subjects) {
    request.references << QDir(item.runDir).filePath(s.file);
    request.categories << s.name;
  }
  request.image = item.imagePath();
  request.prompt = item.recipe.prompt;
  auto* inspector = new ScoreInspector(this);
  inspector->setAttribute(Qt::WA_DeleteOnClose);
  if (!cliPath_.isEmpty()) inspector->setCliPath(cliPath_);
  inspector->setRequest(request);
  inspector->setWindowTitle(tr("Score \u2014 %1").arg(QFileInfo(request.image).fileName()));
  inspector->show();
  // Names typed for the prompt are not always category nouns: the user checks them, then scores.
  inspector->promptForCategories();
  return inspector;
}

void ComposePanel::chooseExport(int row) {
  if (row < 0 || row >= history_->rowCount()) return;
  const HistoryItem& item = history_->item(row);
  const QString suggested = QDir(QDir::homePath()).filePath(
      QStringLiteral("%1-seed%2.png").arg(QFileInfo(item.runDir).fileName()).arg(item.seed()));
  const QString path = QFileDialog::getSaveFileName(this, tr("Save Image and Recipe"), suggested, tr("PNG image (*.png)"));
  if (!path.isEmpty()) exportImage(row, path.endsWith(QLatin1String(".png"), Qt::CaseInsensitive) ? path : path + QStringLiteral(".png"));
}

void ComposePanel::updateChips() {
  QList<QPair<int, QString>> subjects;
  for (const SubjectSlot* slot : slots_) {
    if (slot->isFilled()) subjects.append({slot->number(), slot->name()});
  }
  prompt_->setSubjects(subjects);
}

void ComposePanel::placeDroppedFiles(int afterSlot, const QStringList& paths) {
  QStringList rest = paths;
  for (int i = afterSlot + 1; i < kSlots && !rest.isEmpty(); ++i) {
    if (!slots_[i]->isFilled()) slots_[i]->setImagePath(rest.takeFirst());
  }
  for (int i = 0; i < afterSlot && !rest.isEmpty(); ++i) {
    if (!slots_[i]->isFilled()) slots_[i]->setImagePath(rest.takeFirst());
  }
  if (!rest.isEmpty()) {
    banner_->showError(tr("Up to %1 subjects: %n dropped file(s) did not fit.", "", int(rest.size())).arg(kSlots));
  }
}

}  // namespace psr::ui
