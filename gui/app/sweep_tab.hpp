// SweepTab: the Sweep tab of a sweep database — per board (a combo box), every run that
// ended well as latency against peak SRAM, coloured by schedule and labelled by model, with
// the Pareto front and the board's limits (gui/plot/pareto_chart.hpp). Clicking a point
// asks the window to open that run; the runs selected in the window are ringed.
#pragma once

#include <QWidget>
#include <vector>

#include "mcuprof/traces/records.hpp"
#include "pareto_chart.hpp"

class QComboBox;
class QLabel;

namespace mcuprof::gui {

class ParetoWidget final : public QWidget {
  Q_OBJECT

 public:
  explicit ParetoWidget(QWidget* parent = nullptr);
  void set_chart(plot::ParetoChart chart);
  const plot::ParetoChart& chart() const { return chart_; }
  // Where point `index` is drawn (for tests and tooltips).
  QPointF point_position(size_t index) const;

 signals:
  void runClicked(qlonglong id);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;

 private:
  plot::ParetoChart chart_;
};

class SweepTab final : public QWidget {
  Q_OBJECT

 public:
  explicit SweepTab(QWidget* parent = nullptr);
  void set_runs(std::vector<traces::RunRecord> runs);
  // The runs selected in the window (ringed on the chart, on every board).
  void set_selected(std::vector<int64_t> run_ids);
  ParetoWidget* chart() const { return chart_; }
  QComboBox* boards() const { return boards_; }

 signals:
  void runClicked(qlonglong id);

 private:
  void show_board(int index);

  std::vector<traces::RunRecord> runs_;
  std::vector<int64_t> selected_;
  QComboBox* boards_ = nullptr;
  QLabel* hint_ = nullptr;
  ParetoWidget* chart_ = nullptr;
};

}  // namespace mcuprof::gui
