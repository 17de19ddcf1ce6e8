#pragma once
#include <QElapsedTimer>
#include <QList>

#include "compose/compose_recipe.h"
#include "workspace_panel.h"

class QDoubleSpinBox;
class QLabel;
class QSpinBox;
class QTabWidget;

namespace psr::ui {

class CompareView;
class ScoreInspector;
class ErrorBanner;
class GenerateBar;
class GenerationQueue;
class HistoryModel;
class HistoryPane;
class ImageView;
class ModelPicker;
class PromptEditor;
class QueryTableModel;
class SeedControl;
class SubjectSlot;
struct GenerateProgress;
struct GenerateRequest;

/** Compose: 1–4 named subject slots and a prompt become images through `psr generate` child
 *  processes (queued, cancellable, with a live preview of the denoising); every image lands in
 *  the history with its full recipe, which can be restored, compared and saved. */
class ComposePanel : public WorkspacePanel {
  Q_OBJECT

 public:
  static constexpr int kSlots = 4;

  explicit ComposePanel(QWidget* parent = nullptr);
  ~ComposePanel() override;

  /// Where the `psr` executable is (default: next to the studio).
  void setCliPath(const QString& path);

  /// Queues a generation from the controls; false, with the reason in the banner, when it cannot.
  bool generate();
  /// Puts history row `row`'s recipe back into the controls (its reference copies, names,
  /// prompt, model, seed locked, steps, guidance; batch 1 so that exact image comes back).
  void restore(int row);
  /// Shows history rows `first` and `second` side by side.
  void compare(int first, int second);
  /// Copies history row `row`'s image and recipe to `pngPath`; errors go to the banner.
  bool exportImage(int row, const QString& pngPath);
  /// Opens the score inspector on history row `row` with the subject names as categories, to be
  /// checked and edited there before Score; nullptr when there is no such row.
  ScoreInspector* scoreImage(int row);

  QList<SubjectSlot*> subjectSlots() const { return slots_; }
  PromptEditor* promptEditor() const { return prompt_; }
  ModelPicker* modelPicker() const { return model_; }
  SeedControl* seedControl() const { return seed_; }
  QSpinBox* stepsBox() const { return steps_; }
  QDoubleSpinBox* guidanceBox() const { return guidance_; }
  QSpinBox* countBox() const { return count_; }
  GenerateBar* generateBar() const { return bar_; }
  GenerationQueue* queue() const { return queue_; }
  HistoryModel* historyModel() const { return history_; }
  HistoryPane* historyPane() const { return historyPane_; }
  CompareView* compareView() const { return compare_; }
  ImageView* previewView() const { return preview_; }
  QString previewCaption() const;
  QTabWidget* viewTabs() const { return tabs_; }
  ErrorBanner* errorBanner() const { return banner_; }

 protected:
  bool reload(psr::store::Workspace& workspace) override;

 private:
  QWidget* createControls();
  QWidget* createViewer();
  void updateChips();
  void placeDroppedFiles(int afterSlot, const QStringList& paths);
  void showProgress(const GenerateRequest& request, const GenerateProgress& progress);
  void onFinished(const GenerateRequest& request, bool succeeded, bool cancelled, const QString& error);
  void showHistoryImage(int row);
  void chooseExport(int row);
  ComposeRecipe draftRecipe() const;

  QueryTableModel* models_;
  GenerationQueue* queue_;
  HistoryModel* history_;
  QList<SubjectSlot*> slots_;
  PromptEditor* prompt_ = nullptr;
  ModelPicker* model_ = nullptr;
  SeedControl* seed_ = nullptr;
  QSpinBox* steps_ = nullptr;
  QDoubleSpinBox* guidance_ = nullptr;
  QSpinBox* count_ = nullptr;
  GenerateBar* bar_ = nullptr;
  ErrorBanner* banner_ = nullptr;
  QTabWidget* tabs_ = nullptr;
  ImageView* preview_ = nullptr;
  QLabel* previewCaption_ = nullptr;
  CompareView* compare_ = nullptr;
  HistoryPane* historyPane_ = nullptr;
  QString workspaceDir_;
  QString cliPath_;
  QElapsedTimer previewClock_;
};

}  // namespace psr::ui
