#pragma once
#include <cstdint>
#include <string>

#include "curate/sample_filter.h"
#include "workspace_panel.h"

class QCheckBox;
class QLabel;
class QPushButton;
class QTabWidget;

namespace psr::ui {

class ErrorBanner;
class FilterBar;
class GalleryModel;
class GalleryView;
class HotkeyOverlay;
class JobBar;
class QueryTableModel;
class ReviewSession;
class SampleDetailPane;
class ThumbnailCache;

/** Curate: review synthesized triplets in a virtualised card gallery with filters, keyboard
 *  verdicts and undo, a detail view, and synthesis/export runs of the `psr` CLI; an overview
 *  tab counts samples and reviews per subset and split. */
class CuratePanel : public WorkspacePanel {
  Q_OBJECT

 public:
  explicit CuratePanel(QWidget* parent = nullptr);
  ~CuratePanel() override;

  GalleryModel* galleryModel() const { return model_; }
  GalleryView* galleryView() const { return gallery_; }
  FilterBar* filterBar() const { return filters_; }
  SampleDetailPane* detailPane() const { return detail_; }
  HotkeyOverlay* hotkeyOverlay() const { return overlay_; }
  ReviewSession* reviewSession() const { return session_; }
  JobBar* jobBar() const { return jobBar_; }
  ThumbnailCache* thumbnails() const { return thumbnails_; }
  QString galleryCountText() const;

  /// Where the `psr` executable is (default: next to the studio).
  void setCliPath(const QString& path);
  /// Runs `psr data synth` with `args` (SynthDialog::arguments()) for the open workspace.
  void startSynthesis(const QStringList& args);
  /// Runs `psr data export KIND --out DIR` (KIND: shards or psrbench).
  void startExport(const QString& kind, const QString& dir);

 protected:
  bool reload(psr::store::Workspace& workspace) override;

 private:
  QWidget* createReviewPage();
  QWidget* createActions();
  /// Shows `filter`'s samples with `keepId` current when it is among them, else the first.
  void applyFilter(const psr::curate::SampleFilter& filter, std::int64_t keepId);
  void showCurrent();
  void chooseSynthesis();
  void chooseExport(const QString& kind);
  void updateCount();
  void updateSummary();

  QueryTableModel* subsets_;
  ThumbnailCache* thumbnails_;
  GalleryModel* model_;
  GalleryView* gallery_ = nullptr;
  FilterBar* filters_ = nullptr;
  SampleDetailPane* detail_ = nullptr;
  HotkeyOverlay* overlay_ = nullptr;
  ReviewSession* session_ = nullptr;
  JobBar* jobBar_ = nullptr;
  ErrorBanner* banner_ = nullptr;
  QLabel* count_ = nullptr;
  QCheckBox* autoAdvance_ = nullptr;
  QPushButton* undo_ = nullptr;
  QList<QPushButton*> jobButtons_;
  psr::store::Workspace* workspace_ = nullptr;
  std::string fingerprint_;
  qint64 total_ = 0;
};

}  // namespace psr::ui
