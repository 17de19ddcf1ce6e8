#include "bench_drilldown.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSplitter>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include "bench_box_scorer.h"
#include "bench_data.h"
#include "bench_image_loader.h"
#include "bench_palette.h"
#include "bench_sample_column.h"
#include "inspect/score_image_view.h"

namespace psr::ui {
namespace {

constexpr int kOutputSide = 192;
constexpr int kReferenceSide = 96;
constexpr int kFixedColumns = 2;  // sample id, instruction

/// A captioned image for the references and the oracle render.
QWidget* captioned(ScoreImageView* view, const QString& caption, int side) {
  auto* box = new QWidget;
  auto* layout = new QVBoxLayout(box);
  layout->setContentsMargins(0, 0, 0, 0);
  view->setFixedSize(side, side);
  layout->addWidget(view);
  auto* text = new QLabel(caption, box);
  text->setTextFormat(Qt::PlainText);
  text->setWordWrap(true);
  text->setMaximumWidth(side);
  layout->addWidget(text);
  return box;
}

}  // namespace

BenchDrilldown::BenchDrilldown(QWidget* parent)
    : QWidget(parent),
      loader_(new BenchImageLoader(this)),
      scorer_(new BenchBoxScorer(this)),
      title_(new QLabel(this)),
      seedBox_(new QComboBox(this)),
      table_(new QTableWidget(this)),
      instruction_(new QLabel(this)),
      strip_(new QWidget),
      stripLayout_(new QHBoxLayout(strip_)) {
  setObjectName(QStringLiteral("benchDrilldown"));
  title_->setObjectName(QStringLiteral("benchDrillTitle"));
  title_->setTextFormat(Qt::PlainText);
  QFont bold = title_->font();
  bold.setBold(true);
  title_->setFont(bold);
  seedBox_->setObjectName(QStringLiteral("benchDrillSeed"));
  seedBox_->setToolTip(tr("Seed replicate whose outputs are shown"));
  auto* close = new QToolButton(this);
  close->setText(QStringLiteral("\u2715"));
  close->setAutoRaise(true);
  close->setToolTip(tr("Close the drill-down"));
  auto* header = new QHBoxLayout;
  header->addWidget(title_, 1);
  header->addWidget(new QLabel(tr("Seed"), this));
  header->addWidget(seedBox_);
  header->addWidget(close);

  table_->setObjectName(QStringLiteral("benchDrillSamples"));
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->verticalHeader()->hide();
  table_->setAlternatingRowColors(true);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);

  instruction_->setObjectName(QStringLiteral("benchDrillInstruction"));
  instruction_->setTextFormat(Qt::PlainText);
  instruction_->setWordWrap(true);
  instruction_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  stripLayout_->setContentsMargins(4, 4, 4, 4);
  stripLayout_->setAlignment(Qt::AlignLeft | Qt::AlignTop);
  auto* scroll = new QScrollArea(this);
  scroll->setObjectName(QStringLiteral("benchDrillStrip"));
  scroll->setWidget(strip_);
  scroll->setWidgetResizable(true);
  auto* compare = new QWidget(this);
  auto* compareLayout = new QVBoxLayout(compare);
  compareLayout->setContentsMargins(0, 0, 0, 0);
  compareLayout->addWidget(instruction_);
  compareLayout->addWidget(scroll, 1);

  auto* split = new QSplitter(Qt::Horizontal, this);
  split->addWidget(table_);
  split->addWidget(compare);
  split->setStretchFactor(0, 2);
  split->setStretchFactor(1, 5);
  split->setChildrenCollapsible(false);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 4, 0, 0);
  layout->addLayout(header);
  layout->addWidget(split, 1);

  connect(close, &QToolButton::clicked, this, [this] {
    scorer_->stop();
    emit closeRequested();
  });
  connect(table_, &QTableWidget::currentCellChanged, this, [this](int row) {
    if (row < 0) return;
    showSample(table_->item(row, 0)->data(Qt::UserRole).toLongLong());
  });
  connect(seedBox_, &QComboBox::currentIndexChanged, this, [this](int index) {
    if (index >= 0) setSeed(seedBox_->itemData(index).toInt());
  });
  connect(loader_, &BenchImageLoader::ready, this, [this](const QString& sha) {
    const auto apply = waiting_.values(sha);
    waiting_.remove(sha);
    const QImage image = loader_->image(sha);
    for (const auto& f : apply) f(image);
  });
  connect(scorer_, &BenchBoxScorer::scored, this, &BenchDrilldown::showScore);
}

void BenchDrilldown::setCliPath(const QString& path) { scorer_->setCliPath(path); }

void BenchDrilldown::setBlobStore(const psr::store::BlobStore& blobs) { loader_->setBlobStore(blobs); }

void BenchDrilldown::open(psr::store::Database& db, const QStringList& suites, const QString& subset,
                          const QString& metric, const QString& label, const QStringList& labels) {
  suites_ = suites;
  subset_ = subset;
  metric_ = metric;
  label_ = label;
  labels_ = labels;
  populate(db, -1, -1);
}

void BenchDrilldown::reload(psr::store::Database& db) {
  if (!suites_.isEmpty()) populate(db, shown_, seed_);
}

void BenchDrilldown::populate(psr::store::Database& db, qint64 keepSample, int keepSeed) {
  const std::optional<BenchSample> before = [&]() -> std::optional<BenchSample> {
    if (const BenchSample* s = sample(keepSample)) return *s;
    return std::nullopt;
  }();
  samples_ = readBenchSamples(db, suites_, subset_, labels_);
  QList<int> seeds;
  for (const BenchSample& s : samples_) {
    for (int seed : s.seeds()) {
      if (!seeds.contains(seed)) seeds << seed;
    }
  }
  std::sort(seeds.begin(), seeds.end());
  {
    const QSignalBlocker quiet(seedBox_);
    seedBox_->clear();
    for (int seed : seeds) seedBox_->addItem(QString::number(seed), seed);
    seed_ = seeds.contains(keepSeed) || seeds.isEmpty() ? qMax(0, keepSeed) : seeds.first();
    seedBox_->setCurrentIndex(seedBox_->findData(seed_));
  }
  fillTable();
  const BenchSample* kept = sample(keepSample);
  const qint64 show = kept ? keepSample : (table_->rowCount() > 0 ? table_->item(0, 0)->data(Qt::UserRole).toLongLong() : -1);
  // A refresh while a run stores batches must not rebuild (and blink) an unchanged sample.
  if (kept && before && before->outputs == kept->outputs && shown_ == keepSample) {
    const QSignalBlocker quiet(table_);
    for (int row = 0; row < table_->rowCount(); ++row) {
      if (table_->item(row, 0)->data(Qt::UserRole).toLongLong() == keepSample) table_->setCurrentCell(row, 0);
    }
    return;
  }
  shown_ = -1;
  if (show < 0 || !showSample(show)) rebuildStrip();
}

QString BenchDrilldown::title() const { return title_->text(); }

QList<qint64> BenchDrilldown::sampleIds() const {
  QList<qint64> ids;
  for (int row = 0; row < table_->rowCount(); ++row) ids << table_->item(row, 0)->data(Qt::UserRole).toLongLong();
  return ids;
}

const BenchSample* BenchDrilldown::sample(qint64 key) const {
  for (const BenchSample& s : samples_) {
    if (s.key == key) return &s;
  }
  return nullptr;
}

QString BenchDrilldown::sampleName(const BenchSample& s) const {
  return suites_.size() > 1 ? QStringLiteral("%1 \u00b7 %2").arg(s.suite).arg(s.id) : QString::number(s.id);
}

void BenchDrilldown::fillTable() {
  // Lowest first: the samples that pull the clicked cell down are what one wants to see.
  QList<const BenchSample*> order;
  for (const BenchSample& s : samples_) order << &s;
  const auto key = [this](const BenchSample* s) {
    const auto v = s->mean(label_, metric_);
    return v ? *v : std::numeric_limits<double>::infinity();
  };
  std::stable_sort(order.begin(), order.end(), [&](const BenchSample* a, const BenchSample* b) { return key(a) < key(b); });

  const QSignalBlocker quiet(table_);
  table_->clear();
  table_->setColumnCount(kFixedColumns + int(labels_.size()));
  QStringList headers{tr("#"), tr("Instruction")};
  headers += labels_;
  table_->setHorizontalHeaderLabels(headers);
  for (int l = 0; l < labels_.size(); ++l) {
    table_->horizontalHeaderItem(kFixedColumns + l)
        ->setToolTip(tr("%1 of %2, mean over its seed replicates").arg(benchMetricLongTitle(metric_), labels_[l]));
    table_->horizontalHeaderItem(kFixedColumns + l)->setForeground(benchModelColor(l));
  }
  table_->setRowCount(int(order.size()));
  for (int row = 0; row < order.size(); ++row) {
    const BenchSample& s = *order[row];
    auto* id = new QTableWidgetItem(sampleName(s));
    id->setData(Qt::UserRole, s.key);
    table_->setItem(row, 0, id);
    auto* instruction = new QTableWidgetItem(s.instruction);
    instruction->setToolTip(s.instruction);
    table_->setItem(row, 1, instruction);
    for (int l = 0; l < labels_.size(); ++l) {
      const auto v = s.mean(labels_[l], metric_);
      auto* cell = new QTableWidgetItem(v ? QString::number(*v, 'f', 3) : QStringLiteral("\u2013"));
      cell->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
      table_->setItem(row, kFixedColumns + l, cell);
    }
  }
  table_->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
  const int n = int(order.size());
  title_->setText(tr("%1 \u00b7 %2 \u2014 %n sample(s), lowest %3 first", nullptr, n)
                      .arg(benchSubsetTitle(subset_), benchMetricLongTitle(metric_), label_));
}

bool BenchDrilldown::showSample(qint64 key) {
  const BenchSample* s = sample(key);
  if (!s) return false;
  shown_ = key;
  for (int row = 0; row < table_->rowCount(); ++row) {
    if (table_->item(row, 0)->data(Qt::UserRole).toLongLong() == key && table_->currentRow() != row) {
      const QSignalBlocker quiet(table_);
      table_->setCurrentCell(row, 0);
    }
  }
  rebuildStrip();
  emit sampleShown(key);
  return true;
}

void BenchDrilldown::setSeed(int seed) {
  seed_ = seed;
  if (seedBox_->findData(seed) >= 0 && seedBox_->currentData().toInt() != seed) {
    const QSignalBlocker quiet(seedBox_);
    seedBox_->setCurrentIndex(seedBox_->findData(seed));
  }
  if (shown_ >= 0) rebuildStrip();
}

void BenchDrilldown::whenImage(const QString& sha, const std::function<void(const QImage&)>& apply) {
  const QImage image = loader_->image(sha);
  if (!image.isNull() || loader_->failed(sha)) apply(image);
  else waiting_.insert(sha, apply);
}

QString BenchDrilldown::scoreKey(const QString& label, qint64 sample) const {
  return suites_.join(QChar(0x1e)) + QChar(0x1f) + label + QChar(0x1f) + QString::number(seed_) + QChar(0x1f) + QString::number(sample);
}

void BenchDrilldown::rebuildStrip() {
  waiting_.clear();
  columns_.clear();
  references_.clear();
  oracle_ = nullptr;
  while (QLayoutItem* item = stripLayout_->takeAt(0)) {
    delete item->widget();
    delete item;
  }
  const BenchSample* s = sample(shown_);
  if (!s) {
    instruction_->clear();
    return;
  }
  instruction_->setText(tr("Sample %1: %2").arg(sampleName(*s), s->instruction));

  auto* refs = new QWidget;
  auto* refsLayout = new QVBoxLayout(refs);
  refsLayout->setContentsMargins(4, 0, 4, 0);
  auto* refsTitle = new QLabel(tr("<b>References</b>"), refs);
  refsLayout->addWidget(refsTitle);
  for (int i = 0; i < s->referenceBlobs.size(); ++i) {
    auto* view = new ScoreImageView;
    view->setObjectName(QStringLiteral("benchDrillReference"));
    view->setPlaceholder(tr("Loading\u2026"));
    references_ << view;
    const QString noun = i < s->categories.size() ? s->categories[i] : QString();
    refsLayout->addWidget(captioned(view, QStringLiteral("%1 \u00b7 %2").arg(i + 1).arg(noun), kReferenceSide));
    whenImage(s->referenceBlobs[i], [view](const QImage& image) {
      if (image.isNull()) view->setPlaceholder(tr("Unreadable"));
      view->setImage(image);
    });
  }
  if (s->referenceBlobs.isEmpty()) refsLayout->addWidget(new QLabel(tr("none stored"), refs));
  refsLayout->addStretch(1);
  stripLayout_->addWidget(refs);

  if (!s->oracleBlob.isEmpty()) {
    oracle_ = new ScoreImageView;
    oracle_->setObjectName(QStringLiteral("benchDrillOracle"));
    auto* box = new QWidget;
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(4, 0, 4, 0);
    layout->addWidget(new QLabel(tr("<b>Ground truth</b>"), box));
    layout->addWidget(captioned(oracle_, tr("the world's render of the scene"), kOutputSide));
    layout->addStretch(1);
    stripLayout_->addWidget(box);
    ScoreImageView* view = oracle_;
    whenImage(s->oracleBlob, [view](const QImage& image) { view->setImage(image); });
  }

  for (int l = 0; l < labels_.size(); ++l) {
    const QString& label = labels_[l];
    auto* column = new BenchSampleColumn(label, benchModelColor(l), kOutputSide);
    columns_.insert(label, column);
    stripLayout_->addWidget(column);
    const auto bySeed = s->outputs.value(label);
    const auto it = bySeed.constFind(seed_);
    QStringList means;
    for (const QString& metric : benchMetrics()) {
      if (const auto v = s->mean(label, metric)) means << QStringLiteral("%1 %2").arg(benchMetricTitle(metric)).arg(*v, 0, 'f', 3);
    }
    const QString meansText = bySeed.size() > 1 ? tr("Mean over %1 seeds: %2").arg(bySeed.size()).arg(means.join(QStringLiteral(" \u00b7 ")))
                                                : QString();
    column->setOutput(it == bySeed.constEnd() ? nullptr : &*it, seed_, meansText);
    if (it != bySeed.constEnd() && !it->imageBlob.isEmpty()) {
      whenImage(it->imageBlob, [column](const QImage& image) { column->setImage(image); });
    }
  }
  stripLayout_->addStretch(1);
  requestScores(*s);
}

void BenchDrilldown::requestScores(const BenchSample& s) {
  QList<QPair<QString, ScoreRequest>> requests;
  QStringList refs;
  for (const QString& blob : s.referenceBlobs) refs << loader_->pathOf(blob);
  const bool canScore = !refs.isEmpty() && !refs.contains(QString()) && s.categories.size() == refs.size();
  for (const QString& label : labels_) {
    BenchSampleColumn* column = columns_.value(label);
    const auto bySeed = s.outputs.value(label);
    const auto it = bySeed.constFind(seed_);
    if (it == bySeed.constEnd() || it->imageBlob.isEmpty() || !it->error.isEmpty()) continue;
    if (!canScore) {
      column->setScore(std::nullopt, tr("No references to find subjects with."));
      continue;
    }
    const QString key = scoreKey(label, s.key);
    if (scorer_->result(key) || !scorer_->error(key).isEmpty()) {
      showScore(key);
      continue;
    }
    column->setScore(std::nullopt, tr("Finding subjects\u2026"));
    ScoreRequest r;
    r.references = refs;
    r.categories = s.categories;
    r.image = loader_->pathOf(it->imageBlob);
    r.prompt = s.instruction;
    r.subset = s.subset;
    requests.append({key, r});
  }
  scorer_->score(requests);
}

void BenchDrilldown::showScore(const QString& key) {
  for (auto it = columns_.constBegin(); it != columns_.constEnd(); ++it) {
    if (scoreKey(it.key(), shown_) != key) continue;
    if (const auto result = scorer_->result(key)) it.value()->setScore(result, QString());
    else it.value()->setScore(std::nullopt, tr("Boxes unavailable: %1").arg(scorer_->error(key)));
  }
}

}  // namespace psr::ui
