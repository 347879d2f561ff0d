// The Sweep tab and its chart widget (sweep_tab.hpp).
#include "sweep_tab.hpp"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QVBoxLayout>
#include <algorithm>

#include "sweep_points.hpp"

namespace mcuprof::gui {

ParetoWidget::ParetoWidget(QWidget* parent) : QWidget(parent) {
  setMinimumSize(480, 240);
  setObjectName(QStringLiteral("pareto"));
}

void ParetoWidget::set_chart(plot::ParetoChart chart) {
  chart_ = std::move(chart);
  update();
}

QPointF ParetoWidget::point_position(size_t index) const {
  // Search the pixels for the point: the chart's own hit test is the reference.
  const QRectF bounds(rect());
  for (int y = 0; y < height(); y += 2)
    for (int x = 0; x < width(); x += 2)
      if (plot::pareto_point_at(bounds, chart_, QPointF(x, y)) == index) return QPointF(x, y);
  return {-1, -1};
}

void ParetoWidget::paintEvent(QPaintEvent*) {
  QPainter p(this);
  plot::render_pareto(p, QRectF(rect()), chart_);
}

void ParetoWidget::mousePressEvent(QMouseEvent* event) {
  if (const auto i = plot::pareto_point_at(QRectF(rect()), chart_, event->position()))
    emit runClicked(chart_.points[*i].run_id);
}

SweepTab::SweepTab(QWidget* parent) : QWidget(parent) {
  boards_ = new QComboBox(this);
  boards_->setObjectName(QStringLiteral("sweep-board"));
  hint_ = new QLabel(tr("No run of this database ended well: nothing to compare."), this);
  chart_ = new ParetoWidget(this);
  auto* top = new QHBoxLayout;
  top->addWidget(new QLabel(tr("Board:"), this));
  top->addWidget(boards_);
  top->addWidget(hint_, 1);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(top);
  layout->addWidget(chart_, 1);
  connect(boards_, &QComboBox::currentIndexChanged, this, &SweepTab::show_board);
  connect(chart_, &ParetoWidget::runClicked, this, &SweepTab::runClicked);
}

void SweepTab::set_runs(std::vector<traces::RunRecord> runs) {
  runs_ = std::move(runs);
  const QString current = boards_->currentText();
  {
    const QSignalBlocker block(boards_);
    boards_->clear();
    for (const auto& b : sweep_boards(runs_)) boards_->addItem(QString::fromStdString(b));
    const int keep = boards_->findText(current);
    boards_->setCurrentIndex(keep >= 0 ? keep : 0);
  }
  hint_->setVisible(boards_->count() == 0);
  show_board(boards_->currentIndex());
}

void SweepTab::set_selected(std::vector<int64_t> run_ids) {
  selected_ = std::move(run_ids);
  show_board(boards_->currentIndex());
}

void SweepTab::show_board(int index) {
  plot::ParetoChart chart =
      index < 0 ? plot::ParetoChart{} : sweep_chart(runs_, boards_->itemText(index).toStdString());
  for (auto& p : chart.points)
    p.selected = std::find(selected_.begin(), selected_.end(), p.run_id) != selected_.end();
  chart_->set_chart(std::move(chart));
}

}  // namespace mcuprof::gui
