#include "curate_panel.h"

#include <exception>

#include <QCheckBox>
#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

#include "count_text.h"
#include "curate/cli_job.h"
#include "curate/filter_bar.h"
#include "curate/gallery_model.h"
#include "curate/gallery_view.h"
#include "curate/hotkey_overlay.h"
#include "curate/job_bar.h"
#include "curate/review_session.h"
#include "curate/sample_detail_pane.h"
#include "curate/synth_dialog.h"
#include "curate/thumbnail_cache.h"
#include "curate/triplet_card_delegate.h"
#include "curate/sample_query.h"
#include "error_banner.h"
#include "query_table_model.h"
#include "store/workspace.h"
#include "workspace_query.h"

namespace psr::ui {

CuratePanel::CuratePanel(QWidget* parent)
    : WorkspacePanel(tr("Curate"),
                     {tr("No samples yet"),
                      tr("Curate is where synthesized triplets (subject references, an instruction and a target "
                         "image) are reviewed before they become training data. Samples arrive from the data "
                         "pipeline, for example:"),
                      {QStringLiteral("psr data synth \u2026")}},
                     parent),
      subsets_(new QueryTableModel({tr("Subset"), tr("Split"), tr("Samples"), tr("Accepted"), tr("Rejected"),
                                    tr("To review")},
                                   {ColumnType::Text, ColumnType::Text, ColumnType::Integer, ColumnType::Integer,
                                    ColumnType::Integer, ColumnType::Integer},
                                   this)),
      thumbnails_(new ThumbnailCache(this)),
      model_(new GalleryModel(this)) {
  setObjectName(QStringLiteral("curatePanel"));
  auto* tabs = new QTabWidget;
  tabs->setObjectName(QStringLiteral("curateTabs"));
  tabs->setDocumentMode(true);
  tabs->addTab(createReviewPage(), tr("Review"));
  tabs->addTab(createTable(subsets_, QStringLiteral("curateSubsetsTable"), 0), tr("Overview"));
  setContent(tabs);
}

CuratePanel::~CuratePanel() = default;

QWidget* CuratePanel::createReviewPage() {
  auto* page = new QWidget;
  filters_ = new FilterBar(page);
  gallery_ = new GalleryView(page);
  gallery_->setModel(model_);
  gallery_->setItemDelegate(new TripletCardDelegate(thumbnails_, gallery_));
  overlay_ = new HotkeyOverlay(gallery_);
  detail_ = new SampleDetailPane(thumbnails_);
  session_ = new ReviewSession(model_, gallery_, this);
  session_->setReviewer(qEnvironmentVariable("USER"));
  jobBar_ = new JobBar(page);
  banner_ = new ErrorBanner(page);

  auto* detailScroll = new QScrollArea;
  detailScroll->setWidget(detail_);
  detailScroll->setWidgetResizable(true);
  detailScroll->setMinimumWidth(300);
  detailScroll->setFrameShape(QFrame::NoFrame);
  auto* split = new QSplitter(Qt::Horizontal, page);
  split->addWidget(gallery_);
  split->addWidget(detailScroll);
  split->setStretchFactor(0, 1);
  split->setStretchFactor(1, 0);
  split->setChildrenCollapsible(false);

  auto* layout = new QVBoxLayout(page);
  layout->setContentsMargins(0, 8, 0, 0);
  layout->setSpacing(6);
  layout->addWidget(filters_);
  layout->addWidget(createActions());
  layout->addWidget(jobBar_);
  layout->addWidget(banner_);
  layout->addWidget(split, 1);

  connect(filters_, &FilterBar::filterChanged, this,
          [this](const psr::curate::SampleFilter& f) { applyFilter(f, 0); });
  connect(gallery_, &GalleryView::reviewCommand, this, [this](const ReviewCommand& command) {
    if (command.kind == ReviewCommand::ToggleOverlay) overlay_->toggle();
    else if (command.kind == ReviewCommand::HideOverlay) overlay_->hide();
    else session_->apply(command);
  });
  connect(gallery_->selectionModel(), &QItemSelectionModel::currentChanged, this, &CuratePanel::showCurrent);
  connect(model_, &QAbstractItemModel::modelReset, this, &CuratePanel::showCurrent);
  connect(model_, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex& from, const QModelIndex& to) {
    const int row = gallery_->currentIndex().row();
    if (row >= from.row() && row <= to.row()) showCurrent();
  });
  connect(model_, &GalleryModel::readFailed, banner_, &ErrorBanner::showError);
  connect(session_, &ReviewSession::failed, banner_, &ErrorBanner::showError);
  connect(session_, &ReviewSession::undoAvailable, undo_, &QWidget::setEnabled);
  connect(session_, &ReviewSession::reviewsChanged, this, [this] {
    try {
      updateSummary();
    } catch (const std::exception& e) {
      banner_->showError(QString::fromStdString(e.what()));
    }
  });
  // A decoded thumbnail repaints the viewport once per event-loop pass, however many arrive.
  connect(thumbnails_, &ThumbnailCache::ready, gallery_->viewport(), qOverload<>(&QWidget::update));
  connect(jobBar_, &JobBar::runningChanged, this, [this](bool running) {
    for (QPushButton* b : jobButtons_) b->setEnabled(!running);
  });
  connect(jobBar_, &JobBar::jobEnded, this, [this] { refresh(); });
  return page;
}

QWidget* CuratePanel::createActions() {
  auto* row = new QWidget;
  auto* layout = new QHBoxLayout(row);
  layout->setContentsMargins(0, 0, 0, 0);
  count_ = new QLabel(row);
  count_->setObjectName(QStringLiteral("curateCount"));
  autoAdvance_ = new QCheckBox(tr("Auto-advance"), row);
  autoAdvance_->setObjectName(QStringLiteral("curateAutoAdvance"));
  autoAdvance_->setChecked(session_->autoAdvance());
  autoAdvance_->setToolTip(tr("Move to the next card after a verdict"));
  connect(autoAdvance_, &QCheckBox::toggled, session_, &ReviewSession::setAutoAdvance);
  undo_ = new QPushButton(tr("Undo"), row);
  undo_->setObjectName(QStringLiteral("curateUndo"));
  undo_->setToolTip(tr("Undo the last review (Ctrl+Z)"));
  undo_->setEnabled(false);
  connect(undo_, &QPushButton::clicked, session_, &ReviewSession::undo);
  auto* keys = new QPushButton(tr("Keys"), row);
  keys->setToolTip(tr("Show the review keys (? or F1 in the gallery)"));
  connect(keys, &QPushButton::clicked, overlay_, &HotkeyOverlay::toggle);
  auto* synth = new QPushButton(tr("Synthesize\u2026"), row);
  synth->setObjectName(QStringLiteral("curateSynthesize"));
  connect(synth, &QPushButton::clicked, this, &CuratePanel::chooseSynthesis);
  auto* shards = new QPushButton(tr("Export shards\u2026"), row);
  connect(shards, &QPushButton::clicked, this, [this] { chooseExport(QStringLiteral("shards")); });
  auto* bench = new QPushButton(tr("Export PSRBench\u2026"), row);
  connect(bench, &QPushButton::clicked, this, [this] { chooseExport(QStringLiteral("psrbench")); });
  jobButtons_ = {synth, shards, bench};
  layout->addWidget(count_, 1);
  layout->addWidget(autoAdvance_);
  layout->addWidget(undo_);
  layout->addWidget(keys);
  layout->addSpacing(12);
  layout->addWidget(synth);
  layout->addWidget(shards);
  layout->addWidget(bench);
  return row;
}

bool CuratePanel::reload(psr::store::Workspace& workspace) {
  if (&workspace != workspace_) {
    workspace_ = &workspace;
    fingerprint_.clear();
    model_->setDatabase(&workspace.db());
    thumbnails_->setBlobStore(workspace.blobs());
    session_->setDatabase(&workspace.db());
    banner_->hide();
  }
  WorkspaceQuery query(workspace);
  const qint64 samples = query.count("SELECT count(*) FROM samples");
  total_ = samples;
  updateSummary();
  subsets_->setRows(query.rows("SELECT s.subset, s.split, count(*), "
                               "  count(CASE WHEN r.verdict = 'accepted' THEN 1 END), "
                               "  count(CASE WHEN r.verdict = 'rejected' THEN 1 END), "
                               "  count(*) - count(r.sample_id) "
                               "FROM samples s LEFT JOIN reviews r ON r.sample_id = s.id "
                               "GROUP BY s.subset, s.split ORDER BY s.subset, s.split",
                               subsets_->columnTypes()));
  // The periodic refresh must not disturb a review: the gallery re-reads only when samples
  // were added or removed (by a synthesis run, say), and keeps the position then.
  psr::curate::SampleQuery samplesQuery(workspace.db());
  const std::string fingerprint = samplesQuery.samplesFingerprint();
  if (fingerprint != fingerprint_) {
    fingerprint_ = fingerprint;
    filters_->setSubsets(samplesQuery.subsets());
    applyFilter(filters_->filter(), model_->idAt(gallery_->currentIndex().row()));
  } else {
    updateCount();
  }
  return samples > 0;
}

void CuratePanel::applyFilter(const psr::curate::SampleFilter& filter, std::int64_t keepId) {
  try {
    model_->setFilter(filter);
  } catch (const std::exception& e) {
    banner_->showError(tr("Could not filter the samples: %1").arg(QString::fromStdString(e.what())));
    return;
  }
  updateCount();
  if (model_->rowCount() > 0) {
    const QModelIndex index = model_->index(qMax(0, model_->rowOf(keepId)));
    gallery_->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect);
    gallery_->scrollTo(index);
  }
}

void CuratePanel::updateSummary() {
  if (!workspace_) return;
  WorkspaceQuery query(*workspace_);
  const qint64 datasets = query.count("SELECT count(*) FROM datasets");
  const qint64 accepted = query.count("SELECT count(*) FROM reviews WHERE verdict = 'accepted'");
  const qint64 rejected = query.count("SELECT count(*) FROM reviews WHERE verdict = 'rejected'");
  setSummary(tr("%1 in %2 \u00b7 %3 accepted \u00b7 %4 rejected \u00b7 %5 to review")
                 .arg(countText(total_, tr("sample"), tr("samples")), countText(datasets, tr("dataset"), tr("datasets")),
                      QLocale().toString(accepted), QLocale().toString(rejected),
                      QLocale().toString(total_ - accepted - rejected)));
}

void CuratePanel::updateCount() {
  count_->setText(tr("%1 of %2 samples").arg(QLocale().toString(model_->rowCount()), QLocale().toString(total_)));
}

QString CuratePanel::galleryCountText() const { return count_->text(); }

void CuratePanel::showCurrent() { detail_->setCard(model_->cardAt(gallery_->currentIndex().row())); }

void CuratePanel::setCliPath(const QString& path) { jobBar_->job()->setPsrPath(path); }

void CuratePanel::startSynthesis(const QStringList& args) {
  if (!workspace_) return;
  jobBar_->runPsr(tr("Synthesis"), QString::fromStdString(workspace_->dir().string()), args);
}

void CuratePanel::startExport(const QString& kind, const QString& dir) {
  if (!workspace_) return;
  const QString title = kind == QLatin1String("psrbench") ? tr("PSRBench export") : tr("Shard export");
  jobBar_->runPsr(title, QString::fromStdString(workspace_->dir().string()),
                  {QStringLiteral("data"), QStringLiteral("export"), kind, QStringLiteral("--out"), dir});
}

void CuratePanel::chooseSynthesis() {
  SynthDialog dialog(this);
  if (dialog.exec() == QDialog::Accepted) startSynthesis(dialog.arguments());
}

void CuratePanel::chooseExport(const QString& kind) {
  const QString dir = QFileDialog::getExistingDirectory(
      this, kind == QLatin1String("psrbench") ? tr("Export PSRBench folder to") : tr("Export training shards to"),
      QDir::homePath());
  if (!dir.isEmpty()) startExport(kind, dir);
}

}  // namespace psr::ui
